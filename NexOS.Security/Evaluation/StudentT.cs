namespace NexOS.Security.Evaluation;

/// <summary>
/// The cumulative distribution function of Student's t, computed from the closed forms for
/// whole degrees of freedom (Abramowitz and Stegun 26.7.3 and 26.7.4) with only +, -, *, /
/// and square root. Those operations are exactly rounded by IEEE 754, so the result is the
/// same bit for bit in the kernel and on the host, and no libm (exp, log) is needed. The
/// arctangent that odd degrees of freedom need is computed here in the same way.
/// </summary>
public static class StudentT
{
    /// <summary>Degrees of freedom above this are treated as this many. The series has about
    /// df/2 terms, so the cap bounds the work; and since fewer degrees of freedom mean heavier
    /// tails, the cap can only make a test more cautious (at 1000 the 0.999 quantile is 3.098
    /// against 3.090 for the normal limit).</summary>
    public const int MaxDegreesOfFreedom = 1000;

    private const double Pi = 3.14159265358979323846;

    /// <summary>P(T &lt;= t) for T with <paramref name="degreesOfFreedom"/> (at least 1; values
    /// below 1 are taken as 1). NaN gives 0.5, the answer that decides nothing.</summary>
    public static double Cdf(double t, int degreesOfFreedom)
    {
        if (double.IsNaN(t))
        {
            return 0.5;
        }

        if (double.IsInfinity(t))
        {
            return t > 0 ? 1.0 : 0.0;
        }

        int df = Math.Clamp(degreesOfFreedom, 1, MaxDegreesOfFreedom);
        double a = CentralProbability(Math.Abs(t), df);
        return t >= 0 ? 0.5 + (0.5 * a) : 0.5 - (0.5 * a);
    }

    // A(t|df) = P(-t <= T <= t) for t >= 0. With theta = atan(t / sqrt(df)) the series is in
    // powers of cos^2(theta) = df / (df + t^2), and sin(theta) = t / sqrt(df + t^2).
    private static double CentralProbability(double t, int df)
    {
        double r = df + (t * t);
        double cos2 = df / r;
        double sin = t / Math.Sqrt(r);
        if ((df & 1) == 0)
        {
            // Even df: sin * (1 + 1/2 cos^2 + 1*3/(2*4) cos^4 + ... up to cos^(df-2)).
            double term = 1.0, sum = 1.0;
            for (int k = 1; k <= (df - 2) / 2; k++)
            {
                term *= cos2 * ((2 * k) - 1) / (2 * k);
                sum += term;
                if (term < sum * 1e-17)
                {
                    break;
                }
            }

            return Math.Min(1.0, sin * sum);
        }

        double theta = Atan(t / Math.Sqrt(df));
        if (df == 1)
        {
            return 2.0 * theta / Pi;
        }

        // Odd df: 2/pi * (theta + sin * cos * (1 + 2/3 cos^2 + 2*4/(3*5) cos^4 + ... up to cos^(df-3))).
        double cos = Math.Sqrt(cos2);
        double oddTerm = 1.0, oddSum = 1.0;
        for (int k = 1; k <= (df - 3) / 2; k++)
        {
            oddTerm *= cos2 * (2 * k) / ((2 * k) + 1);
            oddSum += oddTerm;
            if (oddTerm < oddSum * 1e-17)
            {
                break;
            }
        }

        return Math.Min(1.0, 2.0 / Pi * (theta + (sin * cos * oddSum)));
    }

    /// <summary>Arctangent for x &gt;= 0 from square roots and a short series: atan(x) =
    /// pi/2 - atan(1/x) brings x into [0, 1]; three halvings, atan(x) = 2 atan(x / (1 +
    /// sqrt(1 + x^2))), bring it below 0.1; then the Taylor series converges in a few terms.</summary>
    public static double Atan(double x)
    {
        if (x < 0)
        {
            return -Atan(-x);
        }

        bool inverted = x > 1.0;
        if (inverted)
        {
            x = 1.0 / x;
        }

        double scale = 1.0;
        for (int i = 0; i < 3; i++)
        {
            x /= 1.0 + Math.Sqrt(1.0 + (x * x));
            scale *= 2.0;
        }

        double x2 = x * x, power = x, sum = x;
        for (int n = 3; n <= 31; n += 2)
        {
            power *= -x2;
            sum += power / n;
        }

        double result = scale * sum;
        return inverted ? (Pi / 2) - result : result;
    }
}

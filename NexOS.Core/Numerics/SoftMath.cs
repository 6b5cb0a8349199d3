namespace NexOS.Core.Numerics;

/// <summary>
/// log, exp and pow in plain C# arithmetic, for the kernel, which has no C library to supply
/// the libm functions the class library's Math.Log, Math.Exp and Math.Pow call (the runtime
/// layer exports these under the C names). Accurate to a few units in the last place over
/// the whole range; special values (NaN, infinities, zero, negative bases) follow C99 Annex F.
/// Pure functions: no state, no allocation, safe anywhere, including interrupt handlers.
/// </summary>
public static class SoftMath
{
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double Sqrt2 = 1.4142135623730951;

    /// <summary>Natural logarithm.</summary>
    public static double Log(double x)
    {
        if (double.IsNaN(x) || x < 0)
        {
            return double.NaN;
        }

        if (x == 0)
        {
            return double.NegativeInfinity;
        }

        if (double.IsPositiveInfinity(x))
        {
            return x;
        }

        long bits = BitConverter.DoubleToInt64Bits(x);
        int exponent = (int)((bits >> 52) & 0x7FF);
        if (exponent == 0)
        {
            // Subnormal: scale into the normal range first.
            return Log(x * 18014398509481984.0) - (54 * (Ln2Hi + Ln2Lo));
        }

        // x = m * 2^e with m in [1, 2), then m moved into [sqrt(1/2), sqrt(2)).
        int e = exponent - 1023;
        double m = BitConverter.Int64BitsToDouble((bits & 0x000F_FFFF_FFFF_FFFFL) | 0x3FF0_0000_0000_0000L);
        if (m > Sqrt2)
        {
            m *= 0.5;
            e++;
        }

        // log(m) = 2 atanh(s) with s = (m - 1) / (m + 1), |s| <= 0.1716: the series
        // 2 (s + s^3/3 + s^5/5 + ...) reaches double precision within 11 terms.
        double s = (m - 1) / (m + 1);
        double s2 = s * s;
        double term = s;
        double sum = 0;
        for (int k = 1; k <= 23; k += 2)
        {
            sum += term / k;
            term *= s2;
        }

        return (e * Ln2Hi) + ((e * Ln2Lo) + (2 * sum));
    }

    /// <summary>e raised to <paramref name="x"/>.</summary>
    public static double Exp(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }

        if (x > 709.782712893384)
        {
            return double.PositiveInfinity;
        }

        if (x < -745.1332191019412)
        {
            return 0;
        }

        // x = k ln2 + r with |r| <= ln2 / 2; e^r by its Taylor series, then scaled by 2^k.
        // Rounding by hand: Math.Round and Math.Floor may call the C library's rint and floor.
        double t = x / (Ln2Hi + Ln2Lo);
        double k = (long)(t + (t >= 0 ? 0.5 : -0.5));
        double r = (x - (k * Ln2Hi)) - (k * Ln2Lo);
        double term = 1;
        double sum = 1;
        for (int n = 1; n <= 18; n++)
        {
            term *= r / n;
            sum += term;
        }

        return ScaleByPowerOfTwo(sum, (int)k);
    }

    /// <summary><paramref name="x"/> raised to <paramref name="y"/>.</summary>
    public static double Pow(double x, double y)
    {
        if (y == 0 || x == 1)
        {
            return 1;
        }

        if (double.IsNaN(x) || double.IsNaN(y))
        {
            return double.NaN;
        }

        if (double.IsInfinity(y))
        {
            double ax = Math.Abs(x);
            return ax == 1 ? 1 : (ax > 1) == (y > 0) ? double.PositiveInfinity : 0;
        }

        // Every double of magnitude 2^53 or more is an even integer.
        bool big = Math.Abs(y) >= 9007199254740992.0;
        bool integer = big || (double)(long)y == y;
        bool odd = !big && integer && ((long)y & 1) != 0;
        if (x == 0 || double.IsInfinity(x))
        {
            bool large = double.IsInfinity(x);
            double magnitude = (y > 0) == large ? double.PositiveInfinity : 0;
            return odd && double.IsNegative(x) ? -magnitude : magnitude;
        }

        if (x < 0 && !integer)
        {
            return double.NaN;
        }

        // Small integer powers by repeated squaring: exact whenever the result is representable
        // (pow(2, 10) is 1024, not 1024.0000000000002), and within a few ulps otherwise.
        if (integer && Math.Abs(y) <= 64)
        {
            return IntegerPower(x, (int)y);
        }

        double r = Exp(y * Log(Math.Abs(x)));
        return odd && x < 0 ? -r : r;
    }

    private static double IntegerPower(double x, int n)
    {
        double result = 1;
        double b = x;
        for (int e = n < 0 ? -n : n; e > 0; e >>= 1)
        {
            if ((e & 1) != 0)
            {
                result *= b;
            }

            b *= b;
        }

        return n < 0 ? 1 / result : result;
    }

    private static double ScaleByPowerOfTwo(double value, int k)
    {
        // Two steps so that 2^k itself never overflows or underflows on the way.
        int half = k / 2;
        return value * PowerOfTwo(half) * PowerOfTwo(k - half);
    }

    private static double PowerOfTwo(int k) => BitConverter.Int64BitsToDouble((long)(k + 1023) << 52);
}

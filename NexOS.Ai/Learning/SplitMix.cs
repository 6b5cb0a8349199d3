namespace NexOS.Ai.Learning;

/// <summary>
/// A small, fast, seedable random number generator (SplitMix64) with the few distributions
/// the engine needs. A value type with no allocation, identical on the host and in the
/// kernel, so a recorded seed replays the same decisions in the simulator.
/// </summary>
public struct SplitMix
{
    private ulong _state;

    public SplitMix(ulong seed)
    {
        _state = seed;
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextBits()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1), with 53 random bits.</summary>
    public double NextDouble() => (NextBits() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="bound"/>); 0 when the bound is not positive.</summary>
    public int Next(int bound) => bound <= 0 ? 0 : (int)(NextDouble() * bound);

    /// <summary>Standard normal, by the polar method.</summary>
    public double NextGaussian()
    {
        while (true)
        {
            double u = (2 * NextDouble()) - 1;
            double v = (2 * NextDouble()) - 1;
            double s = (u * u) + (v * v);
            if (s > 0 && s < 1)
            {
                return u * Math.Sqrt(-2 * Math.Log(s) / s);
            }
        }
    }

    /// <summary>Gamma(<paramref name="shape"/>, 1) by Marsaglia and Tsang's method; shapes
    /// below 1 are boosted by one and scaled back. A non-positive or non-finite shape gives 0.</summary>
    public double NextGamma(double shape)
    {
        if (!(shape > 0) || double.IsInfinity(shape))
        {
            return 0;
        }

        if (shape < 1)
        {
            double u = NextDouble();
            return NextGamma(shape + 1) * Math.Pow(u > 0 ? u : double.Epsilon, 1 / shape);
        }

        double d = shape - (1.0 / 3);
        double c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x = NextGaussian();
            double v = 1 + (c * x);
            if (v <= 0)
            {
                continue;
            }

            v = v * v * v;
            double u = NextDouble();
            if (u < 1 - (0.0331 * x * x * x * x) || Math.Log(u) < (0.5 * x * x) + (d * (1 - v + Math.Log(v))))
            {
                return d * v;
            }
        }
    }

    /// <summary>Beta(<paramref name="alpha"/>, <paramref name="beta"/>) from two gammas;
    /// 0.5 when both come out 0 (degenerate parameters).</summary>
    public double NextBeta(double alpha, double beta)
    {
        double x = NextGamma(alpha);
        double y = NextGamma(beta);
        return x + y > 0 ? x / (x + y) : 0.5;
    }
}

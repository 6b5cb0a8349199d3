namespace NexOS.Ai.Monitoring;

/// <summary>
/// Simple statistics of the newest samples of a <see cref="SeriesRing"/>: count, mean, min,
/// max, median, 90th and 99th percentiles (nearest rank), and the trend (least-squares slope
/// per second). A value type, computed without allocating.
/// </summary>
public readonly struct WindowStatistics
{
    private const double NsPerSecond = 1e9;

    public int Count { get; init; }

    public double Mean { get; init; }

    public double Min { get; init; }

    public double Max { get; init; }

    public double P50 { get; init; }

    public double P90 { get; init; }

    public double P99 { get; init; }

    /// <summary>Change per second, fitted over the window; 0 with fewer than two samples or
    /// when they were all taken at once.</summary>
    public double TrendPerSecond { get; init; }

    /// <summary>
    /// The statistics of the newest <paramref name="window"/> samples of
    /// <paramref name="ring"/> (all of them when it holds fewer). <paramref name="scratch"/>
    /// must have room for the window (the ring's capacity always suffices); the sort happens
    /// there. An empty window gives all zeros.
    /// </summary>
    public static WindowStatistics Of(SeriesRing ring, int window, Span<double> scratch)
    {
        int n = Math.Min(Math.Max(window, 0), ring.Count);
        if (n == 0)
        {
            return default;
        }

        if (scratch.Length < n)
        {
            throw new ArgumentException($"scratch holds {scratch.Length} values, the window {n}", nameof(scratch));
        }

        // Times as nanosecond offsets from the window's first sample, turned into seconds once
        // at the end: two divisions per sample cost more than the rest under emulation.
        int first = ring.Count - n;
        double sum = 0;
        ulong t0 = ring.TimeAt(first);
        double meanT = 0;
        for (int i = 0; i < n; i++)
        {
            double v = ring.ValueAt(first + i);
            scratch[i] = v;
            sum += v;
            meanT += ring.TimeAt(first + i) - t0;
        }

        double mean = sum / n;
        meanT /= n;
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++)
        {
            double dt = (ring.TimeAt(first + i) - t0) - meanT;
            sxy += dt * (scratch[i] - mean);
            sxx += dt * dt;
        }

        Span<double> sorted = scratch[..n];
        sorted.Sort();
        return new WindowStatistics
        {
            Count = n,
            Mean = mean,
            Min = sorted[0],
            Max = sorted[n - 1],
            P50 = Rank(sorted, 50),
            P90 = Rank(sorted, 90),
            P99 = Rank(sorted, 99),
            TrendPerSecond = sxx > 0 ? sxy / sxx * NsPerSecond : 0,
        };
    }

    /// <summary>The count and mean of the newest <paramref name="window"/> samples of
    /// <paramref name="ring"/> (0 and 0 when empty): what <see cref="Of"/> gives as Count and
    /// Mean, without the sort and the fit, for readers that need only the mean.</summary>
    public static (int Count, double Mean) MeanOf(SeriesRing ring, int window)
    {
        int n = Math.Min(Math.Max(window, 0), ring.Count);
        if (n == 0)
        {
            return (0, 0);
        }

        double sum = 0;
        for (int i = ring.Count - n; i < ring.Count; i++)
        {
            sum += ring.ValueAt(i);
        }

        return (n, sum / n);
    }

    /// <summary>Nearest rank: the smallest value with at least p% of the values at or below it.</summary>
    private static double Rank(ReadOnlySpan<double> sorted, int percent)
    {
        int rank = ((percent * sorted.Length) + 99) / 100;
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}

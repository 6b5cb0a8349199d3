namespace NexOS.Security.Evaluation;

/// <summary>
/// Streaming mean and variance by Welford's method: one sample at a time, constant memory,
/// no allocation, and none of the cancellation that the textbook sum-of-squares formula
/// suffers when the values are large and their spread small (nanosecond latencies).
/// </summary>
public struct RunningStats
{
    private double _mean;
    private double _m2;

    /// <summary>Number of samples added.</summary>
    public long Count { get; private set; }

    /// <summary>Mean of the samples (0 when empty).</summary>
    public readonly double Mean => _mean;

    /// <summary>Unbiased sample variance (n - 1 in the denominator); 0 with fewer than 2 samples.</summary>
    public readonly double Variance => Count > 1 ? _m2 / (Count - 1) : 0.0;

    /// <summary>Adds one sample. NaN and infinities are ignored, so one bad reading cannot
    /// poison the whole arm.</summary>
    public void Add(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            return;
        }

        Count++;
        double delta = value - _mean;
        _mean += delta / Count;
        _m2 += delta * (value - _mean);
    }

    /// <summary>Forgets every sample.</summary>
    public void Reset()
    {
        Count = 0;
        _mean = 0;
        _m2 = 0;
    }
}

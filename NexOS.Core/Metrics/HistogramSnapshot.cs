namespace NexOS.Core.Metrics;

/// <summary>
/// An immutable copy of a <see cref="LatencyHistogram"/> taken by
/// <see cref="LatencyHistogram.Snapshot"/>: every figure is computed from the same copy of the
/// buckets, so they agree with one another even if the histogram kept recording.
/// </summary>
public sealed class HistogramSnapshot
{
    private readonly long[] _buckets;

    internal HistogramSnapshot(string name, string unit, long[] buckets, ulong sum, ulong min, ulong max, long clamped)
    {
        Name = name;
        Unit = unit;
        _buckets = buckets;
        Count = HistogramMath.Total(buckets);
        Sum = sum;
        Min = Count == 0 ? 0 : min;
        Max = Count == 0 ? 0 : max;
        Clamped = clamped;
    }

    /// <summary>The histogram's name.</summary>
    public string Name { get; }

    /// <summary>The histogram's unit.</summary>
    public string Unit { get; }

    /// <summary>Samples in the copy.</summary>
    public long Count { get; }

    /// <summary>Sum of the (clamped) samples.</summary>
    public ulong Sum { get; }

    /// <summary>Smallest sample, or zero when there are none.</summary>
    public ulong Min { get; }

    /// <summary>Largest (clamped) sample, or zero when there are none.</summary>
    public ulong Max { get; }

    /// <summary>Samples that were clamped to <see cref="LatencyHistogram.MaxTrackable"/>.</summary>
    public long Clamped { get; }

    /// <summary>Average sample, or zero when there are none.</summary>
    public double Mean => Count == 0 ? 0 : HistogramMath.ToDouble(Sum) / Count;

    /// <summary>Per-bucket sample counts, indexed like <see cref="LatencyHistogram.BucketIndex"/>.</summary>
    public ReadOnlySpan<long> Buckets => _buckets;

    /// <summary>Estimates a percentile exactly as <see cref="LatencyHistogram.Percentile"/>
    /// does.</summary>
    public ulong Percentile(double percentile) =>
        HistogramMath.Percentile(_buckets, Count, Min, Max, percentile);
}

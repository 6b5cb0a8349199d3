using System.Numerics;
using System.Threading;

namespace NexOS.Core.Metrics;

/// <summary>
/// A distribution of durations in nanoseconds, cheap enough to record on every IPC round trip
/// or interrupt. Buckets are logarithmic: each power of two is split into four equal
/// sub-buckets, so a bucket is at most 25% wider than its lower bound, and values 0-7 have a
/// bucket each. The buckets cover 0 to 2^40 - 1 ns (about 18 minutes); larger values are
/// clamped to the top. All storage is allocated at construction; <see cref="Record"/>
/// neither allocates nor throws and uses atomic instructions, so CPUs can share a histogram.
/// Readers racing a writer may see the sum and the buckets one sample apart.
/// </summary>
public sealed class LatencyHistogram : Metric
{
    /// <summary>Sub-buckets per power of two.</summary>
    public const int SubBuckets = 4;

    /// <summary>Values at or above 2^<see cref="MaxExponent"/> ns are clamped.</summary>
    public const int MaxExponent = 40;

    /// <summary>The largest value recorded as itself; larger ones become this.</summary>
    public const ulong MaxTrackable = (1UL << MaxExponent) - 1;

    /// <summary>Number of buckets: 0-3 exactly, then four for each power of two from 2^2 up
    /// to 2^39.</summary>
    public const int BucketCount = SubBuckets * (MaxExponent - 1);

    private readonly long[] _buckets = new long[BucketCount];
    private ulong _sum;
    private ulong _min = ulong.MaxValue;
    private ulong _max;
    private long _clamped;

    /// <summary>Creates an empty histogram. See <see cref="Metric"/> for argument checks.
    /// The unit is normally <c>ns</c>; the bucket layout assumes nanoseconds only in that
    /// its range ends at 2^40.</summary>
    public LatencyHistogram(string name, string unit, string description)
        : base(name, unit, description)
    {
    }

    /// <inheritdoc/>
    public override MetricKind Kind => MetricKind.Histogram;

    /// <summary>Samples recorded. Summed over the buckets on each read, which keeps
    /// <see cref="Record"/> one atomic instruction shorter.</summary>
    public long Count => HistogramMath.Total(_buckets);

    /// <summary>Sum of the (clamped) samples.</summary>
    public ulong Sum => Volatile.Read(ref _sum);

    /// <summary>Smallest sample, or zero when there are none.</summary>
    public ulong Min
    {
        get
        {
            ulong min = Volatile.Read(ref _min);
            return min == ulong.MaxValue ? 0 : min;
        }
    }

    /// <summary>Largest (clamped) sample, or zero when there are none.</summary>
    public ulong Max => Volatile.Read(ref _max);

    /// <summary>How many samples were above <see cref="MaxTrackable"/> and were clamped.</summary>
    public long Clamped => Volatile.Read(ref _clamped);

    /// <summary>Average sample, or zero when there are none.</summary>
    public double Mean
    {
        get
        {
            long count = Count;
            return count == 0 ? 0 : HistogramMath.ToDouble(Sum) / count;
        }
    }

    /// <summary>Records one duration of <paramref name="ns"/> nanoseconds. Never allocates or
    /// throws; values above <see cref="MaxTrackable"/> count as <see cref="MaxTrackable"/>.</summary>
    public void Record(ulong ns)
    {
        if (ns > MaxTrackable)
        {
            ns = MaxTrackable;
            Interlocked.Increment(ref _clamped);
        }

        Interlocked.Increment(ref _buckets[BucketIndex(ns)]);
        Interlocked.Add(ref _sum, ns);

        AtomicExtremes.LowerTo(ref _min, ns);
        AtomicExtremes.RaiseTo(ref _max, ns);
    }

    /// <summary>Estimates the <paramref name="percentile"/>-th percentile (0-100, e.g. 50 or
    /// 99) from the buckets: within a bucket, samples are assumed spread evenly, and the
    /// result is kept between <see cref="Min"/> and <see cref="Max"/>, so 0 gives the exact
    /// minimum and 100 the exact maximum. The estimate stays inside the true value's bucket,
    /// so it is off by less than 25% for values of 8 and more (typically about half that)
    /// and exact below 8. Returns 0 when there are no samples;
    /// percentiles outside 0-100 are clamped and NaN counts as 0. Never allocates.</summary>
    public ulong Percentile(double percentile) =>
        HistogramMath.Percentile(_buckets, Count, Min, Max, percentile);

    /// <summary>Copies the bucket counts into <paramref name="destination"/> (at least
    /// <see cref="BucketCount"/> long; false and nothing copied otherwise). Allocation-free,
    /// for samplers that diff two copies to see one window's distribution.</summary>
    public bool CopyBucketsTo(Span<long> destination)
    {
        if (destination.Length < BucketCount)
        {
            return false;
        }

        for (int i = 0; i < BucketCount; i++)
        {
            destination[i] = Volatile.Read(ref _buckets[i]);
        }

        return true;
    }

    /// <summary>The <paramref name="percentile"/>-th percentile of a distribution given as
    /// bucket counts (a window: the difference of two <see cref="CopyBucketsTo"/> copies),
    /// estimated as <see cref="Percentile"/> does, between the lower bound of the first used
    /// bucket and the upper bound of the last. 0 when the buckets are empty; negative counts
    /// (a racing writer) count as 0. Allocation-free.</summary>
    public static ulong PercentileOfBuckets(ReadOnlySpan<long> buckets, double percentile)
    {
        long count = 0;
        int first = -1;
        int last = -1;
        for (int i = 0; i < buckets.Length && i < BucketCount; i++)
        {
            if (buckets[i] > 0)
            {
                count += buckets[i];
                first = first < 0 ? i : first;
                last = i;
            }
        }

        if (count == 0)
        {
            return 0;
        }

        Span<long> clean = stackalloc long[BucketCount];
        for (int i = first; i <= last; i++)
        {
            clean[i] = Math.Max(0, buckets[i]);
        }

        ulong max = BucketLowerBound(last) + BucketWidth(last) - 1;
        return HistogramMath.Percentile(clean, count, BucketLowerBound(first), max, percentile);
    }

    /// <summary>Forgets every sample. Not atomic: a sample recorded on another CPU during the
    /// reset may be partly kept.</summary>
    public void Reset()
    {
        Array.Clear(_buckets);
        Volatile.Write(ref _sum, 0);
        Volatile.Write(ref _min, ulong.MaxValue);
        Volatile.Write(ref _max, 0);
        Volatile.Write(ref _clamped, 0);
    }

    /// <summary>An immutable copy of the histogram as it is now. Allocates (one object and its
    /// bucket array), so call it from reporting code, not from the path being measured.</summary>
    public HistogramSnapshot Snapshot()
    {
        // A plain copy rather than Array.Clone, which needs more from the kernel's runtime
        // layer than allocating an array does.
        long[] buckets = new long[BucketCount];
        _buckets.AsSpan().CopyTo(buckets);
        return new HistogramSnapshot(Name, Unit, buckets, Sum, Min, Max, Clamped);
    }

    /// <summary>The bucket that <paramref name="ns"/> falls in. Values 0-7 map to themselves;
    /// above that, the exponent picks a group of four and the two bits after the leading one
    /// pick the sub-bucket. Values above <see cref="MaxTrackable"/> map to the last bucket.</summary>
    public static int BucketIndex(ulong ns)
    {
        if (ns < 8)
        {
            return (int)ns;
        }

        if (ns > MaxTrackable)
        {
            return BucketCount - 1;
        }

        int exponent = BitOperations.Log2(ns);
        return (SubBuckets * (exponent - 1)) + (int)((ns >> (exponent - 2)) & (SubBuckets - 1));
    }

    /// <summary>The smallest value in bucket <paramref name="index"/> (0 to
    /// <see cref="BucketCount"/> - 1; other indexes give 0).</summary>
    public static ulong BucketLowerBound(int index)
    {
        if (index < SubBuckets)
        {
            return index < 0 ? 0 : (ulong)index;
        }

        if (index >= BucketCount)
        {
            return 0;
        }

        int exponent = (index / SubBuckets) + 1;
        ulong sub = (ulong)(index % SubBuckets);
        return (SubBuckets + sub) << (exponent - 2);
    }

    /// <summary>How many distinct values bucket <paramref name="index"/> holds: 1 for
    /// indexes below 8, doubling every four buckets after that (0 for invalid indexes).</summary>
    public static ulong BucketWidth(int index)
    {
        if (index < 0 || index >= BucketCount)
        {
            return 0;
        }

        return index < 2 * SubBuckets ? 1 : 1UL << ((index / SubBuckets) - 1);
    }
}

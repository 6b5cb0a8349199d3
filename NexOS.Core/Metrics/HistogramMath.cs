namespace NexOS.Core.Metrics;

/// <summary>Bucket arithmetic shared by the live histogram and its snapshots, so both estimate
/// percentiles identically.</summary>
internal static class HistogramMath
{
    /// <summary>Sum of the bucket counts.</summary>
    public static long Total(ReadOnlySpan<long> buckets)
    {
        long total = 0;
        foreach (long count in buckets)
        {
            total += count;
        }

        return total;
    }

    /// <summary>See <see cref="LatencyHistogram.Percentile"/>. <paramref name="count"/> may
    /// disagree with the buckets when a writer races the reader; the walk then ends at
    /// <paramref name="max"/> instead of running past the array.</summary>
    public static ulong Percentile(ReadOnlySpan<long> buckets, long count, ulong min, ulong max, double percentile)
    {
        if (count <= 0)
        {
            return 0;
        }

        if (double.IsNaN(percentile) || percentile <= 0)
        {
            return min;
        }

        if (percentile >= 100)
        {
            return max;
        }

        // The nearest-rank definition: the smallest sample with at least p% of samples at or
        // below it.
        long rank = (long)Math.Ceiling(percentile / 100 * count);
        if (rank < 1)
        {
            rank = 1;
        }

        long before = 0;
        for (int i = 0; i < buckets.Length; i++)
        {
            long inBucket = buckets[i];
            if (inBucket <= 0)
            {
                continue;
            }

            if (before + inBucket >= rank)
            {
                // Place the sample at the middle of its share of the bucket: a lone sample
                // lands mid-bucket, which halves the worst-case error of using a bound.
                double fraction = (rank - before - 0.5) / inBucket;
                ulong width = LatencyHistogram.BucketWidth(i);
                // Via long: double-to-long is one instruction on x86-64, double-to-ulong may
                // need a runtime helper. The product is below 2^37, so it fits.
                ulong estimate = LatencyHistogram.BucketLowerBound(i) + (ulong)(long)(fraction * (long)width);
                // Explicit comparisons rather than Math.Clamp, which throws if a racing writer
                // has left min above max.
                if (estimate > max)
                {
                    estimate = max;
                }

                return estimate < min ? min : estimate;
            }

            before += inBucket;
        }

        return max;
    }

    /// <summary>Converts through long (one instruction, unlike ulong-to-double on x86-64).
    /// Sums stay below 2^63 in practice: that is 292 years of recorded nanoseconds.</summary>
    public static double ToDouble(ulong value) =>
        value <= long.MaxValue ? (long)value : ((double)(long)(value >> 1)) * 2;

    /// <summary>Mean rounded to the nearest integer, or 0 with no samples. Integer arithmetic
    /// so formatters need no floating-point text conversion.</summary>
    public static ulong RoundedMean(ulong sum, long count) =>
        count <= 0 ? 0 : (sum + ((ulong)count / 2)) / (ulong)count;
}

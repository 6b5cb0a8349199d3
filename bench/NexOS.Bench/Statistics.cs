namespace NexOS.Bench;

/// <summary>One system's figure for one measurement over repeated runs: each run gives a
/// median and a p99; the summary takes the median of each across runs, and the spread is
/// the lowest to the highest run median (and, for claims about tails, run p99).</summary>
public sealed record Summary(double Median, double P99, double SpreadLow, double SpreadHigh, int Runs)
{
    public double P99Low { get; init; } = P99;

    public double P99High { get; init; } = P99;

    public static Summary? Of(IReadOnlyList<BenchLine> runs)
    {
        var good = runs.Where(r => r.Error == null && !double.IsNaN(r.Median)).ToList();
        if (good.Count == 0)
        {
            return null;
        }

        List<double> medians = good.Select(r => r.Median).ToList();
        List<double> p99s = good.Select(r => r.P99).ToList();
        return new Summary(MedianOf(medians), MedianOf(p99s), medians.Min(), medians.Max(), good.Count)
        {
            P99Low = p99s.Min(),
            P99High = p99s.Max(),
        };
    }

    /// <summary>Median of <paramref name="values"/> (the mean of the middle two for an even
    /// count); NaN for none.</summary>
    public static double MedianOf(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.OrderBy(v => v).ToList();
        int mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}

/// <summary>NexOS against Linux for one measurement. A null side was not measured (the
/// system printed no figure by that name, or only errors); <paramref name="NotLikeWithLike"/>
/// says why the two sides do not measure the same thing, null when they do.</summary>
public sealed record Comparison(string Label, string Short, string NexOSBench, string LinuxBench, string Unit, Summary? NexOS, Summary? Linux, string? NotLikeWithLike = null)
{
    /// <summary>True when both sides measure the same thing on the same kind of actor.</summary>
    public bool LikeWithLike => NotLikeWithLike == null;

    /// <summary>NexOS's median over Linux's: below 1 NexOS is faster (all figures are times).</summary>
    public double Ratio => NexOS == null || Linux == null || Linux.Median <= 0 ? double.NaN : NexOS.Median / Linux.Median;

    /// <summary>
    /// True when the runs do not establish which system is faster: the ranges of run medians
    /// overlap, so the spread between runs is as large as the difference claimed. Also true
    /// when either side has no figure.
    /// </summary>
    public bool Unclear =>
        NexOS == null || Linux == null || (NexOS.SpreadLow <= Linux.SpreadHigh && Linux.SpreadLow <= NexOS.SpreadHigh);

    /// <summary>As <see cref="Unclear"/>, for the p99s: the ranges of run p99s overlap.</summary>
    public bool TailUnclear =>
        NexOS == null || Linux == null || (NexOS.P99Low <= Linux.P99High && Linux.P99Low <= NexOS.P99High);
}

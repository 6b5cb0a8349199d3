namespace NexOS.Bench;

/// <summary>One system's figure for one measurement over repeated runs: each run gives a
/// median and a p99; the summary takes the median of each across runs, and the spread is
/// the lowest to the highest run median.</summary>
public sealed record Summary(double Median, double P99, double SpreadLow, double SpreadHigh, int Runs)
{
    public static Summary? Of(IReadOnlyList<BenchLine> runs)
    {
        var good = runs.Where(r => r.Error == null && !double.IsNaN(r.Median)).ToList();
        if (good.Count == 0)
        {
            return null;
        }

        List<double> medians = good.Select(r => r.Median).ToList();
        return new Summary(MedianOf(medians), MedianOf(good.Select(r => r.P99).ToList()), medians.Min(), medians.Max(), good.Count);
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

/// <summary>NexOS against Linux for one measurement.</summary>
public sealed record Comparison(string Label, string Short, string NexOSBench, string LinuxBench, string Unit, Summary? NexOS, Summary? Linux)
{
    /// <summary>NexOS's median over Linux's: below 1 NexOS is faster (all figures are times).</summary>
    public double Ratio => NexOS == null || Linux == null || Linux.Median <= 0 ? double.NaN : NexOS.Median / Linux.Median;

    /// <summary>
    /// True when the runs do not establish which system is faster: the ranges of run medians
    /// overlap, so the spread between runs is as large as the difference claimed. Also true
    /// when either side has no figure.
    /// </summary>
    public bool Unclear =>
        NexOS == null || Linux == null || (NexOS.SpreadLow <= Linux.SpreadHigh && Linux.SpreadLow <= NexOS.SpreadHigh);
}

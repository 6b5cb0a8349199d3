using System.Globalization;
using System.Text;

namespace NexOS.Bench;

/// <summary>The project's targets, each checked against the figures: met, missed, not
/// established when the runs' spread covers the margin, or not measured when a side has no
/// figure. Only comparisons of like with like (<see cref="Comparison.LikeWithLike"/>) are
/// judged; the others stay in the report's table for context.</summary>
public static class Targets
{
    /// <summary>What an outcome says when a side printed no figure.</summary>
    public const string NotMeasured = "not measured";

    /// <summary>One target's outcome.</summary>
    /// <param name="Target">What was asked.</param>
    /// <param name="Figure">The ratio the verdict rests on, "-" for none.</param>
    /// <param name="Outcome">met, missed, not established (...) or not measured (...).</param>
    public sealed record Verdict(string Target, string Figure, string Outcome);

    /// <summary>Judges every target whose comparison is like with like, and the allocator's.</summary>
    public static List<Verdict> Check(IReadOnlyList<Comparison> comparisons, IReadOnlyList<AllocResult> alloc)
    {
        var verdicts = new List<Verdict>();
        foreach (Comparison c in comparisons.Where(c => c.LikeWithLike))
        {
            switch (c.NexOSBench, c.LinuxBench)
            {
                case (Figures.BootGuest, _):
                    verdicts.Add(Judge($"boot at least 5x faster than Linux ({c.Short})", c, 0.2));
                    break;
                case (Figures.BootWall, _):
                    verdicts.Add(Judge($"boot at least 5x faster than Linux ({c.Short})", c, 0.2));
                    verdicts.Add(Under("boot to prompt under 1 s of wall time (reference: 1 s)", c, 1000));
                    break;
                case ("user_null_syscall", "getppid_syscall"):
                    verdicts.Add(Judge("null system call faster than Linux's getppid", c, 1));
                    break;
                case ("user_ipc_roundtrip", "futex_process_roundtrip"):
                    verdicts.Add(Judge("IPC round trip between processes at most half Linux's futex round trip between processes", c, 0.5));
                    break;
                case ("user_spawn_wait", "posix_spawn_wait"):
                    verdicts.Add(Judge("spawn + wait faster than Linux's posix_spawn + waitpid", c, 1));
                    break;
                case ("disk_seq_write" or "disk_seq_read" or "disk_rand_read_qd1" or "disk_rand_read_qd32", _):
                    verdicts.Add(Judge($"raw disk within 1.2x of Linux ({c.Short})", c, 1.2));
                    break;
                case ("file_cycle", _):
                    verdicts.Add(Judge("small-file cycle on FAT32 faster than Linux's vfat", c, 1));
                    break;
            }
        }

        foreach (string trace in alloc.Select(r => r.Trace).Distinct())
        {
            double ratio = Report.AllocRatio(alloc, trace, "NexOS", "mimalloc");
            string outcome = double.IsNaN(ratio) ? NotMeasured : ratio <= 1.5 ? "met" : "missed";
            verdicts.Add(new Verdict($"allocation within 1.5x of mimalloc ({trace})", Ratio(ratio), outcome));
        }

        return verdicts;
    }

    /// <summary>Met when NexOS's median is at most <paramref name="limit"/> times Linux's and
    /// every run agrees (NexOS's highest run median is at most <paramref name="limit"/> times
    /// Linux's lowest); not established when the median meets the limit but the runs do not
    /// all; missed otherwise. For a limit of 1 that is "the ranges of run medians do not
    /// overlap".</summary>
    private static Verdict Judge(string target, Comparison c, double limit)
    {
        if (Missing(c) is string missing)
        {
            return new Verdict(target, "-", missing);
        }

        string outcome = c.Ratio > limit ? "missed"
            : c.NexOS!.SpreadHigh > limit * c.Linux!.SpreadLow ? "not established (spread > difference)"
            : "met";
        return new Verdict(target, Ratio(c.Ratio), outcome);
    }

    /// <summary>An absolute bound on NexOS's figure: met when every run's median is at most
    /// <paramref name="bound"/> (in the comparison's unit); the figure is the median over the
    /// bound. Needs no Linux figure.</summary>
    private static Verdict Under(string target, Comparison c, double bound)
    {
        if (c.NexOS == null)
        {
            return new Verdict(target, "-", NotMeasured + " (no NexOS figure)");
        }

        double ratio = c.NexOS.Median / bound;
        string outcome = ratio > 1 ? "missed"
            : c.NexOS.SpreadHigh > bound ? "not established (spread > difference)"
            : "met";
        return new Verdict(target, Ratio(ratio), outcome);
    }

    private static string? Missing(Comparison c) => (c.NexOS, c.Linux) switch
    {
        (null, null) => NotMeasured + " (no figure from either system)",
        (null, _) => NotMeasured + " (no NexOS figure)",
        (_, null) => NotMeasured + " (no Linux figure)",
        _ => c.Linux.Median <= 0 ? NotMeasured + " (Linux figure is 0)" : null,
    };

    private static string Ratio(double ratio) => double.IsNaN(ratio) ? "-" : ratio.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>The targets table of docs/benchmarks.md.</summary>
    public static string Markdown(IReadOnlyList<Verdict> verdicts)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| target | ratio NexOS / reference | outcome |");
        sb.AppendLine("| --- | ---: | --- |");
        foreach (Verdict v in verdicts)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {v.Target} | {v.Figure} | {v.Outcome} |");
        }

        return sb.ToString();
    }
}

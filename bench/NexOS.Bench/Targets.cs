using System.Globalization;
using System.Text;

namespace NexOS.Bench;

/// <summary>The project's targets (issue 6), each checked against the figures: met, missed,
/// or not established when the runs' spread covers the difference.</summary>
public static class Targets
{
    public sealed record Verdict(string Target, string Figure, string Outcome);

    public static List<Verdict> Check(IReadOnlyList<Comparison> comparisons, IReadOnlyList<AllocResult> alloc)
    {
        var verdicts = new List<Verdict>();
        foreach (Comparison c in comparisons)
        {
            switch (c.NexOSBench, c.LinuxBench)
            {
                case (Figures.BootGuest, _) or (Figures.BootWall, _):
                    verdicts.Add(Judge($"boot at least 5x faster than Linux ({c.Short})", c.Unclear, c.Ratio, 0.2));
                    break;
                case ("ctx_switch", "futex_switch") or ("ipc_roundtrip", "pipe_thread_roundtrip") or ("ipc_roundtrip", "pipe_process_roundtrip"):
                    verdicts.Add(Judge($"{c.NexOSBench} faster than Linux's {c.LinuxBench}", c.Unclear, c.Ratio, 1));
                    break;
                case ("rt_lateness", _) or ("timer_latency", _):
                    double p99 = c.NexOS == null || c.Linux == null || c.Linux.P99 <= 0 ? double.NaN : c.NexOS.P99 / c.Linux.P99;
                    verdicts.Add(Judge($"{c.NexOSBench} p99 no worse than Linux's {c.LinuxBench}", c.TailUnclear, p99, 1));
                    break;
            }
        }

        foreach (string trace in alloc.Select(r => r.Trace).Distinct())
        {
            double ratio = Report.AllocRatio(alloc, trace, "NexOS", "mimalloc");
            string outcome = double.IsNaN(ratio) ? "no figure" : ratio <= 1.5 ? "met" : "missed";
            verdicts.Add(new Verdict($"allocation within 1.5x of mimalloc ({trace})", Ratio(ratio), outcome));
        }

        return verdicts;
    }

    /// <summary>Met when <paramref name="ratio"/> is at most <paramref name="limit"/>; not
    /// established when the runs' ranges overlap and the verdict would be "met".</summary>
    private static Verdict Judge(string target, bool unclear, double ratio, double limit)
    {
        string outcome = double.IsNaN(ratio) ? "no figure"
            : ratio > limit ? "missed"
            : unclear ? "not established (spread > difference)"
            : "met";
        return new Verdict(target, Ratio(ratio), outcome);
    }

    private static string Ratio(double ratio) => double.IsNaN(ratio) ? "-" : ratio.ToString("0.###", CultureInfo.InvariantCulture);

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

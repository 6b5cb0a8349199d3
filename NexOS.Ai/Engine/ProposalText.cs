using System.Text;
using NexOS.Security.Patches;

namespace NexOS.Ai.Engine;

/// <summary>Plain-language accounts of proposals: `evolve propose`, `evolve explain`, `evolve changelog`.</summary>
public static class ProposalText
{
    /// <summary>The name of a state, as the shell prints it.</summary>
    public static string Name(ProposalState state) => state switch
    {
        ProposalState.Proposed => "proposed",
        ProposalState.Refused => "refused",
        ProposalState.OnTrial => "on trial",
        ProposalState.Kept => "kept",
        ProposalState.RolledBack => "rolled back",
        ProposalState.Passed => "passed over",
        _ => "unknown",
    };

    /// <summary>One line: id, family, target, score and why.</summary>
    public static string Line(Proposal p)
        => $"#{p.Id} {p.Family} on {p.Target} ({p.Model}): expected {Percent(p.ExpectedGainPercent)} on {p.Metric}"
            + (double.IsNaN(p.SimulatedGainPercent) ? string.Empty : $", simulated {Percent(p.SimulatedGainPercent)}")
            + $", score {p.Score:F2}, {Name(p.State)}: {p.Why}";

    /// <summary>Everything known about one proposal, one fact per line.</summary>
    public static string Explain(Proposal p)
    {
        var sb = new StringBuilder();
        sb.Append($"proposal #{p.Id}: {Name(p.State)}\n");
        sb.Append($"model      {p.Model}, family {p.Family}\n");
        sb.Append($"change     {(p.Kind == PatchKind.Cil ? "CIL hook body for" : "parameters of")} {p.Target}\n");
        sb.Append($"why        {p.Why}\n");
        sb.Append($"metric     {p.Metric} ({(p.LowerIsBetter ? "lower" : "higher")} is better)\n");
        sb.Append($"expected   {Percent(p.ExpectedGainPercent)}; simulated {(double.IsNaN(p.SimulatedGainPercent) ? "not simulated" : Percent(p.SimulatedGainPercent))}; cost elsewhere {p.SideCostPercent:F1}%\n");
        sb.Append($"score      {p.Score:F3} (performance model)\n");
        if (p.PatchId != 0)
        {
            sb.Append($"patch      {p.PatchId}: {p.Verdict}\n");
        }

        if (!double.IsNaN(p.MetricBefore))
        {
            sb.Append($"measured   before {p.MetricBefore:F1}, after {(double.IsNaN(p.MetricAfter) ? "not yet" : p.MetricAfter.ToString("F1"))}\n");
        }

        return sb.ToString();
    }

    /// <summary>
    /// The changelog: every kept change in plain language (what, why, the measured effect, how
    /// to undo it), oldest first; or a line saying there is none.
    /// </summary>
    public static string Changelog(IReadOnlyList<Proposal> history)
    {
        var sb = new StringBuilder();
        foreach (Proposal p in history)
        {
            if (p.State != ProposalState.Kept)
            {
                continue;
            }

            string what = p.Kind == PatchKind.Cil ? $"replaced the {p.Target} hook with a generated policy" : $"changed the parameters of {p.Target}";
            string effect = double.IsNaN(p.MetricBefore) || double.IsNaN(p.MetricAfter)
                ? "not measured"
                : $"{p.Metric} went from {p.MetricBefore:F1} to {p.MetricAfter:F1} ({Percent(Gain(p))})";
            sb.Append($"patch {p.PatchId} ({p.Model} model, {p.Family}): {what}. Why: {p.Why}. Effect: {effect}. Undo: evolve rollback {p.PatchId}\n");
        }

        return sb.Length == 0 ? "no kept changes yet\n" : sb.ToString();
    }

    private static double Gain(Proposal p)
    {
        double change = (p.MetricAfter - p.MetricBefore) / Math.Abs(p.MetricBefore) * 100;
        return p.LowerIsBetter ? -change : change;
    }

    private static string Percent(double value) => double.IsNaN(value) ? "unknown" : (value >= 0 ? "+" : string.Empty) + value.ToString("F1") + "%";
}

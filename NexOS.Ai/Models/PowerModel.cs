using NexOS.Ai.Engine;
using NexOS.Ai.Monitoring;
using NexOS.Core.Policy;
using NexOS.Security.Patches;

namespace NexOS.Ai.Models;

/// <summary>
/// The power model: idle behaviour, judged by wake-ups per second.
/// <para>Input: the timer interrupt rate (each one wakes the CPU from halt) and the p99
/// scheduling latency, over the newest window.</para>
/// <para>Output: parameter patches of <c>power.timer_slack_us</c>: double the slack while the
/// CPU wakes, or is forecast within <see cref="ForecastSeconds"/> to wake, more often than
/// <see cref="WakeBudgetPerSecond"/> and latency has room; halve it when latency exceeds
/// <see cref="LatencyBudgetNs"/>.</para>
/// <para>Learning rule: the expected gain of one doubling is a running estimate, moved a third
/// of the way to each measured gain (kept or rolled back: a rollback's negative gain counts
/// too), starting from 10%. When the estimate falls below 1%, the model stops asking for more
/// slack: on this machine slack does not save wake-ups.</para>
/// </summary>
public sealed class PowerModel : IEvolutionModel, IPrimableModel
{
    /// <summary>The parameter set and parameter the model tunes.</summary>
    public const string Target = "power";

    /// <summary>The slack parameter.</summary>
    public const string SlackParameter = "timer_slack_us";

    /// <summary>The metric: timer interrupts per second.</summary>
    public const string WakeMetric = "irq.timer.rate";

    /// <summary>The cost metric: p99 time from runnable to running.</summary>
    public const string LatencyMetric = "sched.latency_ns.p99";

    /// <summary>Slack of the first step up, microseconds.</summary>
    public const long FirstSlackUs = 250;

    /// <summary>Below this learned gain per doubling the model stops asking for slack.</summary>
    public const double MinExpectedGainPercent = 1;

    private const double LearningRate = 1.0 / 3;
    private double _gainPerDoubling = 10;
    // What the model did last, written when described: the sentences format doubles, which
    // costs more than the analysis under emulation, and the demos analyse ten times a second.
    private Func<string> _last = static () => "nothing yet";

    /// <summary>How far ahead the model looks, seconds.</summary>
    public double ForecastSeconds { get; set; } = 5;

    /// <summary>Wake-ups per second above which slack is worth trying.</summary>
    public double WakeBudgetPerSecond { get; set; } = 100;

    /// <summary>p99 scheduling latency above which slack is given back.</summary>
    public double LatencyBudgetNs { get; set; } = 2_000_000;

    /// <summary>The learned gain of one doubling of the slack, percent of wake-ups.</summary>
    public double GainPerDoublingPercent => _gainPerDoubling;

    /// <inheritdoc/>
    public string Name => "power";

    /// <inheritdoc/>
    public void Analyse(EngineSnapshot snapshot, List<Proposal> proposals)
    {
        Parameter? slack = snapshot.Manager.Registry.FindParameterSet(Target)?.Find(SlackParameter);
        WindowStatistics wake = snapshot.Statistics(WakeMetric, EvolutionEngine.DefaultWindow);
        (int Count, double Mean) latency = snapshot.Mean(LatencyMetric, EvolutionEngine.DefaultWindow);
        if (slack == null || wake.Count < EvolutionEngine.DefaultWindow)
        {
            return;
        }

        long now = slack.Value;
        if (latency.Count > 0 && latency.Mean > LatencyBudgetNs && now > 0)
        {
            long down = now / 2 < FirstSlackUs ? 0 : now / 2;
            double p99 = latency.Mean, budgetNs = LatencyBudgetNs;
            _last = () => $"latency p99 {p99 / 1000:F0} us over budget: slack {now} -> {down} us";
            proposals.Add(Make(down, now, LatencyMetric, 25, () => $"scheduling latency p99 is {p99 / 1000:F0} us, over the {budgetNs / 1000:F0} us budget; less timer slack shortens it"));
            return;
        }

        // Predictive: act on where the wake-up rate is heading over the next few seconds, so a
        // rising rate is met before it crosses the budget.
        long up = now == 0 ? FirstSlackUs : now * 2;
        double forecast = EngineSnapshot.Forecast(wake, ForecastSeconds);
        if (Math.Max(wake.Mean, forecast) > WakeBudgetPerSecond && up <= slack.Max && _gainPerDoubling >= MinExpectedGainPercent)
        {
            // The numbers as they are now, for sentences written later.
            double rate = wake.Mean, budget = WakeBudgetPerSecond, horizon = ForecastSeconds;
            string Seen() => rate > budget ? $"the CPU wakes {rate:F0} times a second" : $"the CPU wakes {rate:F0} times a second and is heading for {forecast:F0} in {horizon:F0} s";
            _last = () => $"{Seen()}: slack {now} -> {up} us";
            Proposal p = Make(up, now, WakeMetric, _gainPerDoubling, () => $"{Seen()} (budget {budget:F0}); timer slack of {up} us lets sleepers share wake-ups");
            // The cost: sleepers may wake up to one slack late; counted as the share of the
            // latency budget that slack takes, a tenth of it.
            p.SideCostPercent = Math.Min(100, up * 1000.0 / LatencyBudgetNs * 10);
            proposals.Add(p);
        }
    }

    /// <summary>The prior's key for <see cref="GainPerDoublingPercent"/>.</summary>
    public const string GainPrior = "power.gain_per_doubling";

    /// <inheritdoc/>
    public void Prime(ModelPriors priors) => _gainPerDoubling = priors.Value(GainPrior, _gainPerDoubling);

    /// <inheritdoc/>
    public void Export(ModelPriors priors) => priors.AddValue(GainPrior, _gainPerDoubling);

    /// <inheritdoc/>
    public void Learn(Proposal proposal, ProposalOutcome outcome)
    {
        if (proposal.Metric == WakeMetric && !double.IsNaN(outcome.MeasuredGainPercent))
        {
            _gainPerDoubling += LearningRate * (outcome.MeasuredGainPercent - _gainPerDoubling);
        }

        string learned = $"proposal {proposal.Id} {ProposalText.Name(outcome.State)}; gain per doubling now {_gainPerDoubling:F1}%";
        _last = () => learned;
    }

    /// <inheritdoc/>
    public string Describe()
        => $"power: wake budget {WakeBudgetPerSecond:F0}/s, latency budget {LatencyBudgetNs / 1000:F0} us, learned gain per slack doubling {_gainPerDoubling:F1}%; last: {_last()}\n";

    private Proposal Make(long slackUs, long fromUs, string metric, double expected, Func<string> why)
        => new(Name, slackUs > fromUs ? "power.slack.up" : "power.slack.down", Target, PatchKind.Parameter, metric, true, expected, why,
            id => Encode(id, slackUs, why(), metric, expected));

    private static byte[]? Encode(ulong id, long slackUs, string why, string metric, double expected)
    {
        var provenance = new PatchProvenance(id, 0, PatchOrigin.Engine, "power", why, metric, (int)Math.Clamp(expected * 100, -10000, 10000));
        Patch patch = Patch.ForParameters(Target, new[] { new ParameterChange(SlackParameter, slackUs) }, provenance);
        return PatchWriter.TryWrite(patch, null, out byte[]? bytes, out _) ? bytes : null;
    }
}

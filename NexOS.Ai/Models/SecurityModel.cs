using System.Text;
using NexOS.Ai.Engine;
using NexOS.Security.Patching;
using NexOS.Security.Policy;

namespace NexOS.Ai.Models;

/// <summary>
/// The security model: anomaly detection over what the patch manager sees.
/// <para>Input, each cycle: refusals per patch source (from the manager's counters), watchdog
/// removals, and integrity check results reported by the kernel.</para>
/// <para>Output, as a guard (it acts, it does not propose): a source whose refusals burst is
/// quarantined; a burst of watchdog removals raises the security level one step; a failed
/// integrity check raises it to Paranoid. It never lowers the level: that is the operator's.</para>
/// <para>Learning rule: a burst is a decayed count (half-life <see cref="HalfLifeCycles"/>
/// cycles, 5 s at the kernel's 100 ms cycle) above both an absolute floor and the learned
/// baseline: an exponentially weighted mean and variance of refusals per cycle with a time
/// constant of 3000 cycles (5 minutes), updated only in cycles that took no action. Two time
/// scales: a flood within seconds stands out against minutes of history, while a system with
/// a steady trickle of refusals (a fuzzing harness, a noisy link) teaches the baseline to
/// expect it. The baseline can be primed (pre-trained) instead of starting at zero. Threshold: the decayed count's own mean plus 4 of
/// its standard deviations (for per-cycle mean m, deviation s and decay d: m / (1 - d) +
/// 4 s / sqrt(1 - d^2)), never below the floor.</para>
/// </summary>
public sealed class SecurityModel : IEvolutionModel, IGuardModel, IPrimableModel
{
    /// <summary>Decayed refusals from one source that quarantine it (at a zero baseline).</summary>
    public const double QuarantineFloor = 5;

    /// <summary>Decayed watchdog removals that raise the level.</summary>
    public const double WatchdogFloor = 3;

    /// <summary>Cycles for a burst's weight to halve.</summary>
    public const int HalfLifeCycles = 50;

    private const int MaxSources = PatchManager.MaxCountedSources;
    private const double BaselineRate = 1.0 / 3000;
    private static readonly double s_decay = Math.Pow(0.5, 1.0 / HalfLifeCycles);

    private readonly ulong[] _seen = new ulong[MaxSources];
    private readonly double[] _burst = new double[MaxSources];
    private readonly List<string> _actions = new();
    private int _watchdogSeen;
    private double _watchdogBurst;
    private double _mean;
    private double _variance;
    private bool _integrityFailed;
    private bool _integrityActed;

    /// <summary>A model with no history: any refusal burst above the floor is an anomaly.</summary>
    public SecurityModel()
    {
    }

    /// <summary>A model primed with a baseline of refusals per cycle (pre-trained).</summary>
    public SecurityModel(double baselineMean, double baselineDeviation)
    {
        _mean = Math.Max(0, baselineMean);
        _variance = baselineDeviation * baselineDeviation;
    }

    /// <inheritdoc/>
    public string Name => "security";

    /// <inheritdoc/>
    public void Prime(ModelPriors priors)
    {
        _mean = Math.Max(0, priors.Value("security.baseline_mean", _mean));
        double deviation = Math.Max(0, priors.Value("security.baseline_sd", Math.Sqrt(_variance)));
        _variance = deviation * deviation;
    }

    /// <inheritdoc/>
    public void Export(ModelPriors priors)
    {
        priors.AddValue("security.baseline_mean", _mean);
        priors.AddValue("security.baseline_sd", Math.Sqrt(_variance));
    }

    /// <summary>Learned mean of refusals per cycle.</summary>
    public double BaselineMean => _mean;

    /// <summary>Learned standard deviation of refusals per cycle.</summary>
    public double BaselineDeviation => Math.Sqrt(_variance);

    /// <summary>Actions taken, oldest first.</summary>
    public IReadOnlyList<string> Actions => _actions;

    /// <summary>The kernel reports each integrity check here.</summary>
    public void ReportIntegrity(bool intact) => _integrityFailed |= !intact;

    /// <inheritdoc/>
    public string? Guard(EngineSnapshot snapshot)
    {
        PatchManager manager = snapshot.Manager;
        string? action = null;
        if (_integrityFailed && !_integrityActed)
        {
            _integrityActed = true;
            action = Act(manager.SetLevel(SecurityLevel.Paranoid) + " (integrity check failed)");
        }

        double cycleRefusals = 0;
        // Refusals of mean m and deviation s per cycle give a decayed count of mean
        // m / (1 - d) and deviation s / sqrt(1 - d^2): a burst is 4 deviations above that.
        double threshold = Math.Max(QuarantineFloor, (_mean / (1 - s_decay)) + (4 * Math.Sqrt(_variance / (1 - (s_decay * s_decay)))));
        for (int i = 0; i < manager.RefusalSources.Count && i < MaxSources; i++)
        {
            ulong count = manager.RefusalCountAt(i);
            double fresh = count - _seen[i];
            _seen[i] = count;
            cycleRefusals += fresh;
            _burst[i] = (_burst[i] * s_decay) + fresh;
            string source = manager.RefusalSources[i];
            if (_burst[i] >= threshold && !manager.IsQuarantined(source) && source != PatchManager.UnreadableSource && source != "(other)")
            {
                action = Act(manager.Quarantine(source, Name, $"{_burst[i]:F1} recent refusals (threshold {threshold:F1})"));
            }
            else if (_burst[i] >= threshold && source == PatchManager.UnreadableSource)
            {
                _burst[i] = 0;
                action = Tighten(manager, "a flood of unreadable patches") ?? action;
            }
        }

        int removals = manager.WatchdogRemovals;
        _watchdogBurst = (_watchdogBurst * s_decay) + (removals - _watchdogSeen);
        _watchdogSeen = removals;
        if (_watchdogBurst >= WatchdogFloor)
        {
            _watchdogBurst = 0;
            action = Tighten(manager, "a burst of watchdog removals") ?? action;
        }

        if (action == null)
        {
            // Only calm cycles teach the baseline, so a flood cannot make itself normal.
            double delta = cycleRefusals - _mean;
            _mean += BaselineRate * delta;
            _variance = (1 - BaselineRate) * (_variance + (BaselineRate * delta * delta));
        }

        return action;
    }

    /// <inheritdoc/>
    public void Analyse(EngineSnapshot snapshot, List<Proposal> proposals)
    {
        // The security model acts through Guard; it proposes no patches.
    }

    /// <inheritdoc/>
    public void Learn(Proposal proposal, ProposalOutcome outcome)
    {
    }

    /// <inheritdoc/>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append($"security: baseline {_mean:F3} refusals/cycle (sd {BaselineDeviation:F3}), watchdog burst {_watchdogBurst:F1}, integrity {(_integrityFailed ? "FAILED" : "ok")}, {_actions.Count} actions\n");
        int first = Math.Max(0, _actions.Count - 5);
        for (int i = first; i < _actions.Count; i++)
        {
            sb.Append("  ").Append(_actions[i]).Append('\n');
        }

        return sb.ToString();
    }

    private string? Tighten(PatchManager manager, string why)
    {
        SecurityLevel level = manager.Policy.Level;
        return level == SecurityLevel.Paranoid ? null : Act(manager.SetLevel(level + 1) + $" ({why})");
    }

    private string Act(string what)
    {
        _actions.Add(what);
        if (_actions.Count > 32)
        {
            _actions.RemoveAt(0);
        }

        return what;
    }
}

using System.Text;
using NexOS.Ai.Engine;
using NexOS.Core.Policy;
using NexOS.Security.Patching;
using NexOS.Security.Policy;

namespace NexOS.Ai.Models;

/// <summary>
/// What the scheduler model and the code model share: read the per-class scheduler metrics
/// into a <see cref="SchedulerWorkload"/>, shadow-evaluate candidates in the simulator (again
/// only when the workload, the live state or enough time has changed: a shadow run is the
/// expensive part), propose the ones worth it, and learn how far simulated gains hold live.
/// <para>Learning rule: per family a running calibration <c>c</c> (1 at first) of measured
/// over simulated gain; each outcome with a measured gain moves it a third of the way towards
/// <c>clamp(measured / simulated, 0, 2)</c>; a rollback without a measurement (the canary or
/// the watchdog removed it) counts as a measured ratio of 0; a refusal by the patch manager
/// bars the family until the security level changes. Expected gain = simulated x c, and a
/// candidate is proposed only when that reaches <see cref="MinGainPercent"/> with a
/// throughput cost at most <see cref="MaxCostPercent"/>.</para>
/// </summary>
public abstract partial class SchedulerShadowModel : IEvolutionModel
{
    /// <summary>The metric both models improve: the window mean of I/O-bound waits.</summary>
    public const string Metric = "sched.wait_ns.io.mean";

    /// <summary>Samples (evolve ticks) a workload reading spans.</summary>
    public const int Window = 10;

    /// <summary>Samples needed before the model judges.</summary>
    public const int MinSamples = 5;

    private const double CalibrationRate = 1.0 / 3;
    private readonly List<string> _families = new();
    private readonly List<double> _calibration = new();
    private readonly List<SecurityLevelMark> _refusedAt = new();
    private List<SchedulerCandidate> _candidates = new();
    private List<string> _whys = new();
    private ulong _stateKey;
    private SchedulerWorkload? _lastJudged;
    private bool _keySeen;
    private ulong _evaluatedNs;
    private int _drifting;
    private SecurityLevel _level;
    private string _last = "nothing analysed yet";

    /// <summary>Creates the model over <paramref name="shadow"/>.</summary>
    protected SchedulerShadowModel(SchedulerShadow shadow)
    {
        Shadow = shadow;
    }

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <summary>The simulator wrapper.</summary>
    public SchedulerShadow Shadow { get; }

    /// <summary>Smallest expected I/O wait improvement worth a patch, percent.</summary>
    public double MinGainPercent { get; set; } = 10;

    /// <summary>Largest CPU-bound throughput loss a proposal may cost, percent.</summary>
    public double MaxCostPercent { get; set; } = 5;

    /// <summary>How far (a fraction) the workload's bursts and blocks may drift from the
    /// evaluated reading before the model evaluates again (<see cref="SchedulerWorkload.IsCloseTo"/>).</summary>
    public double WorkloadTolerance { get; set; } = 0.5;

    /// <summary>Readings in a row (at most two a second) a mix must last before the first
    /// search of an unchanged state.</summary>
    public int FirstSearchReadings { get; set; } = Window;

    /// <summary>Readings in a row (at most two a second) the mix must have drifted before it counts (one odd reading does not).</summary>
    public int DriftSamples { get; set; } = Window;

    /// <summary>Shortest time from one search to the next that drift alone may start (a
    /// changed state starts one at once): it bounds what a mix that keeps moving costs.</summary>
    public ulong MinDriftIntervalNs { get; set; } = 30_000_000_000;

    /// <summary>Shadow evaluations so far (each a full search).</summary>
    public int Evaluations { get; private set; }

    /// <summary>CPU time the engine's searches took, ns (when the engine has a CPU clock).</summary>
    public ulong SearchNs { get; private set; }

    /// <summary>The workload of the last evaluation, or null.</summary>
    public SchedulerWorkload? LastWorkload { get; private set; }

    /// <summary>The shadow baseline of the last evaluation.</summary>
    public ShadowResult LastBaseline { get; private set; }

    /// <summary>The candidates of the last evaluation, best score first.</summary>
    public IReadOnlyList<SchedulerCandidate> Candidates => _candidates;

    /// <summary>The calibration of <paramref name="family"/> (1 when never measured).</summary>
    public double CalibrationOf(string family)
    {
        int i = _families.IndexOf(family);
        return i < 0 ? 1 : _calibration[i];
    }

    /// <inheritdoc/>
    public void Analyse(EngineSnapshot snapshot, List<Proposal> proposals)
    {
        _level = snapshot.Manager.Policy.Level;

        // While a scheduler hook patch is on canary the state is in flux and the engine
        // follows a trial: nothing to propose, and no shadow search to pay for.
        if (CanaryRunning(snapshot.Manager))
        {
            return;
        }

        // A shadow search is the expensive part: it runs again only when the state changed or
        // the mix drifted from the one it was run on (compared with that reading, not with the
        // last one, so that slow drift adds up). The simulator is deterministic, so running it
        // again on the same inputs could only repeat the answer. A search reads the newest
        // round; otherwise a reading of the last half second will do.
        ulong key = StateKey(snapshot.Manager);
        if (!_keySeen)
        {
            // The state the model first sees is where it starts, not a change to search for.
            _stateKey = key;
            _keySeen = true;
        }

        bool mustSearch = key != _stateKey;
        SchedulerWorkload? workload = Shadow.Reading(snapshot, mustSearch);
        if (workload == null || !workload.IsMixed)
        {
            _drifting = 0;
            return;
        }

        // The first search of a state nobody changed waits, as a drift does, until the mix has
        // lasted FirstSearchReadings readings: a few seconds of a passing mix (a command's own
        // threads) are not worth one. A changed state is searched at once.
        if (!mustSearch && (LastWorkload != null ? Drifted(workload, snapshot.NowNs) : Settled(workload)))
        {
            workload = Shadow.Reading(snapshot, true);
            if (workload == null || !workload.IsMixed)
            {
                return;
            }

            mustSearch = true;
        }

        if (mustSearch)
        {
            ulong started = snapshot.Cost?.CpuNowNs ?? 0;
            Evaluate(Shadow.Context(workload, snapshot.Manager, key), snapshot.NowNs, key);
            SearchNs += (snapshot.Cost?.CpuNowNs ?? 0) - started;
        }

        for (int i = 0; i < _candidates.Count; i++)
        {
            SchedulerCandidate c = _candidates[i];
            double expected = c.GainPercent * CalibrationOf(c.Family);
            if (expected >= MinGainPercent && c.CostPercent <= MaxCostPercent && !Barred(c.Family, snapshot.Manager))
            {
                proposals.Add(ToProposal(c, _whys[i], expected, snapshot.NowNs));
            }
        }
    }

    /// <summary>Whether a mix has been read FirstSearchReadings times in a row (mixed each time).</summary>
    private bool Settled(SchedulerWorkload workload)
    {
        if (!ReferenceEquals(workload, _lastJudged))
        {
            _lastJudged = workload;
            _drifting++;
        }

        return _drifting >= FirstSearchReadings;
    }

    /// <summary>Whether the mix has been away from the searched one long enough to search again.</summary>
    private bool Drifted(SchedulerWorkload workload, ulong nowNs)
    {
        // Each reading counts once, however many cycles reuse it.
        if (!ReferenceEquals(workload, _lastJudged))
        {
            _lastJudged = workload;
            _drifting = workload.IsCloseTo(LastWorkload!, WorkloadTolerance) ? 0 : _drifting + 1;
        }

        return _drifting >= DriftSamples && nowNs - _evaluatedNs >= MinDriftIntervalNs;
    }

    /// <summary>Evaluates now, whatever the cache says (the demo and the sweep use it).</summary>
    public void Evaluate(ShadowContext context, ulong nowNs, ulong key = 0)
    {
        Evaluations++;
        _drifting = 0;
        LastWorkload = context.Workload;
        LastBaseline = context.Baseline;
        var found = new List<SchedulerCandidate>();
        Generate(context, found);
        found.Sort(static (a, b) => b.Score.CompareTo(a.Score));
        _candidates = found;

        // The explanations are written once per evaluation, not once per engine tick.
        _whys = new List<string>(found.Count);
        foreach (SchedulerCandidate c in found)
        {
            _whys.Add($"{c.Why}: shadow io wait {context.Baseline.IoWaitNs / 1000:F0} -> {c.Result.IoWaitNs / 1000:F0} us, cpu work -{c.CostPercent:F1}% on {context.Workload}");
        }

        _stateKey = key;
        _evaluatedNs = nowNs;
        _last = found.Count == 0
            ? $"{context.Workload}: shadow io wait {context.Baseline.IoWaitNs / 1000:F0} us, no candidate"
            : $"{context.Workload}: shadow io wait {context.Baseline.IoWaitNs / 1000:F0} us; best {found[0].Why}: gain {found[0].GainPercent:F1}%, cost {found[0].CostPercent:F1}%";
    }

    /// <inheritdoc/>
    public void Learn(Proposal proposal, ProposalOutcome outcome)
    {
        int i = FamilyIndex(proposal.Family);
        if (outcome.State == ProposalState.Refused)
        {
            _refusedAt[i] = new SecurityLevelMark(true, proposal.Verdict, _level);
            return;
        }

        double simulated = proposal.SimulatedGainPercent;
        if (outcome.State == ProposalState.OnTrial || !(simulated > 0))
        {
            return;
        }

        double measured = outcome.MeasuredGainPercent;
        double ratio = double.IsNaN(measured) ? (outcome.State == ProposalState.RolledBack ? 0 : 1) : Math.Clamp(measured / simulated, 0, 2);
        _calibration[i] += CalibrationRate * (ratio - _calibration[i]);

        // No new search for this: the calibration applies when candidates are proposed, and a
        // kept change alters the state key, which starts a search by itself.
    }

    /// <inheritdoc/>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append($"{Name}: {Evaluations} searches ({SearchNs / 1000} us CPU in the engine's), {Shadow.Runs} shadow runs in all; last: {_last}\n");
        for (int i = 0; i < _families.Count; i++)
        {
            sb.Append($"  family {_families[i]}: calibration {_calibration[i]:F2}{(_refusedAt[i].Refused ? " (refused: " + _refusedAt[i].Why + ")" : string.Empty)}\n");
        }

        return sb.ToString();
    }

    /// <summary>Adds the model's candidates, each evaluated through <paramref name="context"/>.</summary>
    protected abstract void Generate(ShadowContext context, List<SchedulerCandidate> found);

    private Proposal ToProposal(SchedulerCandidate c, string why, double expected, ulong nowNs)
    {
        string source = "nexos-ai/" + Name;
        return new Proposal(Name, c.Family, c.Target, c.Kind, Metric, true, expected, why, id => c.Encode(id, nowNs, source, expected))
        {
            SimulatedGainPercent = c.GainPercent,
            SideCostPercent = c.CostPercent,
        };
    }

    private bool Barred(string family, PatchManager manager)
    {
        int i = _families.IndexOf(family);
        if (i < 0 || !_refusedAt[i].Refused)
        {
            return false;
        }

        // A refusal holds for the level it happened at; a new level gets a new chance.
        if (_refusedAt[i].Level != manager.Policy.Level)
        {
            _refusedAt[i] = default;
            return false;
        }

        return true;
    }

    private static bool CanaryRunning(PatchManager manager)
    {
        PolicyHook? slice = manager.Registry.FindHook(HookCatalog.TimeSliceName);
        PolicyHook? priority = manager.Registry.FindHook(HookCatalog.PriorityName);
        return (slice?.Active?.IsCanary ?? false) || (priority?.Active?.IsCanary ?? false);
    }

    private int FamilyIndex(string family)
    {
        int i = _families.IndexOf(family);
        if (i < 0)
        {
            _families.Add(family);
            _calibration.Add(1);
            _refusedAt.Add(default);
            i = _families.Count - 1;
        }

        return i;
    }

    private static ulong StateKey(PatchManager manager)
    {
        // FNV-1a over the values, read every cycle without allocating. A collision could only
        // make the model miss one state change, and the drift test would catch it later.
        ulong h = 14695981039346656037;
        ParameterSet? set = manager.Registry.FindParameterSet("sched.normal");
        if (set != null)
        {
            for (int i = 0; i < set.All.Count; i++)
            {
                h = Mix(h, (ulong)set.All[i].Value);
            }
        }

        IReadOnlyList<PolicyHook> hooks = manager.Registry.Hooks;
        for (int i = 0; i < hooks.Count; i++)
        {
            h = Mix(h, hooks[i].Active?.PatchId ?? 0);
        }

        // The workload itself is not part of the key: its reading moves a little every tick, and
        // a drifting mix is caught by the closeness test instead of costing a search per tick.
        return Mix(h, (ulong)manager.Policy.Level);
    }

    private static ulong Mix(ulong h, ulong value) => (h ^ value) * 1099511628211;

    /// <summary>A family's refusal and the level it happened at.</summary>
    private readonly struct SecurityLevelMark
    {
        public SecurityLevelMark(bool refused, string why, SecurityLevel level)
        {
            Refused = refused;
            Why = why;
            Level = level;
        }

        public bool Refused { get; }

        public string Why { get; }

        public SecurityLevel Level { get; }
    }
}

using NexOS.Ai.Engine;
using NexOS.Core.Heap;
using NexOS.Core.Policy;
using NexOS.Security.Audit;
using NexOS.Security.Patches;

namespace NexOS.Ai.Models;

/// <summary>
/// The memory model: keeps the collected heap's external fragmentation down by changing the
/// allocation strategy ("heap" parameters: borrowing holes of a larger size class, the reuse
/// limit for partly used pages).
/// <para>Input: the fragmentation gauge's window (mean and trend), the allocator's slow-path
/// rate, the strategy in force, the policy's step limit, and the recent allocation trace.</para>
/// <para>Output: at most one proposal a cycle: the neighbour of the current strategy (one
/// parameter moved by the largest step the security level allows) whose replay of the trace in
/// <see cref="AllocatorSimulator"/> lowers fragmentation most, with that simulated gain, and a
/// side cost of a tenth of the simulated rise in allocation work (the allocator is a small part
/// of any workload's CPU time).</para>
/// <para>Learning: per family of change (which parameter, which way) a reliability r, 1 at
/// first: a measured outcome moves r a third of the way to measured / simulated gain (clamped
/// 0..1.5), a refusal halves it. A candidate is proposed only when simulated gain x r reaches
/// <see cref="MinGainPercent"/>, so a family the live heap keeps contradicting stops being
/// proposed even when the simulator still likes it.</para>
/// <para>Priors (<see cref="Prime"/>): a trained starting reliability per family
/// (<c>value memory.reliability.FAMILY r</c>, from <c>MemoryTrainer</c>).</para>
/// <para>Each lesson is also appended to the patch manager's audit trail (kind Learned).</para>
/// <para>Cost: nothing is allocated or simulated while fragmentation is under
/// <see cref="TriggerPercent"/>; simulations are cached per (trace, strategy, step limit).</para>
/// </summary>
public sealed partial class MemoryModel : IEvolutionModel, IPrimableModel
{
    /// <summary>The gauge the model watches (percent).</summary>
    public const string FragmentationChannel = "mem.gc_fragmentation_percent";

    /// <summary>The allocator's slow paths per second.</summary>
    public const string RefillChannel = "mem.alloc_refills.rate";

    /// <summary>The parameter set it patches.</summary>
    public const string TargetSet = "heap";

    /// <summary>Samples a window holds before the model judges.</summary>
    public const int Window = 8;

    /// <summary>Prefix of the priors' reliability values: the family's name follows.</summary>
    public const string ReliabilityPrior = "memory.reliability.";

    /// <summary>Most a reliability may be (a measured gain at most 1.5 x the simulated).</summary>
    public const double MaxReliability = 1.5;

    private const double LearningRate = 1.0 / 3;
    private static readonly string[] s_families = { "heap.borrow.more", "heap.borrow.less", "heap.reuse.more", "heap.reuse.less", "heap.run.more", "heap.run.less" };

    /// <summary>The families of change, in order: borrow more/less, reuse more/less, longer/shorter runs.</summary>
    public static IReadOnlyList<string> Families => s_families;

    /// <summary>The family of moving <paramref name="parameter"/> up or down.</summary>
    public static string FamilyOf(string parameter, bool up) =>
        s_families[FamilyIndex(parameter, up)];

    private static int FamilyIndex(string parameter, bool up) =>
        (parameter == PlacementParameters.BorrowName ? 0 : parameter == PlacementParameters.ReuseName ? 2 : 4) + (up ? 0 : 1);

    /// <summary>A replay's relative fall in fragmentation, percent, relative to at least one
    /// point of fragmentation (so a change that spoils a perfectly packed replay still counts
    /// as very harmful).</summary>
    public static double GainPercent(in SimulationResult before, in SimulationResult after) =>
        (before.Fragmentation - after.Fragmentation) / Math.Max(before.Fragmentation, 0.01) * 100;

    private readonly double[] _reliability = { 1, 1, 1, 1, 1, 1 };
    private readonly int[] _kept = new int[6];
    private readonly int[] _rolledBack = new int[6];
    private readonly int[] _refused = new int[6];
    // Made for one search and dropped after it: its tables (4 bytes per traced object and
    // the page descriptors) are reused across the search's runs but never kept resident.
    private AllocatorSimulator? _simulator;
    private AllocationTrace? _trace;
    private EngineSnapshot? _snapshot;
    private SearchMemo _searched;
    private string _state = "no window yet";
    private bool _stateStale = true;
    private string _lastLearned = "nothing yet";

    /// <inheritdoc/>
    public string Name => "memory";

    /// <summary>Mean fragmentation (percent) at which the model starts simulating.</summary>
    public double TriggerPercent { get; set; } = 40;

    /// <summary>Least simulated gain x reliability (percent) worth a proposal.</summary>
    public double MinGainPercent { get; set; } = 10;

    /// <summary>Fragmentation falling faster than this (percent per second) is left alone:
    /// the heap is mending itself.</summary>
    public double MendingTrendPerSecond { get; set; } = -2;

    /// <summary>The recent allocation trace the candidates are replayed on; null: nothing to
    /// simulate, so nothing is proposed.</summary>
    public AllocationTrace? Trace
    {
        get => _trace;
        set
        {
            _trace = value;
            _resultsFor = null; // and its thinned copy with it
            _sample = null;
            _every = 1;
            _searched.Forget();
            _refillsSearched.Forget();
        }
    }

    /// <summary>Simulations run so far (the model's own cost).</summary>
    public int Simulations { get; private set; }

    /// <summary>Outcomes learned so far.</summary>
    public int Learned { get; private set; }

    /// <summary>The reliability of <paramref name="family"/>, or NaN for an unknown one.</summary>
    public double ReliabilityOf(string family)
    {
        int i = Array.IndexOf(s_families, family);
        return i < 0 ? double.NaN : _reliability[i];
    }

    /// <inheritdoc/>
    public void Analyse(EngineSnapshot snapshot, List<Proposal> proposals)
    {
        _snapshot = snapshot;
        var stats = snapshot.Statistics(FragmentationChannel, Window);
        if (stats.Count < Window || stats.Mean < TriggerPercent)
        {
            _state = stats.Count < Window ? "no window yet" : "quiet: fragmentation under the trigger";
            AnalyseRefills(snapshot, proposals);
            return;
        }

        if (stats.TrendPerSecond < MendingTrendPerSecond)
        {
            _state = "fragmentation high but falling";
            return;
        }

        Proposal? p = Best(snapshot);
        if (p != null)
        {
            proposals.Add(p);
        }
    }

    /// <summary>The best neighbouring strategy as a proposal, or null (no trace, no set, no
    /// candidate worth it). Simulates only when the cache is stale.</summary>
    public Proposal? Best(EngineSnapshot snapshot)
    {
        _snapshot = snapshot;
        ParameterSet? set = snapshot.Manager.Registry.FindParameterSet(TargetSet);
        if (_trace == null || set == null)
        {
            _state = _trace == null ? "fragmentation high, but no allocation trace to simulate" : "no 'heap' parameter set";
            return null;
        }

        PlacementSettings current = PlacementParameters.ReadFrom(set);
        long stepBp = snapshot.Manager.Policy.MaxParameterStepBp;
        if (!_searched.Holds(current, stepBp))
        {
            _searched.Store(Search(set, current, stepBp), current, stepBp);
            _stateStale = true;
        }

        Choice c = _searched.Choice;
        if (c.Family < 0 || c.Gain * _reliability[c.Family] < MinGainPercent)
        {
            // Formatted once per new search or lesson, not on every cycle that finds the same.
            if (!_stateStale)
            {
                return null;
            }

            _stateStale = false;
            _state = c.Family < 0 ? "no neighbouring strategy to try" : $"best neighbour {c.Parameter} = {c.Value} gains only {c.Gain:F1}% x {_reliability[c.Family]:F2}";
            return null;
        }

        _state = $"proposing {c.Parameter} = {c.Value}: fragmentation {c.Before * 100:F1}% -> {c.After * 100:F1}% in the simulator";
        return Make(snapshot, c);
    }

    /// <summary>A proposal to set <paramref name="parameter"/> of "heap" to <paramref name="value"/>
    /// with its simulated gain, whatever that is (the demo uses it for a deliberately harmful
    /// candidate); null when there is no trace, no such parameter or the value is the current one.</summary>
    public Proposal? Candidate(EngineSnapshot snapshot, string parameter, long value)
    {
        _snapshot = snapshot;
        ParameterSet? set = snapshot.Manager.Registry.FindParameterSet(TargetSet);
        Parameter? p = set?.Find(parameter);
        if (_trace == null || p == null || p.Value == value)
        {
            return null;
        }

        PlacementSettings current = PlacementParameters.ReadFrom(set);
        _simulator = new AllocatorSimulator();
        SimulationResult before = Simulate(current);
        SimulationResult after = Simulate(With(current, parameter, value));
        _simulator = null;
        return Make(snapshot, Evaluate(parameter, value, value > p.Value, before, after));
    }

    /// <inheritdoc/>
    public void Export(ModelPriors priors)
    {
        for (int i = 0; i < s_families.Length; i++)
        {
            priors.AddValue(ReliabilityPrior + s_families[i], _reliability[i]);
        }
    }

    /// <inheritdoc/>
    public void Prime(ModelPriors priors)
    {
        for (int i = 0; i < s_families.Length; i++)
        {
            double r = priors.Value(ReliabilityPrior + s_families[i], double.NaN);
            if (!double.IsNaN(r))
            {
                _reliability[i] = Math.Clamp(r, 0, MaxReliability);
            }
        }

        _stateStale = true;
    }

    /// <inheritdoc/>
    public void Learn(Proposal proposal, ProposalOutcome outcome)
    {
        int f = Array.IndexOf(s_families, proposal.Family);
        if (f < 0 || proposal.Model != Name)
        {
            return;
        }

        Learned++;
        if (outcome.State == ProposalState.Refused)
        {
            _refused[f]++;
            _reliability[f] *= 0.5;
        }
        else if (outcome.State is ProposalState.Kept or ProposalState.RolledBack)
        {
            if (outcome.State == ProposalState.Kept)
            {
                _kept[f]++;
            }
            else
            {
                _rolledBack[f]++;
            }

            double measured = outcome.MeasuredGainPercent;
            double simulated = proposal.SimulatedGainPercent;
            double ratio = double.IsNaN(measured) ? (outcome.State == ProposalState.Kept ? 1 : 0)
                : simulated > 0 ? Math.Clamp(measured / simulated, 0, MaxReliability) : (measured > 0 ? 1 : 0);
            _reliability[f] += LearningRate * (ratio - _reliability[f]);
        }

        _stateStale = true;
        _lastLearned = $"{proposal.Family} {ProposalText.Name(outcome.State)} (measured {outcome.MeasuredGainPercent:F1}%, simulated {proposal.SimulatedGainPercent:F1}%) -> reliability {_reliability[f]:F2}";

        // The learning step goes on the tamper-evident trail next to the patch's own records
        // (time: the engine's last analysis, which is when outcomes are followed).
        _snapshot?.Manager.Trail.Append(_snapshot.NowNs, AuditEventKind.Learned, proposal.PatchId, Name, _lastLearned);
    }

    /// <inheritdoc/>
    public string Describe()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append($"memory: {_state}; {Simulations} simulations{(_every > 1 ? $" (of the trace thinned 1/{_every})" : _sampleMiss != null ? $" (of the whole trace: {_sampleMiss})" : string.Empty)}, {Learned} outcomes learned; last: {_lastLearned}\n");
        for (int i = 0; i < s_families.Length; i++)
        {
            sb.Append($"  family {s_families[i]}: reliability {_reliability[i]:F2} ({_kept[i]} kept, {_rolledBack[i]} rolled back, {_refused[i]} refused)\n");
        }

        return sb.ToString();
    }
}

using NexOS.Security.Patches;

namespace NexOS.Ai.Engine;

/// <summary>Where a proposal stands.</summary>
public enum ProposalState : byte
{
    /// <summary>Made by a model, not yet submitted (a dry run stops here).</summary>
    Proposed,

    /// <summary>The patch manager refused it (policy or verifier).</summary>
    Refused,

    /// <summary>Accepted and applied: a CIL patch on canary trial, or any patch whose
    /// measured effect the engine is still waiting for.</summary>
    OnTrial,

    /// <summary>Applied and kept (a parameter patch, or a promoted canary).</summary>
    Kept,

    /// <summary>Rolled back by the canary, the watchdog, the evaluation or by hand.</summary>
    RolledBack,

    /// <summary>Not submitted: the performance model ranked another proposal higher.</summary>
    Passed,
}

/// <summary>
/// A change a model wants, before and after it becomes a patch: what, why, the metric it should
/// move and by how much, and a way to build the patch bytes once the engine assigns the id.
/// The engine fills in the id, the score, the state and the measured effect as it goes.
/// </summary>
public sealed class Proposal
{
    private readonly Func<ulong, byte[]?> _build;
    private readonly Func<string>? _writeWhy;
    private string? _why;

    /// <summary>Creates a proposal. <paramref name="build"/> encodes the patch (origin Engine)
    /// with the given patch id, or returns null when it cannot.</summary>
    public Proposal(string model, string family, string target, PatchKind kind, string metric, bool lowerIsBetter,
        double expectedGainPercent, string why, Func<ulong, byte[]?> build)
    {
        Model = model;
        Family = family;
        Target = target;
        Kind = kind;
        Metric = metric;
        LowerIsBetter = lowerIsBetter;
        ExpectedGainPercent = expectedGainPercent;
        _why = why;
        _build = build;
    }

    /// <summary>As the other constructor, with the sentence written only when first read
    /// (<paramref name="why"/> runs once, on the reading thread): a model that proposes the
    /// same change every cycle pays for formatting its numbers only when someone looks.</summary>
    public Proposal(string model, string family, string target, PatchKind kind, string metric, bool lowerIsBetter,
        double expectedGainPercent, Func<string> why, Func<ulong, byte[]?> build)
        : this(model, family, target, kind, metric, lowerIsBetter, expectedGainPercent, string.Empty, build)
    {
        _why = null;
        _writeWhy = why;
    }

    /// <summary>The engine's number for it, given when a cycle or a dry run ranks it (what
    /// `evolve explain` and `evolve apply` take).</summary>
    public ulong Id { get; set; }

    /// <summary>The id of the patch it became (0 until submitted).</summary>
    public ulong PatchId { get; set; }

    /// <summary>The model that made it.</summary>
    public string Model { get; }

    /// <summary>The family of change, e.g. "sched.slice.shorter": the bandit learns per family.</summary>
    public string Family { get; }

    /// <summary>The hook or parameter set it changes.</summary>
    public string Target { get; }

    /// <summary>Parameter values or a CIL hook body.</summary>
    public PatchKind Kind { get; }

    /// <summary>The metric it should improve, by its registry name.</summary>
    public string Metric { get; }

    /// <summary>Whether a lower value of <see cref="Metric"/> is better.</summary>
    public bool LowerIsBetter { get; }

    /// <summary>The model's own estimate of the relative improvement, percent (positive is better).</summary>
    public double ExpectedGainPercent { get; set; }

    /// <summary>Improvement measured for it in the simulator, percent, or NaN when not simulated.</summary>
    public double SimulatedGainPercent { get; set; } = double.NaN;

    /// <summary>Expected loss on another subsystem's metric, percent (e.g. throughput given up
    /// for latency); 0 when none is expected.</summary>
    public double SideCostPercent { get; set; }

    /// <summary>The performance model's ranking score (higher goes first).</summary>
    public double Score { get; set; }

    /// <summary>Why, in one plain sentence (shown by `evolve explain`).</summary>
    public string Why => _why ??= _writeWhy?.Invoke() ?? string.Empty;

    /// <summary>Where it stands.</summary>
    public ProposalState State { get; set; }

    /// <summary>When it was submitted (engine clock), 0 before.</summary>
    public ulong StartedNs { get; set; }

    /// <summary>The monitor's sampling round when it was submitted.</summary>
    public ulong StartedRound { get; set; }

    /// <summary>The patch manager's one-line answer, once submitted.</summary>
    public string Verdict { get; set; } = string.Empty;

    /// <summary>The metric before the change (window mean), NaN until known.</summary>
    public double MetricBefore { get; set; } = double.NaN;

    /// <summary>The metric after the change (window mean), NaN until known.</summary>
    public double MetricAfter { get; set; } = double.NaN;

    /// <summary>Encodes the patch with <see cref="PatchId"/>; null when the model cannot express it.</summary>
    public byte[]? Build() => _build(PatchId);
}

/// <summary>What became of a proposal, for <see cref="IEvolutionModel.Learn"/>.</summary>
public readonly struct ProposalOutcome
{
    /// <summary>Creates an outcome.</summary>
    public ProposalOutcome(ProposalState state, double measuredGainPercent)
    {
        State = state;
        MeasuredGainPercent = measuredGainPercent;
    }

    /// <summary>Refused, Kept or RolledBack.</summary>
    public ProposalState State { get; }

    /// <summary>The relative improvement of the proposal's metric measured live, percent
    /// (positive is better), or NaN when it never ran.</summary>
    public double MeasuredGainPercent { get; }
}

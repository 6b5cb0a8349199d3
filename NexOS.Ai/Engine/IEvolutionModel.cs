namespace NexOS.Ai.Engine;

/// <summary>
/// One of the engine's six models (performance, memory, scheduler, power, security, code).
/// A model reads the sampled metrics, turns what it sees into proposals, and learns from what
/// became of them. Contract: <see cref="Analyse"/> and <see cref="Learn"/> run on the evolve
/// thread (never in an interrupt handler), never throw on any metric values, and allocate only
/// when they append a proposal; a model that sees nothing to do appends nothing.
/// </summary>
public interface IEvolutionModel
{
    /// <summary>"performance", "memory", "scheduler", "power", "security" or "code".</summary>
    string Name { get; }

    /// <summary>Looks at the newest window of metrics and appends what it would change, with why.</summary>
    void Analyse(EngineSnapshot snapshot, List<Proposal> proposals);

    /// <summary>What became of one of this model's proposals: the learning step.</summary>
    void Learn(Proposal proposal, ProposalOutcome outcome);

    /// <summary>The model's state and recent decisions, one or more lines (for `models`).</summary>
    string Describe();
}

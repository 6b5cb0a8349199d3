namespace NexOS.Ai.Engine;

/// <summary>
/// A model that may act at once instead of proposing: the security model. The engine calls
/// <see cref="Guard"/> every cycle before analysis. A guard may only make the system more
/// careful (a stricter security level, a quarantined patch source), never less, so it needs
/// no canary; every action lands in the audit trail. Same threading contract as
/// <see cref="IEvolutionModel"/>.
/// </summary>
public interface IGuardModel
{
    /// <summary>Looks for anomalies and acts on them; returns what it did, or null.</summary>
    string? Guard(EngineSnapshot snapshot);
}

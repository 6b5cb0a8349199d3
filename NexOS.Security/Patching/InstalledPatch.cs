using NexOS.Security.Cil;
using NexOS.Security.Evaluation;

namespace NexOS.Security.Patching;

/// <summary>
/// A verified CIL patch as a hook serves it. Immutable apart from the canary statistics, so
/// installing, promoting or removing a patch is one reference write of a whole object: a hook
/// call sees either the old object or the new one, never a mixture. <see cref="Previous"/> is
/// what serves the baseline share during a canary and what the watchdog restores on a fault.
/// </summary>
public sealed class InstalledPatch
{
    /// <summary>Creates an installed patch; <paramref name="evaluator"/> is null once promoted.</summary>
    public InstalledPatch(CompiledHook code, ulong patchId, long fuel, InstalledPatch? previous, CanaryEvaluator? evaluator, int canaryShareBp, ulong startedNs)
    {
        Code = code;
        PatchId = patchId;
        Fuel = fuel;
        Previous = previous;
        Evaluator = evaluator;
        CanaryShareBp = Math.Clamp(canaryShareBp, 0, 10_000);
        StartedNs = startedNs;
    }

    /// <summary>The verified, pre-decoded body.</summary>
    public CompiledHook Code { get; }

    /// <summary>The patch's id.</summary>
    public ulong PatchId { get; }

    /// <summary>Instructions one call may execute: the smaller of the hook's budget and the policy's.</summary>
    public long Fuel { get; }

    /// <summary>What ran before this patch (null: the compiled default).</summary>
    public InstalledPatch? Previous { get; }

    /// <summary>The canary trial's statistics, or null when the patch is promoted.</summary>
    public CanaryEvaluator? Evaluator { get; }

    /// <summary>True while on trial.</summary>
    public bool IsCanary => Evaluator != null;

    /// <summary>Share of calls the patch serves while on trial, in basis points.</summary>
    public int CanaryShareBp { get; }

    /// <summary>When the trial (or the promoted life) began.</summary>
    public ulong StartedNs { get; }

    /// <summary>The same code, promoted: serves every call, no trial.</summary>
    public InstalledPatch Promote(ulong nowNs) => new(Code, PatchId, Fuel, Previous, null, 10_000, nowNs);
}

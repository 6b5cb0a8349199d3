using NexOS.Security.Cil;

namespace NexOS.Security.Patching;

/// <summary>Why the watchdog removed a patch.</summary>
public enum HookFaultKind : byte
{
    /// <summary>No fault.</summary>
    None = 0,

    /// <summary>The interpreter stopped the patch with a non-Ok status (fuel, division, ...).</summary>
    Execution = 1,

    /// <summary>The patch returned a value outside the hook's declared result range.</summary>
    Invariant = 2,
}

/// <summary>
/// The last watchdog action of one hook, written on the hook's call path (interrupts off, so
/// it must not allocate or lock) and read later by the patch manager, which writes the audit
/// record. A plain value copied as a whole.
/// </summary>
public readonly struct HookFault
{
    /// <summary>Creates a fault record.</summary>
    public HookFault(HookFaultKind kind, CilExecStatus status, ulong patchId, long result, long fuelUsed, ulong faultNs, ulong restoredNs, ulong restoredPatchId)
    {
        Kind = kind;
        Status = status;
        PatchId = patchId;
        Result = result;
        FuelUsed = fuelUsed;
        FaultNs = faultNs;
        RestoredNs = restoredNs;
        RestoredPatchId = restoredPatchId;
    }

    /// <summary>Execution fault or broken invariant.</summary>
    public HookFaultKind Kind { get; }

    /// <summary>The interpreter's status (Ok for an invariant breach).</summary>
    public CilExecStatus Status { get; }

    /// <summary>The removed patch.</summary>
    public ulong PatchId { get; }

    /// <summary>The out-of-range result of an invariant breach.</summary>
    public long Result { get; }

    /// <summary>Instructions the faulting call executed.</summary>
    public long FuelUsed { get; }

    /// <summary>When the interpreter returned the fault.</summary>
    public ulong FaultNs { get; }

    /// <summary>When the previous version was back in place.</summary>
    public ulong RestoredNs { get; }

    /// <summary>The patch now serving the hook (0: the compiled default).</summary>
    public ulong RestoredPatchId { get; }

    /// <summary>Nanoseconds from the fault to the restored previous version.</summary>
    public ulong FaultToRestoreNs => RestoredNs >= FaultNs ? RestoredNs - FaultNs : 0;

    /// <summary>One line for the audit trail and the console.</summary>
    public string Describe(long minResult, long maxResult) => Kind == HookFaultKind.Invariant
        ? $"watchdog: result {Result} outside [{minResult}, {maxResult}]; restored {(RestoredPatchId == 0 ? "the default" : "patch " + RestoredPatchId)} in {FaultToRestoreNs} ns"
        : $"watchdog: {CilExecStatusNames.Name(Status)} after {FuelUsed} instructions; restored {(RestoredPatchId == 0 ? "the default" : "patch " + RestoredPatchId)} in {FaultToRestoreNs} ns";
}

using NexOS.Core.Scheduling;

namespace NexOS.Kernel.Threading;

/// <summary>
/// The scheduler's patchable decision points, passed in by the composition root (the hooks
/// layer implements them; the scheduler never names it). Contract for implementations: no
/// allocation, no exception, callable with interrupts off, on every context switch.
/// </summary>
internal interface ISchedulerHooks
{
    /// <summary>The slice for <paramref name="thread"/>: <paramref name="policySliceNs"/>
    /// unless a patch says otherwise.</summary>
    ulong TimeSlice(SchedThread thread, ulong policySliceNs, int runnable);

    /// <summary>After the policy's own adjustment when <paramref name="thread"/> stops: a patch
    /// may move its effective priority.</summary>
    void AdjustPriority(SchedThread thread, StopReason reason, ulong ranNs);
}

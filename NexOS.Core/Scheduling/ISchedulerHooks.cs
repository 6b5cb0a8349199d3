namespace NexOS.Core.Scheduling;

/// <summary>
/// The two patchable decisions around a scheduling policy, as the kernel calls them: after
/// the policy's own <see cref="ISchedulerPolicy.OnStop"/> a hook may move the thread's
/// effective priority, and after the policy's <see cref="ISchedulerPolicy.TimeSlice"/> a hook
/// may replace the slice. The kernel implements it with its live hooks; the simulator takes
/// an implementation so that a patch can be shadow-evaluated on the same calls before it
/// reaches the live system. Contract: no allocation, no exception (hot path).
/// </summary>
public interface ISchedulerHooks
{
    /// <summary>The slice <paramref name="thread"/> gets: <paramref name="policySliceNs"/> unless
    /// a patch says otherwise. <paramref name="runnable"/> is the number of threads still queued.</summary>
    ulong TimeSlice(SchedThread thread, ulong policySliceNs, int runnable);

    /// <summary>Called after the policy's OnStop: may change <see cref="SchedThread.EffectivePriority"/>.</summary>
    void AdjustPriority(SchedThread thread, StopReason reason, ulong ranNs);
}

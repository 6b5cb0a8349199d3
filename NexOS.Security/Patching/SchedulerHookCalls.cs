using NexOS.Core.Scheduling;

namespace NexOS.Security.Patching;

/// <summary>
/// The scheduler's hook call sites, portable: the kernel's scheduler and the simulator both
/// call these, so a patch shadow-evaluated in the simulator runs the same context building,
/// the same <see cref="PolicyHook.Invoke"/> and the same interpreter as it will live. Without
/// a hook, without an installed patch, or for a thread outside the normal class the policy's
/// answer passes through unchanged without building a context. Contract: no allocation (the
/// context is on the stack), no exception, callable with interrupts off; no static state.
/// </summary>
public static class SchedulerHookCalls
{
    /// <summary>The time slice for <paramref name="thread"/>: <paramref name="policySliceNs"/>
    /// unless a patch on <paramref name="hook"/> says otherwise.</summary>
    public static ulong TimeSlice(PolicyHook? hook, SchedThread thread, ulong policySliceNs, int runnable)
    {
        if (hook == null || hook.Active == null || thread.Class != SchedClass.Normal)
        {
            return policySliceNs;
        }

        Span<long> c = stackalloc long[HookCatalog.TimeSliceFields];
        FillTimeSlice(c, thread, (long)policySliceNs, runnable);
        return (ulong)hook.Invoke(c);
    }

    /// <summary>After the policy's own adjustment: a patch on <paramref name="hook"/> may move
    /// the thread's effective priority (normal class only; the result range keeps it valid).</summary>
    public static void AdjustPriority(PolicyHook? hook, SchedThread thread, StopReason reason, ulong ranNs)
    {
        if (hook == null || hook.Active == null || thread.Class != SchedClass.Normal)
        {
            return;
        }

        Span<long> c = stackalloc long[HookCatalog.PriorityFields];
        c[0] = thread.EffectivePriority;
        c[1] = thread.BasePriority;
        c[2] = (long)reason;
        c[3] = (long)ranNs;
        c[4] = thread.InteractivityScore;
        c[5] = (long)thread.CpuTimeNs;
        thread.EffectivePriority = (int)hook.Invoke(c);
    }

    /// <summary>The time-slice context, in <see cref="HookCatalog"/>'s field order.</summary>
    public static void FillTimeSlice(Span<long> c, SchedThread t, long policySliceNs, int runnable)
    {
        c[0] = policySliceNs;
        c[1] = t.EffectivePriority;
        c[2] = t.BasePriority;
        c[3] = t.InteractivityScore;
        c[4] = (long)t.CpuTimeNs;
        c[5] = (long)t.RunnableWaitNs;
        c[6] = (long)t.BlockedNs;
        c[7] = (long)t.LastRunLatencyNs;
        c[8] = (long)t.Switches;
        c[9] = runnable;
    }
}

/// <summary>
/// <see cref="ISchedulerHooks"/> over two <see cref="PolicyHook"/> instances: what the
/// simulator runs to shadow-evaluate hook patches (the kernel calls <see cref="SchedulerHookCalls"/>
/// directly from its static call sites).
/// </summary>
public sealed class PolicyHookSchedulerHooks : ISchedulerHooks
{
    /// <summary>Creates the pair; either may be null (its decision is then the policy's).</summary>
    public PolicyHookSchedulerHooks(PolicyHook? timeSlice, PolicyHook? priority)
    {
        TimeSliceHook = timeSlice;
        PriorityHook = priority;
    }

    /// <summary>The "sched.time_slice" hook.</summary>
    public PolicyHook? TimeSliceHook { get; }

    /// <summary>The "sched.priority_adjust" hook.</summary>
    public PolicyHook? PriorityHook { get; }

    /// <inheritdoc/>
    public ulong TimeSlice(SchedThread thread, ulong policySliceNs, int runnable)
        => SchedulerHookCalls.TimeSlice(TimeSliceHook, thread, policySliceNs, runnable);

    /// <inheritdoc/>
    public void AdjustPriority(SchedThread thread, StopReason reason, ulong ranNs)
        => SchedulerHookCalls.AdjustPriority(PriorityHook, thread, reason, ranNs);
}

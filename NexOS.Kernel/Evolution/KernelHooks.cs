using System.Runtime.CompilerServices;
using NexOS.Core.Scheduling;
using NexOS.Security.Evolution;

namespace NexOS.Kernel.Evolution;

/// <summary>
/// The call sites of the patchable hooks in the scheduler and the collector. Each builds the
/// hook's read-only context on the stack and asks the hook; before <see cref="HookCatalog"/>
/// has created the hooks (early boot), and whenever no patch is installed, the compiled answer
/// passes through unchanged without building a context (so an unpatched kernel schedules and
/// collects exactly as before, at the cost of one load and test). Contract:
/// no allocation, no exception, callable with interrupts off. No field has an initializer,
/// so the class has no static constructor (the collector calls it).
/// </summary>
internal static class KernelHooks
{
    private static PolicyHook? s_timeSlice;
    private static PolicyHook? s_priority;
    private static PolicyHook? s_gcBudget;

    /// <summary>Makes the hooks live; called once at start-up.</summary>
    public static void Install(PolicyHook timeSlice, PolicyHook priority, PolicyHook gcBudget)
    {
        s_timeSlice = timeSlice;
        s_priority = priority;
        s_gcBudget = gcBudget;
    }

    /// <summary>The time slice for <paramref name="thread"/>: the policy's
    /// <paramref name="policySliceNs"/> unless a patch says otherwise.</summary>
    public static ulong TimeSlice(SchedThread thread, ulong policySliceNs, int runnable)
    {
        PolicyHook? hook = s_timeSlice;
        if (hook == null || hook.Active == null || thread.Class != SchedClass.Normal)
        {
            return policySliceNs;
        }

        Span<long> c = stackalloc long[HookCatalog.TimeSliceFields];
        FillThread(c, thread, (long)policySliceNs, runnable);
        return (ulong)hook.Invoke(c);
    }

    /// <summary>After the policy's own adjustment in OnStop: a patch may move the thread's
    /// effective priority (normal class only; the result range keeps it a valid priority).</summary>
    public static void AdjustPriority(SchedThread thread, StopReason reason, ulong ranNs)
    {
        PolicyHook? hook = s_priority;
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

    /// <summary>The allocation budget until the next collection: the tunables' answer
    /// <paramref name="defaultBudget"/> unless a patch says otherwise.</summary>
    public static ulong GcBudget(ulong defaultBudget, ulong liveBytes, ulong committedBytes, ulong totalAllocated, long minBudget, long growthPercent)
    {
        PolicyHook? hook = s_gcBudget;
        if (hook == null || hook.Active == null)
        {
            return defaultBudget;
        }

        Span<long> c = stackalloc long[HookCatalog.GcBudgetFields];
        c[0] = (long)defaultBudget;
        c[1] = (long)liveBytes;
        c[2] = (long)committedBytes;
        c[3] = (long)totalAllocated;
        c[4] = minBudget;
        c[5] = growthPercent;
        return (ulong)hook.Invoke(c);
    }

    /// <summary>The time-slice context, in <see cref="HookCatalog"/>'s field order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void FillThread(Span<long> c, SchedThread t, long policySliceNs, int runnable)
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

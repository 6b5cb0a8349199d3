using NexOS.Core.Scheduling;
using NexOS.Security.Patching;

namespace NexOS.Kernel.Hooks;

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
    /// <paramref name="policySliceNs"/> unless a patch says otherwise (the portable call site
    /// the simulator shares, <see cref="SchedulerHookCalls"/>).</summary>
    public static ulong TimeSlice(SchedThread thread, ulong policySliceNs, int runnable)
        => SchedulerHookCalls.TimeSlice(s_timeSlice, thread, policySliceNs, runnable);

    /// <summary>After the policy's own adjustment in OnStop: a patch may move the thread's
    /// effective priority (normal class only; the result range keeps it a valid priority).</summary>
    public static void AdjustPriority(SchedThread thread, StopReason reason, ulong ranNs)
        => SchedulerHookCalls.AdjustPriority(s_priority, thread, reason, ranNs);

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
}

/// <summary>The hook call sites as the interfaces the layers below take (the scheduler's
/// <see cref="Threading.ISchedulerHooks"/>, the runtime layer's <see cref="Runtime.IGcBudgetHook"/>);
/// the composition root passes one down at boot.</summary>
internal sealed class KernelHookSites : Threading.ISchedulerHooks, Runtime.IGcBudgetHook
{
    public ulong TimeSlice(SchedThread thread, ulong policySliceNs, int runnable) => KernelHooks.TimeSlice(thread, policySliceNs, runnable);

    public void AdjustPriority(SchedThread thread, StopReason reason, ulong ranNs) => KernelHooks.AdjustPriority(thread, reason, ranNs);

    public ulong GcBudget(ulong proposed, ulong live, ulong committed, ulong total, long minimumKib, long growthPercent) =>
        KernelHooks.GcBudget(proposed, live, committed, total, minimumKib, growthPercent);
}

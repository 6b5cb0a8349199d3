namespace NexOS.Policy;

/// <summary>
/// What a <c>sched.time_slice</c> policy sees: <c>static long M(in TimeSliceContext ctx)</c>
/// returns how long the thread may run before the timer preempts it, in nanoseconds; the
/// kernel keeps answers in [1 us, 1 s] and falls back to the compiled policy outside that.
/// Mirrors the hook's context fields in the kernel's HookCatalog (PascalCase here, snake_case
/// there: PolicySliceNs is policy_slice_ns); a host test keeps the two in step.
/// </summary>
public readonly struct TimeSliceContext
{
    /// <summary>Creates a context (for testing policies on the host).</summary>
    public TimeSliceContext(long policySliceNs, int priority, int basePriority, int interactivity, long cpuNs,
        long waitNs, long blockedNs, long lastLatencyNs, long switches, int runnable)
    {
        PolicySliceNs = policySliceNs;
        Priority = priority;
        BasePriority = basePriority;
        Interactivity = interactivity;
        CpuNs = cpuNs;
        WaitNs = waitNs;
        BlockedNs = blockedNs;
        LastLatencyNs = lastLatencyNs;
        Switches = switches;
        Runnable = runnable;
    }

    /// <summary>The slice the compiled scheduler policy chose, ns: the answer when no patch is loaded.</summary>
    public readonly long PolicySliceNs;

    /// <summary>Effective priority, 0 to 31; higher runs first.</summary>
    public readonly int Priority;

    /// <summary>Priority set by the thread's creator, 0 to 31.</summary>
    public readonly int BasePriority;

    /// <summary>How often the thread blocked before its slice ended, recently: 0 (never) to 100 (always).</summary>
    public readonly int Interactivity;

    /// <summary>CPU time the thread has used since it started, ns.</summary>
    public readonly long CpuNs;

    /// <summary>Time it has spent runnable but waiting for the CPU, in total, ns.</summary>
    public readonly long WaitNs;

    /// <summary>Time it has spent blocked, in total, ns.</summary>
    public readonly long BlockedNs;

    /// <summary>From becoming runnable to running, the last time, ns.</summary>
    public readonly long LastLatencyNs;

    /// <summary>How many times it has been switched in.</summary>
    public readonly long Switches;

    /// <summary>Other threads waiting for the CPU.</summary>
    public readonly int Runnable;
}

/// <summary>
/// What a <c>sched.priority_adjust</c> policy sees: <c>static int M(in PriorityContext ctx)</c>
/// returns the thread's effective priority, 0 to 31, after it stopped running.
/// </summary>
public readonly struct PriorityContext
{
    /// <summary>Creates a context (for testing policies on the host).</summary>
    public PriorityContext(int priority, int basePriority, int reason, long ranNs, int interactivity, long cpuNs)
    {
        Priority = priority;
        BasePriority = basePriority;
        Reason = reason;
        RanNs = ranNs;
        Interactivity = interactivity;
        CpuNs = cpuNs;
    }

    /// <summary>The priority after the compiled policy's own adjustment: the answer when no patch is loaded.</summary>
    public readonly int Priority;

    /// <summary>Priority set by the thread's creator, 0 to 31.</summary>
    public readonly int BasePriority;

    /// <summary>Why it stopped: <see cref="StopReasons"/>.</summary>
    public readonly int Reason;

    /// <summary>How long it just ran, ns.</summary>
    public readonly long RanNs;

    /// <summary>How often it blocked before its slice ended, recently: 0 to 100.</summary>
    public readonly int Interactivity;

    /// <summary>CPU time used since it started, ns.</summary>
    public readonly long CpuNs;
}

/// <summary>The values of <see cref="PriorityContext.Reason"/>.</summary>
public static class StopReasons
{
    /// <summary>It used its whole slice.</summary>
    public const int SliceExpired = 0;

    /// <summary>It blocked (I/O, IPC, a lock, sleep) before its slice ran out.</summary>
    public const int Blocked = 1;

    /// <summary>It gave the CPU up while still runnable.</summary>
    public const int Yielded = 2;

    /// <summary>A higher-priority thread became runnable.</summary>
    public const int Preempted = 3;

    /// <summary>It exited.</summary>
    public const int Exited = 4;
}

/// <summary>
/// What a <c>gc.budget</c> policy sees: <c>static long M(in GcBudgetContext ctx)</c> returns how
/// many bytes may be allocated before the next collection; the kernel keeps answers in
/// [64 KiB, 4 GiB].
/// </summary>
public readonly struct GcBudgetContext
{
    /// <summary>Creates a context (for testing policies on the host).</summary>
    public GcBudgetContext(long defaultBudget, long liveBytes, long committedBytes, long totalAllocated, long minBudgetKib, long growthPercent)
    {
        DefaultBudget = defaultBudget;
        LiveBytes = liveBytes;
        CommittedBytes = committedBytes;
        TotalAllocated = totalAllocated;
        MinBudgetKib = minBudgetKib;
        GrowthPercent = growthPercent;
    }

    /// <summary>The budget the collector's own rule chose, bytes: the answer when no patch is loaded.</summary>
    public readonly long DefaultBudget;

    /// <summary>Bytes that survived the collection just finished.</summary>
    public readonly long LiveBytes;

    /// <summary>Bytes of memory the collected heap holds.</summary>
    public readonly long CommittedBytes;

    /// <summary>Bytes allocated since boot.</summary>
    public readonly long TotalAllocated;

    /// <summary>The gc.min_budget_kib tunable.</summary>
    public readonly long MinBudgetKib;

    /// <summary>The gc.growth_percent tunable.</summary>
    public readonly long GrowthPercent;
}

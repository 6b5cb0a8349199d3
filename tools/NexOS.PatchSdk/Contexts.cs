namespace NexOS.Policy;

/// <summary>
/// What a <c>sched.time_slice</c> policy sees: <c>static long TimeSlice(in SchedContext ctx)</c>
/// returns how long the thread may run, in nanoseconds. Mirrors the hook's context fields
/// (PascalCase here, snake_case in the kernel: BasePriority is base_priority); a host test keeps
/// the two in step. Policies may only read these fields.
/// </summary>
public readonly struct SchedContext
{
    /// <summary>Creates a context (for testing policies on the host).</summary>
    public SchedContext(int threadId, int basePriority, int priority, long sliceNs, long lastRanNs, int runnableThreads, bool interactive)
    {
        ThreadId = threadId;
        BasePriority = basePriority;
        Priority = priority;
        SliceNs = sliceNs;
        LastRanNs = lastRanNs;
        RunnableThreads = runnableThreads;
        Interactive = interactive;
    }

    /// <summary>The thread's id.</summary>
    public readonly int ThreadId;

    /// <summary>Priority set by the thread's creator, 0 to 31; higher runs first.</summary>
    public readonly int BasePriority;

    /// <summary>Priority after the policy's boosts and decays, 0 to 31.</summary>
    public readonly int Priority;

    /// <summary>The scheduler's current default slice (its slice_ns parameter), ns.</summary>
    public readonly long SliceNs;

    /// <summary>How long the thread ran the last time it was on the CPU, ns.</summary>
    public readonly long LastRanNs;

    /// <summary>Threads waiting for the CPU besides this one.</summary>
    public readonly int RunnableThreads;

    /// <summary>Whether the thread last blocked before its slice ran out.</summary>
    public readonly bool Interactive;
}

/// <summary>
/// What a <c>sched.priority</c> policy sees: <c>static int Priority(in PriorityContext ctx)</c>
/// returns the thread's new effective priority after it stopped running.
/// </summary>
public readonly struct PriorityContext
{
    /// <summary>Creates a context (for testing policies on the host).</summary>
    public PriorityContext(int basePriority, int priority, long ranNs, long sliceNs, bool blocked)
    {
        BasePriority = basePriority;
        Priority = priority;
        RanNs = ranNs;
        SliceNs = sliceNs;
        Blocked = blocked;
    }

    /// <summary>Priority set by the thread's creator, 0 to 31.</summary>
    public readonly int BasePriority;

    /// <summary>The current effective priority, 0 to 31.</summary>
    public readonly int Priority;

    /// <summary>How long it just ran, ns.</summary>
    public readonly long RanNs;

    /// <summary>The slice it had, ns.</summary>
    public readonly long SliceNs;

    /// <summary>Whether it stopped because it blocked (rather than used up its slice).</summary>
    public readonly bool Blocked;
}

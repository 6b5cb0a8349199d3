namespace NexOS.Core.Scheduling;

/// <summary>Scheduling classes, in the order the scheduler serves them.</summary>
public enum SchedClass
{
    RealTime = 0,
    Normal = 1,
    Idle = 2,
}

public enum ThreadState
{
    Created,
    Runnable,
    Running,
    Blocked,
    Exited,
}

/// <summary>Why a thread stopped running, as the policy sees it.</summary>
public enum StopReason
{
    /// <summary>It used its whole time slice (preempted by the timer).</summary>
    SliceExpired,

    /// <summary>It blocked (I/O, IPC, a lock, sleep) before its slice ran out.</summary>
    Blocked,

    /// <summary>It gave the CPU up voluntarily while still runnable.</summary>
    Yielded,

    /// <summary>A higher-priority thread became runnable.</summary>
    Preempted,

    /// <summary>It exited.</summary>
    Exited,
}

/// <summary>
/// What the scheduler knows about a thread: identity, class and priority, real-time
/// reservation, state and accounting. The kernel's thread object owns one; policies read and
/// adjust the priority fields and keep their queue bookkeeping in <see cref="PolicyLink"/>.
/// All times are in nanoseconds of the monotonic clock.
/// </summary>
public sealed class SchedThread
{
    public const int MinPriority = 0;
    public const int MaxPriority = 31;

    public SchedThread(int id, string name, SchedClass schedClass, int priority)
    {
        Id = id;
        Name = name;
        Class = schedClass;
        BasePriority = Math.Clamp(priority, MinPriority, MaxPriority);
        EffectivePriority = BasePriority;
    }

    public int Id { get; }

    public string Name { get; }

    public SchedClass Class { get; set; }

    /// <summary>Priority set by the thread's creator; higher runs first.</summary>
    public int BasePriority { get; set; }

    /// <summary>Priority after the policy's boosts and decays.</summary>
    public int EffectivePriority { get; set; }

    public ThreadState State { get; set; } = ThreadState.Created;

    /// <summary>Real-time period (0 for other classes).</summary>
    public ulong PeriodNs { get; set; }

    /// <summary>Real-time budget per period (worst-case execution time).</summary>
    public ulong BudgetNs { get; set; }

    /// <summary>Absolute deadline of the current real-time job.</summary>
    public ulong DeadlineNs { get; set; }

    /// <summary>When the thread last became runnable (for wait and latency accounting).</summary>
    public ulong RunnableSinceNs { get; set; }

    /// <summary>When the thread last started running.</summary>
    public ulong RunningSinceNs { get; set; }

    /// <summary>When the thread last blocked.</summary>
    public ulong BlockedSinceNs { get; set; }

    public ulong CpuTimeNs { get; set; }

    public ulong RunnableWaitNs { get; set; }

    public ulong BlockedNs { get; set; }

    public ulong Switches { get; set; }

    /// <summary>Time from becoming runnable to running, the last time it happened.</summary>
    public ulong LastRunLatencyNs { get; set; }

    /// <summary>How often the thread blocked before its slice ended, recently (0-100).</summary>
    public int InteractivityScore { get; set; }

    /// <summary>The class the thread declared for the wait metrics (see <see cref="WorkloadClasses"/>).</summary>
    public WorkloadClass Workload { get; set; }

    /// <summary>Opaque per-policy data (queue position, virtual time...).</summary>
    public object? PolicyLink { get; set; }

    /// <summary>Intrusive link for the queue the thread is on (run queue or wait queue).</summary>
    public SchedThread? Next { get; set; }

    public override string ToString() => $"{Id} {Name} {Class} p{EffectivePriority} {State}";
}

namespace NexOS.Core.Scheduling;

/// <summary>
/// The bookkeeping every NexOS policy keeps for one thread, stored in
/// <see cref="SchedThread.PolicyLink"/>. One object serves all policies so that a thread can
/// move between them (a policy swap, a class change) without a new allocation, and so that a
/// policy can tell in O(1) whether any queue already holds the thread. It is allocated once,
/// by the first <see cref="ISchedulerPolicy.Add"/> or by <see cref="RealTimePolicy.TryAdmit"/>,
/// and never replaced while the thread is queued. Outside code reads it; only the scheduling
/// classes change it.
/// </summary>
public sealed class SchedNode
{
    /// <summary>The queue or heap that holds the thread now, or null when no queue does
    /// (it is running, blocked, or not yet added).</summary>
    internal object? Owner { get; set; }

    /// <summary>The thread before this one in its FIFO; the forward link is
    /// <see cref="SchedThread.Next"/>. Together they make removal O(1).</summary>
    internal SchedThread? Prev { get; set; }

    /// <summary>Position in the real-time policy's binary heap.</summary>
    internal int HeapIndex { get; set; } = -1;

    /// <summary>The real-time policy that admitted the thread, or null.</summary>
    internal RealTimePolicy? Reservation { get; set; }

    /// <summary>The utilization charged at admission (parts per million), given back by
    /// <see cref="RealTimePolicy.Release"/> even if the thread's reservation fields changed.</summary>
    internal ulong UtilizationPpm { get; set; }

    /// <summary>True once the first job has been released (the period grid is anchored).</summary>
    internal bool JobStarted { get; set; }

    /// <summary>True once the current job's deadline miss has been counted.</summary>
    internal bool MissCounted { get; set; }

    /// <summary>Slice time a preempted thread had left; its next slice is this remainder
    /// instead of a full one (0: none carried over).</summary>
    internal ulong SliceLeftNs { get; set; }

    /// <summary>True when the next enqueue goes to the head of the level, not the tail: the
    /// thread was preempted and resumes its turn before the threads that were waiting behind it.</summary>
    internal bool ResumeAtHead { get; set; }

    /// <summary>True while a queue or heap of some NexOS policy holds the thread.</summary>
    public bool IsQueued => Owner != null;

    /// <summary>The priority level the thread was queued at; removal uses it even if the
    /// thread's priority changed while queued.</summary>
    public int Level { get; internal set; }

    /// <summary>True while a real-time thread waits for its next period with no budget left.</summary>
    public bool Throttled { get; internal set; }

    /// <summary>Real-time period copied at admission, so that later edits to
    /// <see cref="SchedThread.PeriodNs"/> cannot break the admitted guarantee.</summary>
    public ulong PeriodNs { get; internal set; }

    /// <summary>Real-time budget copied at admission.</summary>
    public ulong BudgetNs { get; internal set; }

    /// <summary>Release time of the current real-time job.</summary>
    public ulong ReleaseNs { get; internal set; }

    /// <summary>Absolute deadline of the current real-time job (release + period); it is also
    /// the release time of the next job.</summary>
    public ulong DeadlineNs { get; internal set; }

    /// <summary>Budget left in the current real-time job.</summary>
    public ulong RemainingNs { get; internal set; }

    /// <summary>Jobs of this thread that were still running or runnable at their deadline.</summary>
    public ulong DeadlineMisses { get; internal set; }

    /// <summary>Jobs of this thread that used their whole budget and were throttled.</summary>
    public ulong Overruns { get; internal set; }

    /// <summary>The thread's node, or null when no NexOS policy has seen the thread.</summary>
    public static SchedNode? Find(SchedThread thread) => thread.PolicyLink as SchedNode;

    /// <summary>The thread's node, created on first use. This is the only allocation a policy
    /// makes for a thread; any foreign object in <see cref="SchedThread.PolicyLink"/> is replaced.</summary>
    internal static SchedNode Of(SchedThread thread)
    {
        if (thread.PolicyLink is SchedNode node)
        {
            return node;
        }

        node = new SchedNode();
        thread.PolicyLink = node;
        return node;
    }
}

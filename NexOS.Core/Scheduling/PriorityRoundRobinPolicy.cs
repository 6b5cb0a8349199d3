using NexOS.Core.Policy;

namespace NexOS.Core.Scheduling;

/// <summary>
/// Fixed-priority round robin ("priority"): 32 levels, the highest non-empty level runs first,
/// threads of one level take turns of <c>slice_ns</c> each. Every call is O(1) and, after a
/// thread's first <see cref="Add"/> (which may allocate its <see cref="SchedNode"/>), allocation-free.
/// The policy does not adjust priorities: <see cref="Add"/> resets
/// <see cref="SchedThread.EffectivePriority"/> to <see cref="SchedThread.BasePriority"/>, so boosts
/// left by a previous policy (after a swap from <see cref="AdaptivePolicy"/>) do not linger.
/// </summary>
public sealed class PriorityRoundRobinPolicy : ISchedulerPolicy
{
    /// <summary>Default time slice: 10 ms.</summary>
    public const long DefaultSliceNs = 10_000_000;

    /// <summary>Shortest allowed slice: 100 us (shorter would spend the CPU on switches).</summary>
    public const long MinSliceNs = 100_000;

    /// <summary>Longest allowed slice: 1 s.</summary>
    public const long MaxSliceNs = 1_000_000_000;

    private readonly PriorityRunQueue _queue = new();
    private readonly Parameter _slice;

    public PriorityRoundRobinPolicy()
    {
        Parameters = new ParameterSet();
        _slice = Parameters.Add(CreateSliceParameter());
    }

    /// <summary>"priority".</summary>
    public string Name => "priority";

    /// <summary>One tunable: <c>slice_ns</c>.</summary>
    public ParameterSet Parameters { get; }

    /// <summary>Threads queued at any level.</summary>
    public int RunnableCount => _queue.Count;

    /// <summary>Bit n set exactly when level n holds a thread (diagnostics and tests).</summary>
    public uint LevelBitmap => _queue.Bitmap;

    /// <summary>True when this policy's queue holds <paramref name="thread"/>.</summary>
    public bool Holds(SchedThread thread) => _queue.Holds(thread);

    /// <summary>
    /// Queues <paramref name="thread"/> at the tail of its level (at the head when it was
    /// preempted, see <see cref="OnStop"/>). Returns true when it should
    /// preempt: the CPU is idle (<paramref name="current"/> null) or the thread's priority is
    /// strictly above the current one's (equal priorities wait their turn). A thread that any
    /// queue already holds is ignored and false is returned, so a duplicate Add cannot corrupt
    /// the queue.
    /// </summary>
    public bool Add(SchedThread thread, SchedThread? current, ulong nowNs)
    {
        SchedNode? node = SchedNode.Find(thread);
        if (node != null && node.IsQueued)
        {
            return false;
        }

        thread.EffectivePriority = thread.BasePriority;
        _queue.Enqueue(thread, thread.EffectivePriority);
        return current == null || thread.EffectivePriority > current.EffectivePriority;
    }

    /// <summary>Takes <paramref name="thread"/> off its level in O(1); false when not queued here.</summary>
    public bool Remove(SchedThread thread) => _queue.Remove(thread);

    /// <summary>Dequeues the first thread of the highest non-empty level, or returns null.</summary>
    public SchedThread? PickNext(ulong nowNs) => _queue.DequeueHighest();

    /// <summary>The current <c>slice_ns</c>, the same for every thread; a thread preempted in
    /// mid-slice gets only what it had left.</summary>
    public ulong TimeSlice(SchedThread thread, ulong nowNs) => PriorityRunQueue.SliceFor(thread, (ulong)_slice.Value);

    /// <summary>Priorities are fixed, so only the turn is recorded: a thread the kernel adds
    /// back after a slice expiry, a yield or a wake-up goes to the tail of its level (the round
    /// robin); one preempted in mid-slice goes back to the head with the rest of its slice.</summary>
    public void OnStop(SchedThread thread, StopReason reason, ulong ranNs, ulong nowNs) =>
        PriorityRunQueue.NoteStop(thread, reason, ranNs, TimeSlice(thread, nowNs));

    /// <summary>The <c>slice_ns</c> parameter both priority-based policies expose.</summary>
    internal static Parameter CreateSliceParameter() => new(
        "slice_ns",
        "ns",
        MinSliceNs,
        MaxSliceNs,
        DefaultSliceNs,
        "time a thread runs before the next thread of its level gets the CPU");
}

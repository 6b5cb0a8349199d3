using System.Numerics;

namespace NexOS.Core.Scheduling;

/// <summary>
/// The run queue the priority-based policies share: one FIFO per priority level
/// (<see cref="SchedThread.MinPriority"/>..<see cref="SchedThread.MaxPriority"/>) and a 32-bit
/// bitmap whose bit <c>n</c> is set exactly when level <c>n</c> is non-empty, so the highest
/// non-empty level is one bit scan away. Every operation is O(1) and allocation-free once the
/// thread has its <see cref="SchedNode"/>.
/// </summary>
internal sealed class PriorityRunQueue
{
    private const int Levels = SchedThread.MaxPriority - SchedThread.MinPriority + 1;

    private readonly ThreadQueue[] _levels = new ThreadQueue[Levels];
    private uint _bitmap;

    public PriorityRunQueue()
    {
        for (int i = 0; i < Levels; i++)
        {
            _levels[i] = new ThreadQueue();
        }
    }

    /// <summary>Number of queued threads over all levels.</summary>
    public int Count { get; private set; }

    /// <summary>The non-empty-level bitmap (bit n: level n has a thread), for tests and `sched`.</summary>
    public uint Bitmap => _bitmap;

    /// <summary>True when this queue holds <paramref name="thread"/>.</summary>
    public bool Holds(SchedThread thread)
    {
        SchedNode? node = SchedNode.Find(thread);
        return node != null && ReferenceEquals(node.Owner, this);
    }

    /// <summary>Appends <paramref name="thread"/> at <paramref name="priority"/> (clamped to the
    /// valid range), or puts it first there when it was preempted (see <see cref="NoteStop"/>).
    /// Returns false, changing nothing, when any queue already holds the thread; a second Add
    /// must not link the thread twice and corrupt the list.</summary>
    public bool Enqueue(SchedThread thread, int priority)
    {
        SchedNode node = SchedNode.Of(thread);
        if (node.Owner != null)
        {
            return false;
        }

        int level = Math.Clamp(priority, SchedThread.MinPriority, SchedThread.MaxPriority) - SchedThread.MinPriority;
        node.Owner = this;
        node.Level = level;
        if (node.ResumeAtHead)
        {
            node.ResumeAtHead = false;
            _levels[level].PushFront(thread, node);
        }
        else
        {
            _levels[level].PushBack(thread, node);
        }

        _bitmap |= 1u << level;
        Count++;
        return true;
    }

    /// <summary>Removes <paramref name="thread"/> from the level it was queued at. Returns false
    /// when this queue does not hold it.</summary>
    public bool Remove(SchedThread thread)
    {
        SchedNode? node = SchedNode.Find(thread);
        if (node == null || !ReferenceEquals(node.Owner, this))
        {
            return false;
        }

        _levels[node.Level].Unlink(thread, node);
        Forget(node, node.Level);
        return true;
    }

    /// <summary>Dequeues the first thread of the highest non-empty level, or returns null.</summary>
    public SchedThread? DequeueHighest()
    {
        if (_bitmap == 0)
        {
            return null;
        }

        int level = BitOperations.Log2(_bitmap);
        SchedThread? thread = _levels[level].PopFront();
        if (thread != null)
        {
            Forget(SchedNode.Find(thread), level);
        }

        return thread;
    }

    /// <summary>
    /// Dequeues the longest-waiting thread below the highest level whose wait reached
    /// <paramref name="limitNs"/>, or returns null. Strict priority alone lets a busy
    /// high level (say, a pair of threads that keep waking each other) starve every level
    /// below it; this is the escape hatch. O(levels), no allocation.
    /// </summary>
    public SchedThread? DequeueStarved(ulong nowNs, ulong limitNs)
    {
        if (_bitmap == 0)
        {
            return null;
        }

        int highest = BitOperations.Log2(_bitmap);
        SchedThread? oldest = null;
        int oldestLevel = -1;
        for (int level = highest - 1; level >= 0; level--)
        {
            SchedThread? head = (_bitmap & (1u << level)) != 0 ? _levels[level].Head : null;
            if (head != null && nowNs >= head.RunnableSinceNs && nowNs - head.RunnableSinceNs >= limitNs
                && (oldest == null || head.RunnableSinceNs < oldest.RunnableSinceNs))
            {
                oldest = head;
                oldestLevel = level;
            }
        }

        if (oldest == null)
        {
            return null;
        }

        _levels[oldestLevel].PopFront();
        Forget(SchedNode.Find(oldest), oldestLevel);
        return oldest;
    }

    /// <summary>The slice to grant <paramref name="thread"/>: what a preemption left of its last
    /// one, otherwise <paramref name="fullSliceNs"/>.</summary>
    public static ulong SliceFor(SchedThread thread, ulong fullSliceNs)
    {
        ulong left = SchedNode.Find(thread)?.SliceLeftNs ?? 0;
        return left > 0 ? left : fullSliceNs;
    }

    /// <summary>
    /// Records how the thread's turn ended. A thread preempted by a more urgent one before its
    /// slice ran out keeps its place and the rest of its slice: it goes back to the head of its
    /// level and its next slice is the remainder. Without this a round robin level under
    /// frequent preemption (real-time releases, boosted wake-ups) would hand some threads far
    /// less than others, because each preemption would cost the victim its whole turn. Any
    /// other stop ends the turn. <paramref name="grantedNs"/> is the slice the turn started
    /// with (<see cref="SliceFor"/> before this call).
    /// </summary>
    public static void NoteStop(SchedThread thread, StopReason reason, ulong ranNs, ulong grantedNs)
    {
        // A thread that was never added (the kernel's boot thread) has no node and nothing to
        // carry over; creating one here would allocate outside Add.
        SchedNode? node = SchedNode.Find(thread);
        if (node == null)
        {
            return;
        }

        bool resume = reason == StopReason.Preempted && ranNs < grantedNs;
        node.SliceLeftNs = resume ? grantedNs - ranNs : 0;
        node.ResumeAtHead = resume;
    }

    /// <summary>Marks the thread unqueued and clears the level's bit when it emptied, which
    /// keeps the bitmap invariant (bit set exactly for non-empty levels).</summary>
    private void Forget(SchedNode? node, int level)
    {
        if (node != null)
        {
            node.Owner = null;
        }

        if (_levels[level].Count == 0)
        {
            _bitmap &= ~(1u << level);
        }

        Count--;
    }
}

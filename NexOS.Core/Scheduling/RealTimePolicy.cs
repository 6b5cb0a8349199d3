using NexOS.Core.Policy;

namespace NexOS.Core.Scheduling;

/// <summary>
/// Earliest deadline first over periodic reservations ("edf"). A real-time thread reserves
/// <see cref="SchedThread.BudgetNs"/> of CPU every <see cref="SchedThread.PeriodNs"/>;
/// <see cref="TryAdmit"/> accepts it only while the sum of budget/period stays within
/// <c>max_utilization_percent</c>, which is what lets EDF meet every deadline. Periods are
/// anchored at the thread's first <see cref="Add"/>: job k is released at anchor + k * period
/// and is due one period later. A job runs for at most its budget; a thread that exhausts it is
/// throttled until its next release (<see cref="NextReleaseNs"/>, <see cref="ReleaseDue(ulong)"/>),
/// so an overrunning thread cannot steal other reservations' time.
/// The ready queue and the throttled set are binary heaps over arrays sized at admission:
/// every call after <see cref="TryAdmit"/> is O(log n) per thread it moves, never allocates and
/// never throws. The loops in <see cref="PickNext"/> and <see cref="ReleaseDue(ulong)"/> move
/// each thread at most once, so they are bounded by <c>max_threads</c>.
/// </summary>
public sealed partial class RealTimePolicy : ISchedulerPolicy, IReleaseSource
{
    /// <summary>Slice handed to a thread this policy did not admit (a kernel bug), so that the
    /// timer still fires.</summary>
    private const ulong FallbackSliceNs = 1_000_000;

    private readonly Parameter _maxUtilizationPercent;
    private readonly Parameter _maxThreads;
    private readonly DeadlineHeap _ready;
    private readonly DeadlineHeap _throttled;

    public RealTimePolicy()
    {
        Parameters = new ParameterSet();
        _maxUtilizationPercent = Parameters.Add(new Parameter(
            "max_utilization_percent", "percent", 10, 100, 90, "admission limit for the sum of budget/period"));
        _maxThreads = Parameters.Add(new Parameter(
            "max_threads", "threads", 1, 4096, 64, "most real-time threads admitted at once (sizes the heaps)"));
        _ready = new DeadlineHeap((int)_maxThreads.Value);
        _throttled = new DeadlineHeap((int)_maxThreads.Value);
    }

    /// <summary>"edf".</summary>
    public string Name => "edf";

    /// <summary><c>max_utilization_percent</c> and <c>max_threads</c>.</summary>
    public ParameterSet Parameters { get; }

    /// <summary>Threads held: ready ones plus throttled ones (runnable, but out of budget).
    /// <see cref="ReadyCount"/> says whether <see cref="PickNext"/> has anything to return now.</summary>
    public int RunnableCount => _ready.Count + _throttled.Count;

    /// <summary>Threads <see cref="PickNext"/> can choose from now.</summary>
    public int ReadyCount => _ready.Count;

    /// <summary>Runnable threads waiting for their next period.</summary>
    public int ThrottledCount => _throttled.Count;

    /// <summary>Threads admitted and not yet released.</summary>
    public int AdmittedCount { get; private set; }

    /// <summary>Sum of the admitted threads' budget/period, in parts per million (rounded up).</summary>
    public ulong UtilizationPpm { get; private set; }

    /// <summary>Jobs, over all threads, that were still running or runnable at their deadline.
    /// Per thread: <see cref="SchedNode.DeadlineMisses"/>.</summary>
    public ulong DeadlineMisses { get; private set; }

    /// <summary>When the earliest throttled thread's next period starts, or
    /// <see cref="ulong.MaxValue"/> when no thread is throttled. The kernel's timer must fire then.</summary>
    public ulong NextReleaseNs => _throttled.Top is SchedThread t ? SchedNode.Find(t)!.DeadlineNs : ulong.MaxValue;

    /// <summary>True when this policy admitted <paramref name="thread"/>.</summary>
    public bool IsAdmitted(SchedThread thread) => SchedNode.Find(thread)?.Reservation == this;

    /// <summary>True when this policy holds <paramref name="thread"/> (ready or throttled).</summary>
    public bool Holds(SchedThread thread) => ReferenceEquals(SchedNode.Find(thread)?.Owner, this);

    /// <summary>
    /// Queues an admitted thread. The first Add anchors its periods; an Add in a later period
    /// than the thread's current job starts the job of the period containing
    /// <paramref name="nowNs"/> with a full budget. With budget left it becomes ready and true is
    /// returned when it should preempt <paramref name="current"/>: the CPU is idle, the current
    /// thread is not a real-time thread of this policy, or the new deadline is strictly earlier.
    /// With no budget left it is throttled until its next release and false is returned. A
    /// thread not admitted here, or already held by any queue, is ignored (false).
    /// </summary>
    public bool Add(SchedThread thread, SchedThread? current, ulong nowNs)
    {
        SchedNode? node = SchedNode.Find(thread);
        if (node == null || node.Reservation != this || node.IsQueued)
        {
            return false;
        }

        AdvanceJob(thread, node, nowNs);
        if (node.RemainingNs == 0)
        {
            node.Overruns++;
            Hold(thread, node, _throttled, throttled: true);
            return false;
        }

        return Hold(thread, node, _ready, throttled: false) && Preempts(thread, current);
    }

    /// <summary>Takes <paramref name="thread"/> out of the ready heap or the throttled set in
    /// O(log n). Returns false when this policy does not hold it.</summary>
    public bool Remove(SchedThread thread)
    {
        SchedNode? node = SchedNode.Find(thread);
        if (node == null || !ReferenceEquals(node.Owner, this))
        {
            return false;
        }

        DeadlineHeap heap = node.Throttled ? _throttled : _ready;
        if ((uint)node.HeapIndex < (uint)heap.Count)
        {
            heap.RemoveAt(node.HeapIndex);
        }

        node.Owner = null;
        node.Throttled = false;
        return true;
    }

    /// <summary>
    /// Releases due throttled threads, then dequeues the ready thread with the earliest deadline.
    /// A ready thread whose deadline has already come is counted as a miss and moved on to the
    /// job of the current period first, so that the returned thread's deadline lies in the future.
    /// Returns null when no real-time thread is ready.
    /// </summary>
    public SchedThread? PickNext(ulong nowNs)
    {
        ReleaseDue(nowNs);
        for (int guard = _ready.Count; guard > 0; guard--)
        {
            SchedThread top = _ready.Top!;
            SchedNode node = SchedNode.Find(top)!;
            if (node.DeadlineNs > nowNs)
            {
                break;
            }

            CountMiss(node);
            AdvanceJob(top, node, nowNs);
            _ready.TopKeyIncreased();
        }

        SchedThread? next = _ready.Pop();
        if (next != null)
        {
            SchedNode.Find(next)!.Owner = null;
        }

        return next;
    }

    /// <summary>The budget left in the thread's current job, cut at the job's deadline so that
    /// the timer fires when it passes (at least 1 ns).</summary>
    public ulong TimeSlice(SchedThread thread, ulong nowNs)
    {
        SchedNode? node = SchedNode.Find(thread);
        if (node == null || node.Reservation != this)
        {
            return FallbackSliceNs;
        }

        ulong slice = node.RemainingNs;
        if (node.DeadlineNs > nowNs && node.DeadlineNs - nowNs < slice)
        {
            slice = node.DeadlineNs - nowNs;
        }

        return slice == 0 ? 1 : slice;
    }

    /// <summary>
    /// Charges <paramref name="ranNs"/> to the current job's budget and counts a miss when the
    /// job was still running at its deadline: reaching the deadline while still runnable
    /// (slice expiry, yield, preemption), or blocking or exiting strictly after it.
    /// </summary>
    public void OnStop(SchedThread thread, StopReason reason, ulong ranNs, ulong nowNs)
    {
        SchedNode? node = SchedNode.Find(thread);
        if (node == null || node.Reservation != this)
        {
            return;
        }

        node.RemainingNs -= Math.Min(ranNs, node.RemainingNs);
        bool stillRunnable = reason == StopReason.SliceExpired || reason == StopReason.Yielded || reason == StopReason.Preempted;
        if (stillRunnable ? nowNs >= node.DeadlineNs : nowNs > node.DeadlineNs)
        {
            CountMiss(node);
        }
    }

    /// <summary>
    /// Moves every throttled thread whose next period has started (release time at or before
    /// <paramref name="nowNs"/>) back to the ready heap with a full budget. A throttled thread
    /// reaching its deadline had work left, so each such release also counts a miss. Returns the
    /// number of threads released.
    /// </summary>
    public int ReleaseDue(ulong nowNs)
    {
        int released = 0;
        for (int guard = _throttled.Count; guard > 0; guard--)
        {
            SchedThread top = _throttled.Top!;
            SchedNode node = SchedNode.Find(top)!;
            if (node.DeadlineNs > nowNs)
            {
                break;
            }

            _throttled.Pop();
            node.Owner = null;
            node.Throttled = false;
            CountMiss(node);
            AdvanceJob(top, node, nowNs);
            Hold(top, node, _ready, throttled: false);
            released++;
        }

        return released;
    }

    /// <summary>Releases due threads (see <see cref="ReleaseDue(ulong)"/>) and returns true when
    /// the earliest ready thread should now preempt <paramref name="current"/>.</summary>
    public bool ReleaseDue(ulong nowNs, SchedThread? current) =>
        ReleaseDue(nowNs) > 0 && _ready.Top is SchedThread top && Preempts(top, current);

    /// <summary>True when <paramref name="candidate"/> should run instead of
    /// <paramref name="current"/>: nothing runs, the current thread is not one of this policy's
    /// real-time threads, or the candidate's deadline is strictly earlier.</summary>
    public bool Preempts(SchedThread candidate, SchedThread? current)
    {
        if (current == null)
        {
            return true;
        }

        SchedNode? running = SchedNode.Find(current);
        SchedNode? waking = SchedNode.Find(candidate);
        if (running == null || running.Reservation != this)
        {
            return true;
        }

        return waking != null && waking.DeadlineNs < running.DeadlineNs;
    }
}

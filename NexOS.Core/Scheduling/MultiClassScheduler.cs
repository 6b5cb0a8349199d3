using NexOS.Core.Policy;

namespace NexOS.Core.Scheduling;

/// <summary>
/// The policy the kernel runs ("multi"): three classes served strictly in order. Admitted
/// <see cref="SchedClass.RealTime"/> threads go to a <see cref="RealTimePolicy"/> and always run
/// first, so no amount of normal work can starve them (their own budgets bound what they take).
/// <see cref="SchedClass.Normal"/> threads go to a swappable policy (priority round robin or
/// adaptive). <see cref="SchedClass.Idle"/> threads run only when nothing else is runnable, first
/// in first out. A real-time-class thread that was never admitted is served as a normal thread
/// rather than lost. Every call is O(1) or O(log n) and allocation-free after a thread's first Add.
/// Parameters: the parts are exposed (<see cref="RealTime"/>, <see cref="Normal"/>) rather than
/// copied, because copies would go stale when the normal policy is swapped; the qualified names
/// "rt.X" and "normal.X" reach them through <see cref="FindParameter"/> and
/// <see cref="TrySetParameter"/>. <see cref="Parameters"/> holds only the composite's own tunable.
/// </summary>
public sealed class MultiClassScheduler : ISchedulerPolicy, IReleaseSource
{
    /// <summary>Prefix of the real-time part's parameters in qualified names.</summary>
    public const string RealTimePrefix = "rt.";

    /// <summary>Prefix of the normal part's parameters in qualified names.</summary>
    public const string NormalPrefix = "normal.";

    private readonly ThreadQueue _idle = new();
    private readonly Parameter _idleSlice;
    private ISchedulerPolicy _normal;
    private ulong _lastNowNs;

    /// <summary>Creates the composite with a fresh <see cref="RealTimePolicy"/> and
    /// <paramref name="normal"/> (a new <see cref="PriorityRoundRobinPolicy"/> when null).</summary>
    public MultiClassScheduler(ISchedulerPolicy? normal = null)
    {
        RealTime = new RealTimePolicy();
        _normal = normal ?? new PriorityRoundRobinPolicy();
        Parameters = new ParameterSet();
        _idleSlice = Parameters.Add(new Parameter(
            "idle_slice_ns",
            "ns",
            PriorityRoundRobinPolicy.MinSliceNs,
            PriorityRoundRobinPolicy.MaxSliceNs,
            PriorityRoundRobinPolicy.DefaultSliceNs,
            "time an idle-class thread runs before the next idle-class thread"));
    }

    /// <summary>"multi".</summary>
    public string Name => "multi";

    /// <summary>The composite's own tunable, <c>idle_slice_ns</c>; see the class summary for the parts'.</summary>
    public ParameterSet Parameters { get; }

    /// <summary>The real-time part: admission, reservations, deadline misses.</summary>
    public RealTimePolicy RealTime { get; }

    /// <summary>The policy serving normal threads now.</summary>
    public ISchedulerPolicy Normal => _normal;

    /// <summary>Runnable idle-class threads.</summary>
    public int IdleCount => _idle.Count;

    /// <summary>Threads held by all three parts (throttled real-time threads included).</summary>
    public int RunnableCount => RealTime.RunnableCount + _normal.RunnableCount + _idle.Count;

    /// <summary>See <see cref="RealTimePolicy.NextReleaseNs"/>.</summary>
    public ulong NextReleaseNs => RealTime.NextReleaseNs;

    /// <summary>Admits a real-time thread; see <see cref="RealTimePolicy.TryAdmit"/>.</summary>
    public bool TryAdmit(SchedThread thread, out string? error) => RealTime.TryAdmit(thread, out error);

    /// <summary>Ends a reservation; see <see cref="RealTimePolicy.Release"/>.</summary>
    public bool Release(SchedThread thread) => RealTime.Release(thread);

    /// <summary>
    /// Queues <paramref name="thread"/> with its class's part. Returns true when it should preempt
    /// <paramref name="current"/>: the CPU is idle, the thread's class comes before the current
    /// thread's, or both share a class and that part says so. A thread any NexOS queue already
    /// holds is ignored (false).
    /// </summary>
    public bool Add(SchedThread thread, SchedThread? current, ulong nowNs)
    {
        _lastNowNs = nowNs;
        SchedNode? node = SchedNode.Find(thread);
        if (node != null && node.IsQueued)
        {
            return false;
        }

        int rank = Rank(thread);
        if (rank == 0)
        {
            return RealTime.Add(thread, current, nowNs);
        }

        int currentRank = current == null ? int.MaxValue : Rank(current);
        if (rank == 1)
        {
            bool preempt = _normal.Add(thread, rank == currentRank ? current : null, nowNs);
            return rank == currentRank ? preempt : rank < currentRank;
        }

        SchedNode idleNode = SchedNode.Of(thread);
        idleNode.Owner = _idle;
        _idle.PushBack(thread, idleNode);
        return current == null;
    }

    /// <summary>Takes <paramref name="thread"/> out of whichever part holds it; false when none does.</summary>
    public bool Remove(SchedThread thread)
    {
        if (RealTime.Remove(thread) || _normal.Remove(thread))
        {
            return true;
        }

        SchedNode? node = SchedNode.Find(thread);
        if (node == null || !ReferenceEquals(node.Owner, _idle))
        {
            return false;
        }

        _idle.Unlink(thread, node);
        node.Owner = null;
        return true;
    }

    /// <summary>The earliest-deadline ready real-time thread, else the normal part's choice, else
    /// the longest-waiting idle thread, else null.</summary>
    public SchedThread? PickNext(ulong nowNs)
    {
        _lastNowNs = nowNs;
        SchedThread? next = RealTime.PickNext(nowNs) ?? _normal.PickNext(nowNs);
        if (next == null)
        {
            next = _idle.PopFront();
            SchedNode? node = next == null ? null : SchedNode.Find(next);
            if (node != null)
            {
                node.Owner = null;
            }
        }

        return next;
    }

    /// <summary>The slice of the part serving the thread's class; <c>idle_slice_ns</c> for idle threads.</summary>
    public ulong TimeSlice(SchedThread thread, ulong nowNs)
    {
        int rank = Rank(thread);
        return rank == 0 ? RealTime.TimeSlice(thread, nowNs)
            : rank == 1 ? _normal.TimeSlice(thread, nowNs)
            : (ulong)_idleSlice.Value;
    }

    /// <summary>Passes the stop to the part serving the thread's class (budget accounting for
    /// real-time threads, priority adjustment for normal ones; idle threads need none).</summary>
    public void OnStop(SchedThread thread, StopReason reason, ulong ranNs, ulong nowNs)
    {
        _lastNowNs = nowNs;
        int rank = Rank(thread);
        if (rank == 0)
        {
            RealTime.OnStop(thread, reason, ranNs, nowNs);
        }
        else if (rank == 1)
        {
            _normal.OnStop(thread, reason, ranNs, nowNs);
        }
    }

    /// <summary>Releases due throttled real-time threads; true when one should preempt
    /// <paramref name="current"/> (always so when a normal or idle thread runs).</summary>
    public bool ReleaseDue(ulong nowNs, SchedThread? current)
    {
        _lastNowNs = nowNs;
        return RealTime.ReleaseDue(nowNs, current);
    }

    /// <summary>
    /// Makes <paramref name="newPolicy"/> serve normal threads and returns the old policy. Every
    /// thread the old policy holds is dequeued in its pick order and added to the new one, so
    /// each runnable normal thread ends up queued exactly once and the order within a priority
    /// level survives. Running and blocked normal threads are in no queue; the kernel's usual
    /// OnStop/Add sends them to the new policy when they stop or wake. The loop is bounded by the
    /// old policy's count; no allocation happens because moved threads already have their node.
    /// The kernel calls this with interrupts off, which makes the swap atomic. A null policy or the
    /// current one changes nothing and returns the current policy. <paramref name="nowNs"/> is
    /// passed to the policies; it defaults to the last time this scheduler was told.
    /// </summary>
    public ISchedulerPolicy ReplaceNormalPolicy(ISchedulerPolicy newPolicy, ulong? nowNs = null)
    {
        ISchedulerPolicy old = _normal;
        if (newPolicy == null || ReferenceEquals(newPolicy, old))
        {
            return old;
        }

        ulong now = nowNs ?? _lastNowNs;
        for (int guard = old.RunnableCount; guard > 0; guard--)
        {
            SchedThread? thread = old.PickNext(now);
            if (thread == null)
            {
                break;
            }

            newPolicy.Add(thread, null, now);
        }

        _normal = newPolicy;
        return old;
    }

    /// <summary>Finds a parameter by qualified name: "rt.X", "normal.X", or one of the
    /// composite's own. Allocates the unprefixed name; not for interrupts-off paths.</summary>
    public Parameter? FindParameter(string qualifiedName)
    {
        if (qualifiedName.StartsWith(RealTimePrefix, StringComparison.Ordinal))
        {
            return RealTime.Parameters.Find(qualifiedName.Substring(RealTimePrefix.Length));
        }

        if (qualifiedName.StartsWith(NormalPrefix, StringComparison.Ordinal))
        {
            return _normal.Parameters.Find(qualifiedName.Substring(NormalPrefix.Length));
        }

        return Parameters.Find(qualifiedName);
    }

    /// <summary>Sets a parameter by qualified name; returns an error for an unknown name or a
    /// value out of range, changing nothing.</summary>
    public string? TrySetParameter(string qualifiedName, long value)
    {
        Parameter? parameter = FindParameter(qualifiedName);
        return parameter == null ? $"unknown parameter '{qualifiedName}'" : parameter.TrySet(value);
    }

    /// <summary>0 for a real-time thread this scheduler admitted, 1 for normal threads (and
    /// unadmitted real-time ones), 2 for idle threads: the order in which classes are served.</summary>
    private int Rank(SchedThread thread)
    {
        if (thread.Class == SchedClass.RealTime && RealTime.IsAdmitted(thread))
        {
            return 0;
        }

        return thread.Class == SchedClass.Idle ? 2 : 1;
    }
}

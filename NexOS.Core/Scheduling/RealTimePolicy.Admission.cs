namespace NexOS.Core.Scheduling;

/// <summary>Admission control and the job bookkeeping of <see cref="RealTimePolicy"/>.</summary>
public sealed partial class RealTimePolicy
{
    private const ulong PartsPerMillion = 1_000_000;

    /// <summary>
    /// Admits <paramref name="thread"/> with the reservation in its
    /// <see cref="SchedThread.PeriodNs"/> and <see cref="SchedThread.BudgetNs"/> (both copied now;
    /// later edits need <see cref="Release"/> and a new admission). Refuses, with a one-line
    /// reason in <paramref name="error"/> and nothing changed, a thread that is not in
    /// <see cref="SchedClass.RealTime"/>, is already admitted, is queued somewhere, has a zero
    /// period or budget or a budget above its period, would exceed <c>max_threads</c>, or would
    /// push the total utilization above <c>max_utilization_percent</c>. This is the one place the
    /// policy allocates (the thread's <see cref="SchedNode"/>, the heaps' growth), so the kernel
    /// calls it when a thread asks to become real-time, not on a scheduling path.
    /// </summary>
    public bool TryAdmit(SchedThread thread, out string? error)
    {
        error = Validate(thread, out ulong ppm);
        if (error != null)
        {
            return false;
        }

        int capacity = (int)_maxThreads.Value;
        _ready.EnsureCapacity(capacity);
        _throttled.EnsureCapacity(capacity);
        SchedNode node = SchedNode.Of(thread);
        node.Reservation = this;
        node.PeriodNs = thread.PeriodNs;
        node.BudgetNs = thread.BudgetNs;
        node.UtilizationPpm = ppm;
        node.JobStarted = false;
        node.MissCounted = false;
        node.Throttled = false;
        node.RemainingNs = thread.BudgetNs;
        UtilizationPpm += ppm;
        AdmittedCount++;
        return true;
    }

    /// <summary>Ends <paramref name="thread"/>'s reservation and gives its utilization back,
    /// taking it out of the ready heap or the throttled set first. The kernel calls it when the
    /// thread exits or leaves the real-time class. Returns false when this policy did not admit it.</summary>
    public bool Release(SchedThread thread)
    {
        SchedNode? node = SchedNode.Find(thread);
        if (node == null || node.Reservation != this)
        {
            return false;
        }

        Remove(thread);
        UtilizationPpm -= Math.Min(node.UtilizationPpm, UtilizationPpm);
        AdmittedCount--;
        node.Reservation = null;
        node.UtilizationPpm = 0;
        node.JobStarted = false;
        return true;
    }

    private string? Validate(SchedThread thread, out ulong ppm)
    {
        ppm = 0;
        SchedNode? node = SchedNode.Find(thread);
        if (thread.Class != SchedClass.RealTime)
        {
            return $"thread {thread.Id}: not in the real-time class";
        }

        if (node?.Reservation != null)
        {
            return $"thread {thread.Id}: already admitted";
        }

        if (node != null && node.IsQueued)
        {
            return $"thread {thread.Id}: still queued by a policy; remove it first";
        }

        if (thread.PeriodNs == 0 || thread.BudgetNs == 0)
        {
            return $"thread {thread.Id}: period and budget must be above 0 (period {thread.PeriodNs} ns, budget {thread.BudgetNs} ns)";
        }

        if (thread.BudgetNs > thread.PeriodNs)
        {
            return $"thread {thread.Id}: budget {thread.BudgetNs} ns exceeds period {thread.PeriodNs} ns";
        }

        if (AdmittedCount >= _maxThreads.Value)
        {
            return $"thread {thread.Id}: {AdmittedCount} real-time threads admitted already (max_threads {_maxThreads.Value})";
        }

        // Rounded up, so that many small reservations cannot sneak past the limit through
        // truncation. The 128-bit product cannot overflow (budget <= period < 2^64).
        UInt128 scaled = ((UInt128)thread.BudgetNs * PartsPerMillion) + thread.PeriodNs - 1;
        ppm = (ulong)(scaled / thread.PeriodNs);
        ulong limit = (ulong)_maxUtilizationPercent.Value * (PartsPerMillion / 100);
        if (UtilizationPpm + ppm > limit)
        {
            return $"thread {thread.Id}: utilization would reach {(UtilizationPpm + ppm) / 10_000}.{(UtilizationPpm + ppm) / 100 % 100:D2}% (max_utilization_percent {_maxUtilizationPercent.Value})";
        }

        return null;
    }

    /// <summary>
    /// Brings the thread's job up to date at <paramref name="nowNs"/>: the first call anchors
    /// the period grid at now; a call at or after the job's deadline jumps, in one division
    /// rather than a loop, to the job of the period containing now, with a full budget.
    /// </summary>
    private static void AdvanceJob(SchedThread thread, SchedNode node, ulong nowNs)
    {
        if (!node.JobStarted)
        {
            node.JobStarted = true;
            node.ReleaseNs = nowNs;
        }
        else if (nowNs >= node.DeadlineNs)
        {
            ulong periods = (nowNs - node.ReleaseNs) / node.PeriodNs;
            node.ReleaseNs += periods * node.PeriodNs;
        }
        else
        {
            return;
        }

        // Saturating, so that an enormous admitted period cannot wrap the deadline to the past.
        ulong deadline = node.ReleaseNs + node.PeriodNs;
        node.DeadlineNs = deadline < node.ReleaseNs ? ulong.MaxValue : deadline;
        node.RemainingNs = node.BudgetNs;
        node.MissCounted = false;
        thread.DeadlineNs = node.DeadlineNs;
    }

    /// <summary>Counts the current job's miss once, however many places notice it.</summary>
    private void CountMiss(SchedNode node)
    {
        if (node.MissCounted)
        {
            return;
        }

        node.MissCounted = true;
        node.DeadlineMisses++;
        DeadlineMisses++;
    }

    /// <summary>Puts the thread into <paramref name="heap"/> and marks it held. The heaps hold
    /// at least as many slots as admitted threads, so the push cannot fail unless the kernel
    /// broke the contract; then the thread is left unheld and false returned.</summary>
    private bool Hold(SchedThread thread, SchedNode node, DeadlineHeap heap, bool throttled)
    {
        if (!heap.Push(thread, node))
        {
            return false;
        }

        node.Owner = this;
        node.Throttled = throttled;
        return true;
    }
}

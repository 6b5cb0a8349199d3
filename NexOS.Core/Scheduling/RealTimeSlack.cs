namespace NexOS.Core.Scheduling;

/// <summary>
/// How long the processor can be taken away from a real-time thread, starting now, before the
/// thread can no longer meet a deadline. A stop-the-world pause (a garbage collection) asks
/// this first, so that it starts where the reservations leave room instead of just before a
/// release. Deadlines are implicit (a job's deadline is its release plus the period), and a
/// job is assumed to need its whole budget, whatever it has used already: the answer errs
/// towards less slack.
/// </summary>
public static class RealTimeSlack
{
    /// <summary>
    /// The slack of <paramref name="thread"/> at <paramref name="nowNs"/>, in ns;
    /// <see cref="ulong.MaxValue"/> for a thread without a reservation or one that has exited.
    /// <paramref name="wakeAtNs"/> is when a blocked thread's timer will wake it, or 0 when it
    /// has none (it may then be woken at any moment, as if its next job were released now).
    /// Pure and allocation-free: the allocator calls it with interrupts off.
    /// </summary>
    public static ulong Of(SchedThread thread, ulong wakeAtNs, ulong nowNs)
    {
        if (thread.Class != SchedClass.RealTime || thread.PeriodNs == 0 || thread.State == ThreadState.Exited)
        {
            return ulong.MaxValue;
        }

        ulong budget = Math.Min(thread.BudgetNs, thread.PeriodNs);

        // A job released now must start within this much time.
        ulong releasedNow = thread.PeriodNs - budget;
        switch (thread.State)
        {
            case ThreadState.Runnable:
            case ThreadState.Running:
                // In its current job: it must get its budget before the job's deadline. A
                // deadline already passed means the next job is due, released now.
                return thread.DeadlineNs > nowNs ? SubtractOrZero(thread.DeadlineNs - nowNs, budget) : releasedNow;
            case ThreadState.Blocked when wakeAtNs > nowNs:
                return AddSaturating(wakeAtNs - nowNs, releasedNow);
            default:
                return releasedNow;
        }
    }

    private static ulong SubtractOrZero(ulong a, ulong b) => a > b ? a - b : 0;

    private static ulong AddSaturating(ulong a, ulong b) => a + b < a ? ulong.MaxValue : a + b;
}

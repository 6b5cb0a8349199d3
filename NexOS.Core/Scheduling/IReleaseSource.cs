namespace NexOS.Core.Scheduling;

/// <summary>
/// A policy that holds runnable threads back until a point in time (real-time threads throttled
/// until their next period) and so needs the kernel's timer. The kernel programs its one-shot
/// timer for the earlier of the running thread's slice end and <see cref="NextReleaseNs"/>, and
/// calls <see cref="ReleaseDue"/> from the timer interrupt. Both members run with interrupts off
/// and neither allocates nor throws. It is a separate interface, not part of
/// <see cref="ISchedulerPolicy"/>, because most policies never hold a thread back.
/// </summary>
public interface IReleaseSource
{
    /// <summary>When the earliest held-back thread becomes runnable, or <see cref="ulong.MaxValue"/>
    /// when none is held back.</summary>
    ulong NextReleaseNs { get; }

    /// <summary>Makes every held-back thread whose release time is at or before
    /// <paramref name="nowNs"/> runnable. Returns true when one of them should preempt
    /// <paramref name="current"/> (null: the CPU is idle) at once.</summary>
    bool ReleaseDue(ulong nowNs, SchedThread? current);
}

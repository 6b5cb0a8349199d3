using NexOS.Core.Policy;

namespace NexOS.Core.Scheduling;

/// <summary>
/// The decisions of a scheduler, apart from its mechanism (context switches, timers, locks).
/// The kernel calls these with interrupts off on the scheduling CPU; implementations must not
/// block, throw or allocate once running (allocate in <see cref="Add"/>'s first call for a
/// thread at most). Swapping the policy at run time moves every runnable thread from the old
/// policy to the new one with <see cref="Remove"/> and <see cref="Add"/>.
/// </summary>
public interface ISchedulerPolicy
{
    /// <summary>A short name for `sched` output ("priority", "adaptive", ...).</summary>
    string Name { get; }

    /// <summary>The tunables, named, typed and range-checked.</summary>
    ParameterSet Parameters { get; }

    /// <summary>Number of runnable threads this policy holds (not counting the running one).</summary>
    int RunnableCount { get; }

    /// <summary>Wake-up placement: <paramref name="thread"/> became runnable (new, woken or
    /// preempted). Returns true when it should preempt <paramref name="current"/> at once.</summary>
    bool Add(SchedThread thread, SchedThread? current, ulong nowNs);

    /// <summary>Takes a runnable thread out (it blocked, exited or changes policy).
    /// Returns false when the policy does not hold it.</summary>
    bool Remove(SchedThread thread);

    /// <summary>Chooses and dequeues the next thread to run, or null when none is runnable.</summary>
    SchedThread? PickNext(ulong nowNs);

    /// <summary>How long <paramref name="thread"/> may run before the timer preempts it.</summary>
    ulong TimeSlice(SchedThread thread, ulong nowNs);

    /// <summary>Priority adjustment: <paramref name="thread"/> stopped running after
    /// <paramref name="ranNs"/> for <paramref name="reason"/>.</summary>
    void OnStop(SchedThread thread, StopReason reason, ulong ranNs, ulong nowNs);
}

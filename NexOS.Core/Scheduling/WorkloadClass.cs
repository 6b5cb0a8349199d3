namespace NexOS.Core.Scheduling;

/// <summary>How a thread's waits are counted: as an I/O-bound (interactive) or a CPU-bound thread.</summary>
public enum WorkloadClass : byte
{
    /// <summary>Not declared: classified by <see cref="SchedThread.InteractivityScore"/>.</summary>
    Unknown = 0,

    /// <summary>Short CPU bursts between waits for a device, a timer or a message.</summary>
    Io = 1,

    /// <summary>Wants the CPU all the time (batch work).</summary>
    Cpu = 2,
}

/// <summary>
/// Classifies threads for the per-class wait metrics. A thread may declare its class (as a
/// batch job or a device thread does, like SCHED_BATCH on Linux); otherwise a thread whose
/// recent turns mostly ended by blocking (interactivity score 50 or more) counts as I/O-bound.
/// The declaration wins because the score is itself an output of the policy under test: a
/// policy change must not be able to improve the I/O metric by reclassifying threads.
/// </summary>
public static class WorkloadClasses
{
    /// <summary>Interactivity score from which an undeclared thread counts as I/O-bound.</summary>
    public const int IoScoreThreshold = 50;

    /// <summary>True when <paramref name="thread"/> counts as I/O-bound. Allocation-free.</summary>
    public static bool IsIo(SchedThread thread) =>
        thread.Workload == WorkloadClass.Io
        || (thread.Workload == WorkloadClass.Unknown && thread.InteractivityScore >= IoScoreThreshold);
}

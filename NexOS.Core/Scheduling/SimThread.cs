namespace NexOS.Core.Scheduling;

/// <summary>The synthetic workloads <see cref="SchedulerSimulator"/> can run.</summary>
public enum SimBehaviorKind
{
    /// <summary>Always wants the CPU; stops only when preempted or its slice ends.</summary>
    CpuBound,

    /// <summary>Computes for a fixed time, then blocks (waits for I/O) for a fixed time, forever.</summary>
    IoBound,

    /// <summary>A periodic real-time job: a fixed amount of work released every period, due by
    /// the next release; the thread blocks between jobs.</summary>
    Periodic,
}

/// <summary>What a simulated thread does. Immutable; build one with the factory methods.</summary>
public sealed class SimBehavior
{
    private SimBehavior(SimBehaviorKind kind, ulong runNs, ulong blockNs, ulong periodNs)
    {
        Kind = kind;
        RunNs = runNs;
        BlockNs = blockNs;
        PeriodNs = periodNs;
    }

    public SimBehaviorKind Kind { get; }

    /// <summary>CPU time per burst (I/O-bound) or per job (periodic).</summary>
    public ulong RunNs { get; }

    /// <summary>Blocked time after each burst (I/O-bound only).</summary>
    public ulong BlockNs { get; }

    /// <summary>Release interval of the jobs (periodic only).</summary>
    public ulong PeriodNs { get; }

    /// <summary>A thread that never blocks.</summary>
    public static SimBehavior CpuBound() => new(SimBehaviorKind.CpuBound, ulong.MaxValue, 0, 0);

    /// <summary>A thread that runs <paramref name="runNs"/> then blocks <paramref name="blockNs"/>,
    /// repeatedly (both at least 1 ns).</summary>
    public static SimBehavior IoBound(ulong runNs, ulong blockNs) =>
        new(SimBehaviorKind.IoBound, Math.Max(runNs, 1), Math.Max(blockNs, 1), 0);

    /// <summary>A job of <paramref name="workNs"/> CPU time every <paramref name="periodNs"/>
    /// (work at least 1 ns, period at least the work).</summary>
    public static SimBehavior Periodic(ulong workNs, ulong periodNs) =>
        new(SimBehaviorKind.Periodic, Math.Max(workNs, 1), 0, Math.Max(periodNs, Math.Max(workNs, 1)));
}

/// <summary>
/// One simulated thread: its <see cref="SchedThread"/> (whose accounting fields the simulator
/// keeps exactly as the kernel would: CPU time, wait, blocked time, switches), its behaviour,
/// and what only a simulation knows: wake-up latencies and, for periodic threads, jobs finished
/// and deadlines missed as the workload itself sees them (independent of the policy's own count).
/// </summary>
public sealed class SimThread
{
    internal SimThread(SchedThread thread, SimBehavior behavior, ulong startNs)
    {
        Thread = thread;
        Behavior = behavior;
        StartNs = startNs;
        WakeAtNs = startNs;
    }

    public SchedThread Thread { get; }

    public SimBehavior Behavior { get; }

    /// <summary>When the thread first becomes runnable.</summary>
    public ulong StartNs { get; }

    /// <summary>Times the thread woke from a block (its first start not counted).</summary>
    public ulong Wakeups { get; internal set; }

    /// <summary>Wake-ups whose latency has been measured (the thread ran after them).</summary>
    public ulong LatencySamples { get; internal set; }

    /// <summary>Sum of the times from waking to running.</summary>
    public ulong TotalWakeLatencyNs { get; internal set; }

    /// <summary>Longest time from waking to running.</summary>
    public ulong MaxWakeLatencyNs { get; internal set; }

    /// <summary>Mean time from waking to running, or 0 without samples.</summary>
    public ulong AverageWakeLatencyNs => LatencySamples == 0 ? 0 : TotalWakeLatencyNs / LatencySamples;

    /// <summary>CPU time spent on switches into this thread (see <see cref="SchedulerSimulator.SwitchCostNs"/>).</summary>
    public ulong OverheadNs { get; internal set; }

    /// <summary>CPU time that did the thread's work: its CPU time less the switch overhead.</summary>
    public ulong UsefulCpuNs => Thread.CpuTimeNs - OverheadNs;

    /// <summary>Periodic jobs finished.</summary>
    public ulong JobsCompleted { get; internal set; }

    /// <summary>Periodic jobs finished after their deadline, or unfinished when it passed.</summary>
    public ulong DeadlineMisses { get; internal set; }

    /// <summary>CPU time the current burst or job still needs (<see cref="ulong.MaxValue"/>: forever).</summary>
    internal ulong RemainingNs { get; set; }

    /// <summary>When a blocked (or not yet started) thread wakes; <see cref="ulong.MaxValue"/> otherwise.</summary>
    internal ulong WakeAtNs { get; set; }

    /// <summary>Release time of the current periodic job.</summary>
    internal ulong JobReleaseNs { get; set; }

    /// <summary>True once the current job's miss has been counted.</summary>
    internal bool JobMissCounted { get; set; }

    /// <summary>True between a wake-up and the next time the thread runs.</summary>
    internal bool LatencyPending { get; set; }

    /// <summary>True once the thread has started.</summary>
    internal bool Started { get; set; }

    /// <summary>The thread wakes (or starts): its next burst or job begins, released at the
    /// time it was due to wake.</summary>
    internal void BeginBurst()
    {
        Started = true;
        RemainingNs = Behavior.RunNs;
        JobReleaseNs = WakeAtNs;
        JobMissCounted = false;
        WakeAtNs = ulong.MaxValue;
    }

    /// <summary>The burst or job is done at <paramref name="nowNs"/>: counts a periodic job
    /// (late when past its deadline) and decides when the thread wakes again. A late job's
    /// successor is already released, so the thread then wakes at once (a backlog).</summary>
    internal void FinishBurst(ulong nowNs)
    {
        if (Behavior.Kind != SimBehaviorKind.Periodic)
        {
            WakeAtNs = nowNs + Behavior.BlockNs;
            return;
        }

        JobsCompleted++;
        ulong deadline = JobReleaseNs + Behavior.PeriodNs;
        if (nowNs > deadline && !JobMissCounted)
        {
            DeadlineMisses++;
        }

        WakeAtNs = deadline;
    }

    /// <summary>Counts the current periodic job as missed when it is still unfinished and its
    /// deadline lies before <paramref name="nowNs"/> (once per job).</summary>
    internal void CountOverdueJob(ulong nowNs)
    {
        bool unfinished = Started && WakeAtNs == ulong.MaxValue;
        if (Behavior.Kind == SimBehaviorKind.Periodic && unfinished && !JobMissCounted
            && JobReleaseNs + Behavior.PeriodNs < nowNs)
        {
            JobMissCounted = true;
            DeadlineMisses++;
        }
    }

    public override string ToString() =>
        $"{Thread.Name}: cpu {Thread.CpuTimeNs} ns, wait {Thread.RunnableWaitNs} ns, switches {Thread.Switches}, " +
        $"wake latency avg {AverageWakeLatencyNs} ns max {MaxWakeLatencyNs} ns, jobs {JobsCompleted}, misses {DeadlineMisses}";
}

using NexOS.Abi;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Metrics;
using NexOS.Kernel.Processes;
using NexOS.Kernel.Threading;
using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Syscalls;

/// <summary>
/// SchedulerSet and PeriodWait: how a program's thread asks to be scheduled. It may only give
/// something up (drop to the background priority) or ask for a real-time reservation that
/// admission control bounds, so no program can take the processor from the services above it
/// beyond the share the real-time class is allowed. The kernel keeps a real-time thread's
/// release grid and records its lateness and misses in rt.lateness_ns and rt.deadline_misses,
/// the same metrics its own real-time workload feeds.
/// </summary>
internal static class SyscallScheduling
{
    public static long Set(KernelThread me, ulong request, ulong a, ulong b)
    {
        switch ((SchedulerRequest)request)
        {
            case SchedulerRequest.Background:
                Scheduler.LowerPriority(ProcessTable.DefaultPriority);
                return 0;
            case SchedulerRequest.RealTime:
                return EnterRealTime(me, a, b);
            default:
                return SyscallResult.Fail(SyscallStatus.BadArgument);
        }
    }

    /// <summary>Ends the running job (counting a miss if it overran) and sleeps until the
    /// next release; records how late the new job starts. Returns the jobs missed.</summary>
    public static long PeriodWait(KernelThread me)
    {
        if (!me.Periodic.IsSet)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        ulong missed = me.Periodic.End(Tsc.NowNs);
        if (missed != 0)
        {
            _ = KernelMetrics.RealTimeMisses.Add((long)missed);
        }

        Scheduler.SleepUntil(me.Periodic.ReleaseNs);
        if (me.KillRequested)
        {
            return 0; // woken to end: no job starts
        }

        KernelMetrics.RealTimeLateness.Record(me.Periodic.Start(Tsc.NowNs));
        return (long)missed;
    }

    private static long EnterRealTime(KernelThread me, ulong periodNs, ulong budgetNs)
    {
        if (periodNs < UserAbi.MinRealTimePeriodNs || periodNs > UserAbi.MaxRealTimePeriodNs
            || budgetNs < UserAbi.MinRealTimeBudgetNs || budgetNs > periodNs || me.Periodic.IsSet)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        if (!Scheduler.TryEnterRealTime(periodNs, budgetNs, out string? error))
        {
            KernelLog.WriteLine($"SchedulerSet: real-time reservation refused for thread {me.Id} ({me.Name}): {error}");
            return SyscallResult.Fail(SyscallStatus.LimitReached);
        }

        me.Periodic.Begin(Tsc.NowNs, periodNs);
        return 0;
    }
}

using NexOS.Core.Metrics;
using NexOS.Core.Scheduling;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Metrics;
using NexOS.Kernel.Threading;

namespace NexOS.Kernel.Workloads;

/// <summary>
/// Kernel-thread workloads the kernel's own benchmarks need (`bench`: the real-time lateness
/// benchmark under CPU load; `ipc group`: CPU load beside an IPC pair). They measure the
/// scheduler from inside the kernel, without system calls in the way, and so stay kernel
/// threads. The workloads a person starts with `spawn` are user programs (`user/work`).
/// </summary>
internal static class KernelWorkloads
{
    /// <summary>CPU-bound: busy arithmetic until killed; preempted only by the timer.</summary>
    public static void Cpu()
    {
        KernelThread me = Scheduler.Current;
        ulong x = (ulong)me.Id;
        while (!me.KillRequested)
        {
            for (int i = 0; i < 10_000; i++)
            {
                x = (x * 6364136223846793005UL) + 1442695040888963407UL;
            }
        }
    }

    /// <summary>A periodic real-time task: each period it wakes at its release time, records
    /// how late it started, and busies itself for <paramref name="workNs"/>; misses are counted
    /// as <see cref="PeriodicJob"/> defines them. Runs <paramref name="periods"/> times, or until
    /// killed when that is 0.</summary>
    public static void RealTime(ulong periodNs, ulong workNs, int periods, LatencyHistogram lateness)
    {
        KernelThread me = Scheduler.Current;
        var job = default(PeriodicJob);
        job.Begin(Tsc.NowNs, periodNs);
        for (int n = 0; (periods == 0 || n < periods) && !me.KillRequested; n++)
        {
            Scheduler.SleepUntil(job.ReleaseNs);
            ulong start = Tsc.NowNs;
            ulong late = job.Start(start);
            lateness.Record(late);
            KernelMetrics.RealTimeLateness.Record(late);
            while (Tsc.NowNs - start < workNs)
            {
            }

            ulong missed = job.End(Tsc.NowNs);
            if (missed != 0)
            {
                _ = KernelMetrics.RealTimeMisses.Add((long)missed);
            }
        }
    }

    /// <summary>Runs <see cref="RealTime"/> in an admitted real-time thread and waits for it.</summary>
    public static LatencyHistogram RunPeriodic(int periods, ulong periodNs, ulong workNs, out string? error)
    {
        var lateness = new LatencyHistogram("rt_lateness", "ns", "");
        KernelThread? t = Scheduler.SpawnRealTime("rt-periodic", () => RealTime(periodNs, workNs, periods, lateness), periodNs, workNs * 2, out error);
        if (t != null)
        {
            Scheduler.Join(t);
        }

        return lateness;
    }
}

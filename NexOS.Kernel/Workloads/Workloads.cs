using NexOS.Core.Metrics;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Metrics;
using NexOS.Kernel.Threading;

namespace NexOS.Kernel.Workloads;

/// <summary>Built-in workloads for `spawn`. Each runs until `kill` asks it to stop.</summary>
internal static class KernelWorkloads
{
    /// <summary>CPU-bound: busy arithmetic; preempted only by the timer.</summary>
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

    /// <summary>I/O-bound: short bursts of work between 1-4 ms sleeps, like a thread waiting
    /// on a device.</summary>
    public static void Io()
    {
        KernelThread me = Scheduler.Current;
        ulong x = (ulong)me.Id + 1;
        while (!me.KillRequested)
        {
            for (int i = 0; i < 500; i++)
            {
                x = (x * 6364136223846793005UL) + 1442695040888963407UL;
            }

            Scheduler.Sleep(1_000_000 * (1 + (x >> 62)));
        }
    }

    /// <summary>A periodic real-time task: each period it wakes at its release time, records
    /// how late it started, and does a little work; a job that ends after the next release
    /// counts a miss, and releases whose deadlines passed before it could start count as
    /// missed jobs and are skipped. Runs <paramref name="periods"/> times, or until killed when
    /// that is 0.</summary>
    public static void RealTime(ulong periodNs, ulong workNs, int periods, LatencyHistogram lateness)
    {
        KernelThread me = Scheduler.Current;
        ulong release = Tsc.NowNs + periodNs;
        for (int n = 0; (periods == 0 || n < periods) && !me.KillRequested; n++)
        {
            Scheduler.SleepUntil(release);
            ulong start = Tsc.NowNs;
            ulong late = start > release ? start - release : 0;
            lateness.Record(late);
            KernelMetrics.RealTimeLateness.Record(late);
            while (Tsc.NowNs - start < workNs)
            {
            }

            ulong end = Tsc.NowNs;
            if (end > release + periodNs)
            {
                KernelMetrics.RealTimeMisses.Increment();
            }

            // A job whose deadline has already passed is not run late; it is missed, and the
            // task goes on with the next release still ahead (as cyclictest does), so one long
            // stall does not make every later job late.
            release += periodNs;
            if (end >= release + periodNs)
            {
                ulong skipped = (end - release) / periodNs;
                _ = KernelMetrics.RealTimeMisses.Add((long)skipped);
                release += skipped * periodNs;
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

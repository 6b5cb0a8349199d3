using System.Threading;
using NexOS.Core.Metrics;
using NexOS.Core.Scheduling;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Threading;
using NexOS.Kernel.Workloads;
using NexOS.Kernel.Memory;
using NexOS.Kernel.Metrics;

namespace NexOS.Kernel.Benchmarks;

/// <summary>
/// Microbenchmarks of the kernel's mechanisms, each printed as one JSON object per line:
/// {"bench":"...","unit":"ns","median":...,"p99":...,"n":...}. Figures are measured, never
/// judged: nothing here passes or fails on a timing.
/// </summary>
internal static class KernelBenchmarks
{
    private const ulong Millisecond = 1_000_000;

    public static void RunAll(Action<string> writeLine)
    {
        writeLine(ContextSwitch());
        writeLine(IpcRoundTrip());
        writeLine(SmallAllocation());
        writeLine(GcPause());
        writeLine(PageAllocation());
        writeLine(TimerLatency());
        writeLine(RealTimeLateness());
    }

    /// <summary>Two top-priority threads yield to each other; half a round trip is one switch.</summary>
    public static string ContextSwitch()
    {
        const int rounds = 2000;
        var histogram = new LatencyHistogram("ctx_switch", "ns", "");
        bool ready = false;
        KernelThread partner = Scheduler.Spawn("bench-partner", () =>
        {
            for (int i = 0; i < rounds && !Volatile.Read(ref ready); i++)
            {
                Scheduler.Yield();
            }

            for (int i = 0; i < rounds; i++)
            {
                Scheduler.Yield();
            }
        }, SchedClass.Normal, SchedThread.MaxPriority);
        KernelThread measurer = Scheduler.Spawn("bench-switch", () =>
        {
            Volatile.Write(ref ready, true);
            for (int i = 0; i < rounds; i++)
            {
                ulong start = Tsc.NowNs;
                Scheduler.Yield();
                histogram.Record((Tsc.NowNs - start) / 2);
            }
        }, SchedClass.Normal, SchedThread.MaxPriority);
        Scheduler.Join(measurer);
        Scheduler.Join(partner);
        return Json("ctx_switch", histogram);
    }

    /// <summary>Call/reply round trips between two threads over one endpoint.</summary>
    public static string IpcRoundTrip()
    {
        var histogram = new LatencyHistogram("ipc_roundtrip", "ns", "");
        var pair = new Workloads.PingPong("bench-ipc", 2000, histogram);
        IpcDiagnostics before = IpcDiagnostics.Now();
        pair.Start();
        Scheduler.Join(pair.Client);
        Scheduler.Join(pair.Server);
        IpcDiagnostics delta = IpcDiagnostics.Now().Since(before);
        if (pair.Errors != 0)
        {
            return $"{{\"bench\":\"ipc_roundtrip\",\"error\":\"{pair.Errors} bad replies\"}}";
        }

        string json = Json("ipc_roundtrip", histogram);
        return json[..^1] + $",\"p10\":{histogram.Percentile(10)},\"p90\":{histogram.Percentile(90)},{delta}}}";
    }

    /// <summary>Scheduler and interrupt counters around a benchmark, to explain its figure:
    /// what the CPU did besides the work measured.</summary>
    private readonly record struct IpcDiagnostics(ulong Switches, ulong HandOffs, ulong Idle, ulong IdleNs, ulong Expiries,
        ulong Preemptions, ulong Irqs, ulong TimerIrqs, int Collections, ulong Fast, ulong Refused, ulong Arms, ulong ArmsSkipped)
    {
        /// <summary>Reads the counters now. They are read one by one, interrupts on: a switch
        /// between two reads shifts one count by one, nothing worse.</summary>
        public static IpcDiagnostics Now() => new(Scheduler.Switches, Scheduler.HandOffSwitches, Scheduler.IdleSwitches,
            Scheduler.IdleCpuNs, Scheduler.SliceExpiries, Scheduler.Preemptions, (ulong)KernelMetrics.Interrupts.Value,
            (ulong)KernelMetrics.TimerInterrupts.Value, Runtime.Gc.GcStatistics.Collections, Scheduler.FastPath.Taken,
            Scheduler.FastPath.TotalRefusals, Scheduler.TimerArms, Scheduler.TimerArmsSkipped);

        /// <summary>The counts since <paramref name="b"/> was read.</summary>
        public IpcDiagnostics Since(IpcDiagnostics b) => new(Switches - b.Switches, HandOffs - b.HandOffs, Idle - b.Idle,
            IdleNs - b.IdleNs, Expiries - b.Expiries, Preemptions - b.Preemptions, Irqs - b.Irqs, TimerIrqs - b.TimerIrqs,
            Collections - b.Collections, Fast - b.Fast, Refused - b.Refused, Arms - b.Arms, ArmsSkipped - b.ArmsSkipped);

        /// <summary>The counts as JSON members, to append to a benchmark's line.</summary>
        public override string ToString() =>
            $"\"switches\":{Switches},\"handoffs\":{HandOffs},\"idle_switches\":{Idle},\"idle_ns\":{IdleNs},\"slice_expiries\":{Expiries},\"preemptions\":{Preemptions},\"irqs\":{Irqs},\"timer_irqs\":{TimerIrqs},\"gcs\":{Collections},\"fast\":{Fast},\"fast_refused\":{Refused},\"timer_arms\":{Arms},\"timer_arms_skipped\":{ArmsSkipped}";
    }

    /// <summary>Allocation of a small object (24 bytes), timed in batches of 100.</summary>
    public static string SmallAllocation()
    {
        const int batches = 1000;
        const int perBatch = 100;
        var histogram = new LatencyHistogram("alloc_small", "ns", "");
        object? keep = null;
        for (int b = 0; b < batches; b++)
        {
            ulong start = Tsc.NowNs;
            for (int i = 0; i < perBatch; i++)
            {
                keep = new object();
            }

            histogram.Record((Tsc.NowNs - start) / perBatch);
        }

        GC.KeepAlive(keep);
        return Json("alloc_small", histogram);
    }

    /// <summary>Full collections over a live heap of 20,000 small objects (a linked list of
    /// nodes holding strings, about 1.3 MiB), the rest of the heap being garbage.</summary>
    public static string GcPause()
    {
        var histogram = new LatencyHistogram("gc_pause", "ns", "");
        object[]? head = null;
        for (int i = 0; i < 20_000; i++)
        {
            head = new object[] { head!, i.ToString() };
        }

        for (int run = 0; run < 20; run++)
        {
            for (int i = 0; i < 2000; i++)
            {
                _ = new byte[64];
            }

            GC.Collect();
            histogram.Record(Runtime.Gc.GcStatistics.LastPauseNs);
        }

        GC.KeepAlive(head);
        return Json("gc_pause", histogram);
    }

    /// <summary>Allocating and freeing one 4 KiB page frame.</summary>
    public static string PageAllocation()
    {
        const int rounds = 2000;
        var histogram = new LatencyHistogram("page_alloc", "ns", "");
        for (int i = 0; i < rounds; i++)
        {
            ulong start = Tsc.NowNs;
            bool ok = PhysicalMemory.TryAllocate(0, out NexOS.Core.Memory.PhysAddr frame);
            ulong elapsed = Tsc.NowNs - start;
            if (!ok)
            {
                break;
            }

            PhysicalMemory.Free(frame, 0);
            histogram.Record(elapsed);
        }

        return Json("page_alloc", histogram);
    }

    /// <summary>Time from a timer's programmed deadline to its interrupt handler, over 200
    /// one-millisecond sleeps.</summary>
    public static string TimerLatency()
    {
        KernelMetrics.TimerLatency.Reset();
        for (int i = 0; i < 200; i++)
        {
            Scheduler.Sleep(Millisecond);
        }

        return Json("timer_latency", KernelMetrics.TimerLatency);
    }

    /// <summary>Lateness of a periodic real-time task (2 ms period, 0.2 ms budget) while two
    /// CPU-bound threads compete for the CPU.</summary>
    public static string RealTimeLateness()
    {
        var load = new List<KernelThread>
        {
            Scheduler.Spawn("bench-load-0", KernelWorkloads.Cpu),
            Scheduler.Spawn("bench-load-1", KernelWorkloads.Cpu),
        };
        LatencyHistogram lateness = KernelWorkloads.RunPeriodic(200, 2 * Millisecond, 200_000, out string? error);
        foreach (KernelThread t in load)
        {
            t.KillRequested = true;
            Scheduler.Join(t);
        }

        return error != null ? $"{{\"bench\":\"rt_lateness\",\"error\":\"{error}\"}}" : Json("rt_lateness", lateness);
    }

    private static string Json(string name, LatencyHistogram h) =>
        $"{{\"bench\":\"{name}\",\"unit\":\"ns\",\"median\":{h.Percentile(50)},\"p99\":{h.Percentile(99)},\"mean\":{(ulong)h.Mean},\"max\":{h.Max},\"n\":{h.Count}}}";
}

using NexOS.Core.Metrics;
using NexOS.Core.Scheduling;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Metrics;
using NexOS.Kernel.Benchmarks;
using NexOS.Kernel.Threading;

namespace NexOS.Kernel.Demos;

/// <summary>One measured phase: medians over its windows.</summary>
internal readonly struct DemoPhase
{
    public double IoWaitMeanNs { get; init; }

    public double IoWaitP50Ns { get; init; }

    public double IoWaitP99Ns { get; init; }

    public double UnitsPerSecond { get; init; }

    public long IoWaits { get; init; }

    public double SwitchesPerSecond { get; init; }

    /// <summary>Work units per second divided by the speed probe's iterations per microsecond
    /// in the same windows: throughput with the emulator's host-dependent speed taken out.</summary>
    public double NormalizedUnits { get; init; }

    /// <summary>Speed probe: LCG iterations per microsecond with interrupts off (median of windows).</summary>
    public double ProbeSpeed { get; init; }

    /// <summary>Share of the CPU the CPU-bound class got (median of windows).</summary>
    public double CpuShare { get; init; }

    public double EvolveCpuPercent { get; init; }

    public string Json(string phase) =>
        $"{{\"scenario\":\"scheduler\",\"phase\":\"{phase}\",\"io_wait_ns_mean\":{IoWaitMeanNs:F0},\"io_wait_ns_p50\":{IoWaitP50Ns:F0},\"io_wait_ns_p99\":{IoWaitP99Ns:F0},\"io_waits\":{IoWaits},\"cpu_units_per_s\":{UnitsPerSecond:F0},\"probe_iterations_per_us\":{ProbeSpeed:F2},\"cpu_units_normalized\":{NormalizedUnits:F0},\"cpu_share\":{CpuShare:F4},\"switches_per_s\":{SwitchesPerSecond:F0},\"evolve_cpu_percent\":{EvolveCpuPercent:F2}}}";
}

/// <summary>
/// The scheduler demo's threads and measurements: I/O-bound threads that wake on a periodic
/// timer (as a device thread wakes for its device's interrupt, at the device's pace, not at
/// the pace it is served: a faster scheduler does not create more I/O work), do a short burst
/// and wait for the next period (a period that has already passed is skipped, as a late
/// reader skips a lost sample), and CPU-bound threads that
/// count work units without pause, all normal class at priority 16, declared by class so that
/// the wait metrics cannot be gamed by a policy that reclassifies threads.
/// </summary>
internal sealed class SchedulerDemoWorkload
{
    public const int IoThreads = 4;
    public const int CpuThreads = 6;
    public const ulong IoPeriodNs = 100_000_000;
    private const int IoBurstIterations = 300;
    private const int UnitIterations = 2_000;
    private const int ProbeIterations = 20_000;
    private const int ProbesPerWindow = 10;
    private readonly List<KernelThread> _threads = new();

    /// <summary>Starts every thread.</summary>
    public void Start()
    {
        ulong now = Tsc.NowNs;
        for (int i = 0; i < IoThreads; i++)
        {
            ulong first = now + IoPeriodNs + (IoPeriodNs * (ulong)i / IoThreads);
            Spawn("demo-io", () => Io(first), WorkloadClass.Io);
        }

        for (int i = 0; i < CpuThreads; i++)
        {
            Spawn("demo-cpu", Cpu, WorkloadClass.Cpu);
        }
    }

    /// <summary>Asks every thread to stop and waits until each has exited.</summary>
    public int Stop()
    {
        foreach (KernelThread t in _threads)
        {
            t.KillRequested = true;
        }

        foreach (KernelThread t in _threads)
        {
            Scheduler.Join(t);
        }

        return _threads.Count;
    }

    /// <summary>
    /// Measures <paramref name="windows"/> windows of <paramref name="windowNs"/> each: per
    /// window the I/O-bound wait histogram's new samples (mean, p50, p99) and the work units
    /// per second; returns the median of each over the windows (a window disturbed by the
    /// emulator's host counts once, not in proportion to how badly).
    /// </summary>
    public static DemoPhase Measure(int windows, ulong windowNs, KernelThread? evolve)
    {
        long switches0 = KernelMetrics.ContextSwitches.Value;
        ulong evolve0 = evolve?.Sched.CpuTimeNs ?? 0;
        ulong start = Tsc.NowNs;
        SchedulerClassMetrics m = KernelMetrics.SchedClasses;
        var before = new long[LatencyHistogram.BucketCount];
        var after = new long[LatencyHistogram.BucketCount];
        var mean = new double[windows];
        var p50 = new double[windows];
        var p99 = new double[windows];
        var units = new double[windows];
        var normalized = new double[windows];
        var speeds = new double[windows];
        var shares = new double[windows];
        long waits = 0;
        for (int w = 0; w < windows; w++)
        {
            m.IoWait.CopyBucketsTo(before);
            ulong sum0 = m.IoWait.Sum;
            long units0 = m.WorkUnits.Value;
            long cpu0 = m.CpuRun.Value;
            ulong t0 = Tsc.NowNs;
            double speed = 0;
            for (int p = 0; p < ProbesPerWindow; p++)
            {
                Scheduler.Sleep(windowNs / ProbesPerWindow);
                speed += Probe() / ProbesPerWindow;
            }

            m.IoWait.CopyBucketsTo(after);
            ulong sum1 = m.IoWait.Sum;
            long units1 = m.WorkUnits.Value;
            ulong t1 = Tsc.NowNs;
            long count = 0;
            for (int i = 0; i < after.Length; i++)
            {
                after[i] -= before[i];
                count += after[i];
            }

            waits += count;
            mean[w] = count == 0 ? 0 : (double)(sum1 - sum0) / count;
            p50[w] = LatencyHistogram.PercentileOfBuckets(after, 50);
            p99[w] = LatencyHistogram.PercentileOfBuckets(after, 99);
            units[w] = (units1 - units0) * 1e9 / (t1 - t0);
            speeds[w] = speed;
            normalized[w] = speed > 0 ? units[w] / speed : 0;
            shares[w] = (m.CpuRun.Value - cpu0) / (double)(t1 - t0);
        }

        double seconds = (Tsc.NowNs - start) / 1e9;
        return new DemoPhase
        {
            IoWaitMeanNs = Median(mean), IoWaitP50Ns = Median(p50), IoWaitP99Ns = Median(p99), UnitsPerSecond = Median(units), IoWaits = waits,
            NormalizedUnits = Median(normalized), ProbeSpeed = Median(speeds), CpuShare = Median(shares),
            SwitchesPerSecond = (KernelMetrics.ContextSwitches.Value - switches0) / seconds,
            EvolveCpuPercent = evolve == null ? 0 : (evolve.Sched.CpuTimeNs - evolve0) / 1e7 / seconds,
        };
    }

    /// <summary>Iterations per microsecond of a fixed loop with interrupts off: how fast the
    /// emulated CPU runs right now (under TCG it follows the host's load).</summary>
    private static double Probe()
    {
        ulong flags = InterruptState.Disable();
        ulong x = 1;
        ulong t0 = Tsc.NowNs;
        for (int i = 0; i < ProbeIterations; i++)
        {
            x = (x * 6364136223846793005UL) + 1442695040888963407UL;
        }

        ulong t1 = Tsc.NowNs;
        InterruptState.Restore(flags);
        return x == 42 || t1 <= t0 ? 0 : ProbeIterations * 1000.0 / (t1 - t0);
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        int n = values.Length;
        return n == 0 ? 0 : n % 2 == 1 ? values[n / 2] : (values[(n / 2) - 1] + values[n / 2]) / 2;
    }

    private void Spawn(string name, Action body, WorkloadClass workload)
    {
        var t = new KernelThread(name, body, SchedClass.Normal, 16);
        t.Sched.Workload = workload;
        _threads.Add(t);
        Scheduler.Start(t);
    }

    private static void Io(ulong first)
    {
        KernelThread me = Scheduler.Current;
        ulong x = (ulong)me.Id;
        ulong next = first;
        while (!me.KillRequested)
        {
            Scheduler.SleepUntil(next);
            for (int i = 0; i < IoBurstIterations; i++)
            {
                x = (x * 6364136223846793005UL) + 1442695040888963407UL;
            }

            next += IoPeriodNs;
            ulong now = Tsc.NowNs;
            if (next <= now)
            {
                next += ((now - next) / IoPeriodNs + 1) * IoPeriodNs;
            }
        }
    }

    private static void Cpu()
    {
        KernelThread me = Scheduler.Current;
        ulong x = (ulong)me.Id;
        Counter units = KernelMetrics.SchedClasses.WorkUnits;
        while (!me.KillRequested)
        {
            for (int i = 0; i < UnitIterations; i++)
            {
                x = (x * 6364136223846793005UL) + 1442695040888963407UL;
            }

            units.Increment();
        }

        // Keeps the arithmetic from being optimised away.
        if (x == 42)
        {
            units.Increment();
        }
    }
}

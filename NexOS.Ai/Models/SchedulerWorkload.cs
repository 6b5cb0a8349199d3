using NexOS.Ai.Engine;
using NexOS.Ai.Monitoring;
using NexOS.Core.Scheduling;

namespace NexOS.Ai.Models;

/// <summary>
/// The workload mix the scheduler serves, as a synthetic trace: so many I/O-bound threads
/// (a CPU burst, then a block) and so many CPU-bound threads (a burst, then a block, or never
/// blocking when <see cref="CpuBlockNs"/> is 0), plus what was measured alongside (wait by
/// class, throughput, run-queue length). <see cref="Read"/> derives it from the per-class
/// scheduler metrics; <see cref="AddTo"/> replays it in a <see cref="SchedulerSimulator"/>.
/// </summary>
public sealed class SchedulerWorkload
{
    /// <summary>Shortest burst or block a trace uses (a measured mean can round to nothing).</summary>
    public const ulong MinPhaseNs = 1_000;

    /// <summary>Most threads of one class a trace replays (keeps a shadow run cheap).</summary>
    public const int MaxThreads = 32;

    /// <summary>I/O-bound threads.</summary>
    public int IoThreads { get; init; }

    /// <summary>Mean CPU burst of an I/O-bound thread.</summary>
    public ulong IoBurstNs { get; init; }

    /// <summary>Mean block of an I/O-bound thread.</summary>
    public ulong IoBlockNs { get; init; }

    /// <summary>CPU-bound threads.</summary>
    public int CpuThreads { get; init; }

    /// <summary>Mean burst of a CPU-bound thread between blocks (ignored when it never blocks).</summary>
    public ulong CpuBurstNs { get; init; }

    /// <summary>Mean block of a CPU-bound thread; 0 when it never blocks.</summary>
    public ulong CpuBlockNs { get; init; }

    /// <summary>Measured: median over the window of the I/O-bound wait means, ns.</summary>
    public double IoWaitNs { get; init; }

    /// <summary>Measured: median over the window of the I/O-bound wait p99s, ns.</summary>
    public double IoWaitP99Ns { get; init; }

    /// <summary>Measured: median over the window of the CPU-bound wait means, ns.</summary>
    public double CpuWaitNs { get; init; }

    /// <summary>Measured: CPU-bound work units per second (window mean).</summary>
    public double WorkUnitsPerSecond { get; init; }

    /// <summary>Measured: runnable threads waiting (window mean).</summary>
    public double RunQueue { get; init; }

    /// <summary>True when both classes are present: only then can one class wait behind the other.</summary>
    public bool IsMixed => IoThreads > 0 && CpuThreads > 0;

    /// <summary>
    /// Reads the newest <paramref name="window"/> samples of the per-class metrics
    /// (sched.wait_ns.io/cpu, sched.run_ns.io/cpu, sched.blocks.io/cpu, sched.threads.io/cpu,
    /// sched.work_units, sched.runqueue). Null when they are missing or the window has fewer
    /// than <paramref name="minSamples"/> samples. Never throws on any values.
    /// </summary>
    public static SchedulerWorkload? Read(EngineSnapshot snapshot, int window, int minSamples)
    {
        WindowStatistics ioWait = snapshot.Statistics("sched.wait_ns.io.mean", window);
        // Only the readings whose median is used get full statistics; the rest need a mean.
        double ioEvents = snapshot.Mean("sched.wait_ns.io.events", window).Mean;
        WindowStatistics ioThreads = snapshot.Statistics("sched.threads.io", window);
        WindowStatistics cpuThreads = snapshot.Statistics("sched.threads.cpu", window);
        if (ioWait.Count < minSamples || ioThreads.Count < minSamples || cpuThreads.Count < minSamples)
        {
            return null;
        }

        int io = Math.Clamp((int)(ioThreads.P50 + 0.5), 0, MaxThreads);
        int cpu = Math.Clamp((int)(cpuThreads.P50 + 0.5), 0, MaxThreads);
        double ioRun = snapshot.Mean("sched.run_ns.io.rate", window).Mean;
        double ioBlocks = snapshot.Mean("sched.blocks.io.rate", window).Mean;
        double cpuRun = snapshot.Mean("sched.run_ns.cpu.rate", window).Mean;
        double cpuBlocks = snapshot.Mean("sched.blocks.cpu.rate", window).Mean;
        WindowStatistics cpuWait = snapshot.Statistics("sched.wait_ns.cpu.mean", window);
        double cpuEvents = snapshot.Mean("sched.wait_ns.cpu.events", window).Mean;
        (ulong ioBurst, ulong ioBlock) = Phases(io, ioRun, ioBlocks, ioWait.Mean * ioEvents);
        (ulong cpuBurst, ulong cpuBlock) = Phases(cpu, cpuRun, cpuBlocks, cpuWait.Mean * cpuEvents);

        // A CPU-bound thread that blocks less than once a second per thread is treated as never blocking.
        if (cpu > 0 && cpuBlocks < cpu)
        {
            cpuBlock = 0;
        }

        return new SchedulerWorkload
        {
            IoThreads = io,
            IoBurstNs = ioBurst,
            IoBlockNs = ioBlock,
            CpuThreads = cpu,
            CpuBurstNs = cpuBurst,
            CpuBlockNs = cpuBlock,
            IoWaitNs = ioWait.P50,
            IoWaitP99Ns = snapshot.Statistics("sched.wait_ns.io.p99", window).P50,
            CpuWaitNs = cpuWait.P50,
            WorkUnitsPerSecond = snapshot.Mean("sched.work_units.rate", window).Mean,
            RunQueue = snapshot.Mean("sched.runqueue", window).Mean,
        };
    }

    /// <summary>Adds the trace's threads to <paramref name="simulator"/> (I/O-bound first, ids
    /// from 1, starts staggered so that they do not wake in lockstep), all at priority 16.</summary>
    public void AddTo(SchedulerSimulator simulator)
    {
        int id = 1;
        for (int i = 0; i < IoThreads; i++)
        {
            var t = new SchedThread(id++, "io", SchedClass.Normal, 16) { Workload = WorkloadClass.Io };
            simulator.AddThread(t, SimBehavior.IoBound(IoBurstNs, IoBlockNs), IoBlockNs * (ulong)i / (ulong)Math.Max(IoThreads, 1));
        }

        for (int i = 0; i < CpuThreads; i++)
        {
            var t = new SchedThread(id++, "cpu", SchedClass.Normal, 16) { Workload = WorkloadClass.Cpu };
            SimBehavior b = CpuBlockNs == 0 ? SimBehavior.CpuBound() : SimBehavior.IoBound(CpuBurstNs, CpuBlockNs);
            simulator.AddThread(t, b, (ulong)i * MinPhaseNs);
        }
    }

    /// <summary>
    /// Whether <paramref name="other"/> describes the same mix for a shadow search: thread
    /// counts within one thread (a median of a few counts flickers by one as threads come and
    /// go) or <paramref name="tolerance"/>, and every burst and block within
    /// <paramref name="tolerance"/> (a fraction) of this one's. Measured figures (waits,
    /// throughput) do not count: they are what a change moves, not what the threads do.
    /// </summary>
    public bool IsCloseTo(SchedulerWorkload other, double tolerance) =>
        NearCount(IoThreads, other.IoThreads, tolerance) && NearCount(CpuThreads, other.CpuThreads, tolerance)
        && Near(IoBurstNs, other.IoBurstNs, tolerance) && Near(IoBlockNs, other.IoBlockNs, tolerance)
        && Near(CpuBurstNs, other.CpuBurstNs, tolerance) && Near(CpuBlockNs, other.CpuBlockNs, tolerance)
        && (CpuBlockNs == 0) == (other.CpuBlockNs == 0);

    /// <summary>Whether <paramref name="other"/> replays exactly as this one does (what
    /// <see cref="AddTo"/> reads is equal).</summary>
    public bool SameMix(SchedulerWorkload other) =>
        IoThreads == other.IoThreads && IoBurstNs == other.IoBurstNs && IoBlockNs == other.IoBlockNs
        && CpuThreads == other.CpuThreads && CpuBurstNs == other.CpuBurstNs && CpuBlockNs == other.CpuBlockNs;

    /// <summary>A short description for `evolve explain` and the demo.</summary>
    public override string ToString() =>
        $"{IoThreads} io (burst {IoBurstNs / 1000} us, block {IoBlockNs / 1000} us), {CpuThreads} cpu " +
        (CpuBlockNs == 0 ? "(never block)" : $"(burst {CpuBurstNs / 1000} us, block {CpuBlockNs / 1000} us)");

    private static bool NearCount(int a, int b, double tolerance) =>
        (a == 0) == (b == 0) && Math.Abs(a - b) <= Math.Max(1, tolerance * Math.Max(a, b));

    private static bool Near(ulong a, ulong b, double tolerance) =>
        Math.Abs((double)a - b) <= tolerance * Math.Max(Math.Max(a, b), MinPhaseNs);

    /// <summary>Mean burst = CPU time per block; mean block = what is left of the threads'
    /// second after running and waiting, per block.</summary>
    private static (ulong Burst, ulong Block) Phases(int threads, double runPerSecond, double blocksPerSecond, double waitPerSecond)
    {
        if (threads <= 0 || !(blocksPerSecond > 0) || !double.IsFinite(runPerSecond))
        {
            return (MinPhaseNs, MinPhaseNs);
        }

        double burst = runPerSecond / blocksPerSecond;
        double blocked = (threads * 1e9) - runPerSecond - (double.IsFinite(waitPerSecond) ? waitPerSecond : 0);
        double block = blocked / blocksPerSecond;
        return (Clamp(burst), Clamp(block));
    }

    private static ulong Clamp(double ns) => !(ns > MinPhaseNs) ? MinPhaseNs : ns > 1e9 ? 1_000_000_000 : (ulong)(long)ns;
}

using NexOS.Core.Metrics;

namespace NexOS.Core.Scheduling;

/// <summary>
/// Scheduler metrics by workload class (<see cref="WorkloadClasses"/>): how long I/O-bound and
/// CPU-bound threads wait for the CPU (histograms sched.wait_ns.io and sched.wait_ns.cpu), the
/// CPU time and the blocks of each class (counters sched.run_ns.* and sched.blocks.*), the
/// threads of each class that ran in the last refresh period (gauges sched.threads.*), and
/// the work units CPU-bound workloads report (counter sched.work_units). The models read
/// them as a synthetic trace of the workload mix. The recording methods run in the
/// scheduler's switch path: a classification, a histogram record or a counter add each, no
/// allocation, no exception.
/// </summary>
public sealed class SchedulerClassMetrics
{
    /// <summary>Registers the metrics in <paramref name="registry"/> (once, at boot).</summary>
    public SchedulerClassMetrics(MetricsRegistry registry)
    {
        IoWait = registry.Histogram("sched.wait_ns.io", "ns", "time I/O-bound threads waited from runnable to running");
        CpuWait = registry.Histogram("sched.wait_ns.cpu", "ns", "time CPU-bound threads waited from runnable to running");
        IoRun = registry.Counter("sched.run_ns.io", "ns", "CPU time of I/O-bound threads");
        CpuRun = registry.Counter("sched.run_ns.cpu", "ns", "CPU time of CPU-bound threads");
        IoBlocks = registry.Counter("sched.blocks.io", "blocks", "times I/O-bound threads blocked");
        CpuBlocks = registry.Counter("sched.blocks.cpu", "blocks", "times CPU-bound threads blocked");
        IoThreads = registry.Gauge("sched.threads.io", "threads", "I/O-bound threads that ran in the last period");
        CpuThreads = registry.Gauge("sched.threads.cpu", "threads", "CPU-bound threads that ran in the last period");
        WorkUnits = registry.Counter("sched.work_units", "units", "work units CPU-bound workloads completed (their throughput)");
    }

    /// <summary>Wait of I/O-bound threads.</summary>
    public LatencyHistogram IoWait { get; }

    /// <summary>Wait of CPU-bound threads.</summary>
    public LatencyHistogram CpuWait { get; }

    /// <summary>CPU time of I/O-bound threads.</summary>
    public Counter IoRun { get; }

    /// <summary>CPU time of CPU-bound threads.</summary>
    public Counter CpuRun { get; }

    /// <summary>Blocks of I/O-bound threads.</summary>
    public Counter IoBlocks { get; }

    /// <summary>Blocks of CPU-bound threads.</summary>
    public Counter CpuBlocks { get; }

    /// <summary>I/O-bound threads active in the last period.</summary>
    public Gauge IoThreads { get; }

    /// <summary>CPU-bound threads active in the last period.</summary>
    public Gauge CpuThreads { get; }

    /// <summary>Work units reported by CPU-bound workloads.</summary>
    public Counter WorkUnits { get; }

    /// <summary>A thread starts running after waiting <paramref name="waitedNs"/>.</summary>
    public void RecordWait(SchedThread thread, ulong waitedNs) => (WorkloadClasses.IsIo(thread) ? IoWait : CpuWait).Record(waitedNs);

    /// <summary>A thread stopped after running <paramref name="ranNs"/> for <paramref name="reason"/>.</summary>
    public void RecordStop(SchedThread thread, StopReason reason, ulong ranNs)
    {
        bool io = WorkloadClasses.IsIo(thread);
        _ = (io ? IoRun : CpuRun).Add((long)ranNs);
        if (reason == StopReason.Blocked)
        {
            (io ? IoBlocks : CpuBlocks).Increment();
        }
    }
}

using NexOS.Core.Metrics;

namespace NexOS.Kernel.Metrics;

/// <summary>
/// The kernel's one metrics registry and the metrics its subsystems update. Registration
/// happens once at boot; updates are a counter increment or a histogram record (no
/// allocation), cheap enough to leave on.
/// </summary>
internal static class KernelMetrics
{
    public static readonly MetricsRegistry Registry = new();

    public static readonly Counter Interrupts = Registry.Counter("irq.total", "interrupts", "hardware interrupts handled");

    public static readonly Counter TimerInterrupts = Registry.Counter("irq.timer", "interrupts", "local APIC timer interrupts");

    public static readonly Counter SerialInterrupts = Registry.Counter("irq.com1", "interrupts", "COM1 receive interrupts");

    public static readonly LatencyHistogram TimerLatency = Registry.Histogram("irq.timer_latency_ns", "ns", "time from a timer's programmed deadline to its handler");

    public static readonly Counter ContextSwitches = Registry.Counter("sched.switches", "switches", "context switches");

    public static readonly LatencyHistogram SchedulingLatency = Registry.Histogram("sched.latency_ns", "ns", "time from runnable to running");

    /// <summary>Wait, CPU time, blocks and active threads by workload class, and work units.</summary>
    public static readonly NexOS.Core.Scheduling.SchedulerClassMetrics SchedClasses = new(Registry);

    public static readonly Gauge RunQueueLength = Registry.Gauge("sched.runqueue", "threads", "runnable threads waiting for the CPU");

    public static readonly Gauge CpusOnline = Registry.Gauge("smp.cpus", "CPUs", "CPUs running threads");

    public static readonly Gauge KernelLockAcquisitions = Registry.Gauge("lock.kernel.acquisitions", "acquisitions", "entries into the kernel that took the kernel lock");

    public static readonly Gauge KernelLockContended = Registry.Gauge("lock.kernel.contended", "acquisitions", "acquisitions that found the kernel lock held by another CPU and spun");

    public static readonly Gauge KernelLockSpinUs = Registry.Gauge("lock.kernel.spin_us", "us", "time CPUs spent spinning for the kernel lock");

    public static readonly Gauge KernelLockHeldPercent = Registry.Gauge("lock.kernel.held_percent", "percent", "share of the time since boot the kernel lock was held");

    public static readonly Gauge KernelLockLongestHoldUs = Registry.Gauge("lock.kernel.longest_hold_us", "us", "longest single hold of the kernel lock");

    public static readonly Gauge KernelLockLongHolds = Registry.Gauge("lock.kernel.long_holds", "holds", "holds of the kernel lock past the report threshold (locks shows the last, with its owner)");

    public static readonly Gauge TlbShootdowns = Registry.Gauge("smp.tlb_shootdowns", "shootdowns", "TLB flushes asked of every other CPU");

    public static readonly Gauge ReschedulesSent = Registry.Gauge("smp.reschedule_ipis", "interrupts", "reschedule interrupts sent to other CPUs");

    public static readonly Gauge HeapBytes = Registry.Gauge("mem.heap_bytes", "bytes", "kernel heap in use");

    public static readonly Gauge HeapAllocations = Registry.Gauge("mem.allocations", "objects", "objects and blocks allocated since boot");

    public static readonly Counter GcCollections = Registry.Counter("gc.collections", "collections", "garbage collections");

    public static readonly LatencyHistogram GcPause = Registry.Histogram("gc.pause_ns", "ns", "time the world stood still for a collection");

    public static readonly Gauge HeapCommitted = Registry.Gauge("mem.heap_committed_bytes", "bytes", "pages and runs the collected heap holds");

    public static readonly Gauge GcFragmentationPercent = Registry.Gauge("mem.gc_fragmentation_percent", "percent", "free cells in partly used small-object pages / their cells, at the last collection");

    public static readonly Counter AllocRefills = Registry.Counter("mem.alloc_refills", "runs", "allocation slow paths: runs of cells taken for a size class");

    public static readonly Counter AllocWorkloadBytes = Registry.Counter("alloc.workload_bytes", "bytes", "bytes the kernel's alloc churn (gc churn) allocated");

    public static readonly Counter AllocWorkloadCorrupted = Registry.Counter("alloc.workload_corrupted", "objects", "objects of the kernel's alloc churn (gc churn) found overwritten (a heap bug)");

    public static readonly Gauge FreeFrames = Registry.Gauge("mem.free_frames", "frames", "free 4 KiB page frames");

    public static readonly Gauge FragmentationPercent = Registry.Gauge("mem.fragmentation_percent", "percent", "1 - largest free block / free memory");

    public static readonly LatencyHistogram IpcRoundTrip = Registry.Histogram("ipc.roundtrip_ns", "ns", "IPC call/reply round trips of the kernel's thread pairs (bench, ipc group, self tests)");

    public static readonly LatencyHistogram RealTimeLateness = Registry.Histogram("rt.lateness_ns", "ns", "how late periodic real-time jobs started (kernel rt threads, and programs through PeriodWait)");

    public static readonly Counter RealTimeMisses = Registry.Counter("rt.deadline_misses", "jobs", "real-time jobs that finished after their deadline or could not start before it");
}

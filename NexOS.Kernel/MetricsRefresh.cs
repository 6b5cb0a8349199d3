using NexOS.Kernel.Memory;
using NexOS.Kernel.Metrics;
using NexOS.Kernel.Threading;

namespace NexOS.Kernel;

/// <summary>The gauges of <see cref="KernelMetrics"/> that mirror other layers' own counters
/// (heap, run queue, frames): read here, at the top, so the metrics layer at the bottom names
/// none of them.</summary>
internal static class MetricsRefresh
{
    /// <summary>Brings the gauges that mirror other subsystems' own counters up to date.</summary>
    public static void Refresh()
    {
        KernelMetrics.HeapBytes.Set((long)(Runtime.Gc.GcHeap.InUseBytes + Runtime.BootHeap.BytesUsed));
        KernelMetrics.HeapAllocations.Set((long)(Runtime.Gc.GcHeap.TotalObjects + Runtime.BootHeap.Allocations));
        KernelMetrics.HeapCommitted.Set((long)Runtime.Gc.GcHeap.CommittedBytes);
        KernelMetrics.GcFragmentationPercent.Set((long)((Runtime.Gc.GcHeap.Fragmentation * 100) + 0.5));
        KernelMetrics.AllocRefills.Add((long)Runtime.Gc.GcHeap.Refills - KernelMetrics.AllocRefills.Value);
        KernelMetrics.RunQueueLength.Set(Threading.Scheduler.IsRunning ? Threading.Scheduler.Policy.RunnableCount : 0);
        Threading.Scheduler.CountActiveByClass();
        PhysicalMemory.RefreshMetrics();
    }
}

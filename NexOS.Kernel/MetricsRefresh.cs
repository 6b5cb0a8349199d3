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
        KernelMetrics.RunQueueLength.Set(Threading.Scheduler.IsRunning ? Threading.Scheduler.RunnableCount : 0);
        Threading.Scheduler.CountActiveByClass();
        KernelMetrics.CpusOnline.Set(Arch.X64.Cpus.Online);
        KernelMetrics.KernelLockAcquisitions.Set((long)Arch.X64.KernelLock.AcquisitionCount);
        KernelMetrics.KernelLockContended.Set((long)Arch.X64.KernelLock.ContendedCount);
        KernelMetrics.KernelLockSpinUs.Set((long)(Arch.X64.KernelLock.SpinNs / 1000));
        ulong up = Arch.X64.Tsc.SinceEntryNs;
        KernelMetrics.KernelLockHeldPercent.Set(up == 0 ? 0 : (long)(Arch.X64.KernelLock.HeldNs * 100 / up));
        KernelMetrics.KernelLockLongestHoldUs.Set((long)(Arch.X64.KernelLock.LongestHoldNs / 1000));
        KernelMetrics.KernelLockLongHolds.Set((long)Arch.X64.KernelLock.LongHoldCount);
        KernelMetrics.TlbShootdowns.Set((long)Arch.X64.Cpus.Shootdowns);
        KernelMetrics.ReschedulesSent.Set((long)Arch.X64.Cpus.ReschedulesSent);
        PhysicalMemory.RefreshMetrics();
    }
}

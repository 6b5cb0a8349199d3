using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Debugging;
using NexOS.Kernel.Platform;
using NexOS.Runtime.Gc;
using NexOS.Kernel.Metrics;

namespace NexOS.Runtime;

/// <summary>The runtime layer's platform in the kernel (see NexOS.Runtime/RuntimePlatform.cs):
/// the interrupt flag, the TSC and COM1 from the arch layer below; heap pages, threads and the
/// collection budget from the layers above, through the interfaces they attach
/// (RuntimeHost.cs).</summary>
internal static unsafe partial class RuntimePlatform
{
    // No initializers: the allocator reaches this class before class constructors run.
    private static IRuntimePages? s_pages;
    private static IRuntimeThreads? s_threads;
    private static IGcBudgetHook? s_gcBudget;

    /// <summary>Heap pages from now on; the memory layer, once, before the collected heap starts.</summary>
    public static void AttachPages(IRuntimePages pages) => s_pages = pages;

    /// <summary>Threads from now on; the scheduler, once, as it starts.</summary>
    public static void AttachThreads(IRuntimeThreads threads) => s_threads = threads;

    /// <summary>The patchable collection budget from now on; the composition root, once.</summary>
    public static void AttachGcBudget(IGcBudgetHook hook) => s_gcBudget = hook;

    public static partial bool TryAllocatePages(int order, out ulong address)
    {
        address = 0;
        return s_pages != null && s_pages.TryAllocatePages(order, out address);
    }

    public static partial void FreePages(ulong address, int order)
    {
        IRuntimePages? pages = s_pages;
        if (pages == null)
        {
            Panic.Halt("heap pages freed before the memory layer attached");
            return;
        }

        pages.FreePages(address, order);
    }

    /// <summary>From the boot heap, page aligned; its memory is read-write for good.</summary>
    public static partial void* MapMemory(ulong length, int protection)
    {
        const ulong page = 4096;
        byte* p = length > ulong.MaxValue - page ? null : (byte*)BootHeap.Allocate(length + page);
        return p == null ? null : (void*)(((ulong)p + page - 1) & ~(page - 1));
    }

    /// <summary>The boot heap never gives memory back: unmapping fails.</summary>
    public static partial bool UnmapMemory(void* address, ulong length) => false;

    /// <summary>Boot-heap memory is read-write: asking for exactly that succeeds (the frozen
    /// object heap commits that way), anything else fails.</summary>
    public static partial bool ProtectMemory(void* address, ulong length, int protection) => protection == ReadWrite;

    private const int ReadWrite = 3; // PROT_READ | PROT_WRITE

    public static partial void GetPageSpan(out ulong start, out ulong end)
    {
        start = 0;
        end = 0;
        s_pages?.GetPageSpan(out start, out end);
    }

    public static partial ulong NowNs() => Tsc.NowNs;

    public static partial ulong NanosecondsSinceStart() => Tsc.SinceEntryNs;

    public static partial ulong Entropy() => Native.ReadTsc();

    public static partial ulong DisableInterrupts() => InterruptState.Disable();

    public static partial void RestoreInterrupts(ulong flags) => InterruptState.Restore(flags);

    public static partial void DisablePreemption() => Preemption.Disable();

    public static partial void EnablePreemption() => Preemption.Enable();

    public static partial ulong RealTimeSlackNs(ulong now) => s_threads == null ? ulong.MaxValue : s_threads.RealTimeSlackNs(now);

    public static partial ulong GcBudget(ulong proposed, ulong live, ulong committed, ulong total, long minimumKib, long growthPercent) =>
        s_gcBudget == null ? proposed : s_gcBudget.GcBudget(proposed, live, committed, total, minimumKib, growthPercent);

    public static partial void OnCollection(ulong pauseNs)
    {
        KernelMetrics.GcCollections.Increment();
        KernelMetrics.GcPause.Record(pauseNs);
    }

    public static partial bool IsOnOwnStack(ulong sp) =>
        s_threads != null ? s_threads.IsOnOwnStack(sp) : sp > KernelImage.BootStackBottom && sp < KernelImage.BootStackTop;

    public static partial void ScanThreads(ulong sp)
    {
        if (s_threads != null)
        {
            s_threads.ScanThreads(sp);
            return;
        }

        Marker.ScanRange(sp, KernelImage.BootStackTop);
        Collector.ScanThreadStatics(Native.ReadMsr(Native.FsBaseMsr));
    }

    public static partial ulong CurrentThreadId() => s_threads != null ? s_threads.CurrentThreadId() : 1;

    public static partial void GetCurrentStackBounds(out ulong low, out ulong high)
    {
        if (s_threads != null)
        {
            s_threads.GetCurrentStackBounds(out low, out high);
            return;
        }

        low = KernelImage.BootStackBottom;
        high = KernelImage.BootStackTop;
    }

    public static partial bool Yield() => s_threads != null && s_threads.Yield();

    public static partial void Pause() => Native.Pause();

    public static partial void Write(ReadOnlySpan<byte> text) => DebugSerial.Write(text);

    public static partial void Write(string? text) => DebugSerial.Write(text);

    public static partial int ModuleFileName(byte** name)
    {
        *name = null;
        return 0;
    }

    public static partial void WriteLocation(ulong address) => KernelSymbols.WriteLocation(address);

    public static partial void Stop()
    {
        Native.DisableInterrupts();
        while (true)
        {
            Native.Halt();
        }
    }
}

using NexOS.Core.Memory;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Boot;
using NexOS.Kernel.Memory;
using NexOS.Kernel.Metrics;
using NexOS.Kernel.Benchmarks;
using NexOS.Kernel.Threading;
using NexOS.Kernel.Workloads;
using NexOS.Kernel.Platform;
using NexOS.Runtime.Gc;

namespace NexOS.Runtime;

/// <summary>The runtime layer's platform in the kernel (see NexOS.Runtime/RuntimePlatform.cs):
/// heap pages from the frame allocator through the identity map, the scheduler's threads,
/// the interrupt flag, the TSC and COM1.</summary>
internal static unsafe partial class RuntimePlatform
{
    public static partial bool TryAllocatePages(int order, out ulong address)
    {
        bool ok = PhysicalMemory.TryAllocate(order, out PhysAddr frames);
        address = frames.Value;
        return ok;
    }

    public static partial void FreePages(ulong address, int order) => PhysicalMemory.Free(new PhysAddr(address), order);

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
        PhysRange covered = PhysicalMemory.Frames!.CoveredRange;
        start = covered.Start.Value;
        end = covered.End.Value;
    }

    public static partial ulong NowNs() => Tsc.NowNs;

    public static partial ulong NanosecondsSinceStart() => EarlyInit.NanosecondsSinceEntry;

    public static partial ulong Entropy() => Native.ReadTsc();

    public static partial ulong DisableInterrupts() => InterruptState.Disable();

    public static partial void RestoreInterrupts(ulong flags) => InterruptState.Restore(flags);

    public static partial void DisablePreemption() => Preemption.Disable();

    public static partial void EnablePreemption() => Preemption.Enable();

    public static partial ulong RealTimeSlackNs(ulong now) => Scheduler.RealTimeSlackNs(now);

    public static partial ulong GcBudget(ulong proposed, ulong live, ulong committed, ulong total, long minimumKib, long growthPercent) =>
        NexOS.Kernel.Hooks.KernelHooks.GcBudget(proposed, live, committed, total, minimumKib, growthPercent);

    public static partial void OnCollection(ulong pauseNs)
    {
        KernelMetrics.GcCollections.Increment();
        KernelMetrics.GcPause.Record(pauseNs);
    }

    public static partial bool IsOnOwnStack(ulong sp)
    {
        if (!Scheduler.IsRunning)
        {
            return sp > KernelImage.BootStackBottom && sp < KernelImage.BootStackTop;
        }

        KernelThread me = Scheduler.Current;
        return sp > me.StackBottom && sp < me.StackTop;
    }

    public static partial void ScanThreads(ulong sp)
    {
        if (!Scheduler.IsRunning)
        {
            Marker.ScanRange(sp, KernelImage.BootStackTop);
            Collector.ScanThreadStatics(Native.ReadMsr(Native.FsBaseMsr));
            return;
        }

        KernelThread me = Scheduler.Current;
        Marker.ScanRange(sp, me.StackTop);
        Collector.ScanThreadStatics(me.ThreadPointer);
        for (int i = 0; i < Scheduler.ThreadSlots; i++)
        {
            KernelThread? t = Scheduler.ThreadAt(i);
            if (t == null || t == me)
            {
                continue;
            }

            if (t.SavedRsp >= t.StackBottom && t.SavedRsp <= t.StackTop)
            {
                Marker.ScanRange(t.SavedRsp, t.StackTop);
            }
            else
            {
                GcStatistics.BadStacks++;
            }

            Collector.ScanThreadStatics(t.ThreadPointer);
        }
    }

    public static partial ulong CurrentThreadId() => Scheduler.IsRunning ? (ulong)Scheduler.Current.Id + 1 : 1;

    public static partial void GetCurrentStackBounds(out ulong low, out ulong high)
    {
        bool threads = Scheduler.IsRunning;
        low = threads ? Scheduler.Current.StackBottom : KernelImage.BootStackBottom;
        high = threads ? Scheduler.Current.StackTop : KernelImage.BootStackTop;
    }

    public static partial bool Yield()
    {
        if (!Scheduler.IsRunning)
        {
            return false;
        }

        Scheduler.Yield();
        return true;
    }

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

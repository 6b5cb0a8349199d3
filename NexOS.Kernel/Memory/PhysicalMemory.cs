using NexOS.Core.Memory;
using NexOS.Kernel.Boot;
using NexOS.Kernel.Threading;
using NexOS.Runtime;
using NexOS.Kernel.Metrics;
using NexOS.Kernel.Arch.X64;

namespace NexOS.Kernel.Memory;

/// <summary>
/// Owner of physical page frames: a buddy allocator over the free RAM the early boot code
/// left (everything but the image, modules, boot information, the first MiB and the heap's
/// first chunk). The heap grows from here. Callers may run on any thread; every operation
/// runs with interrupts off.
/// </summary>
internal static unsafe class PhysicalMemory
{
    /// <summary>The heap grows in chunks of at least this much.</summary>
    private const ulong HeapChunk = 4UL << 20;

    /// <summary>Blocks of up to 2^14 frames (64 MiB), so large arrays can be had in one piece.</summary>
    private const int MaxOrder = 14;

    private static BuddyFrameAllocator? s_frames;

    public static BuddyFrameAllocator? Frames => s_frames;

    /// <summary>Free 4 KiB frames now (0 before the allocator exists).</summary>
    public static long FreeFrames => s_frames?.FreeFrames ?? 0;

    /// <summary>Builds the frame allocator (its metadata comes from the heap) and lets the heap
    /// grow from it.</summary>
    public static void Initialize()
    {
        // Only memory the boot page tables map (below 4 GiB) can be handed out until the
        // kernel manages its own page tables.
        ReadOnlySpan<PhysRange> remaining = EarlyInit.RemainingFreeRanges;
        var usable = new List<PhysRange>();
        foreach (PhysRange r in remaining)
        {
            ulong end = Math.Min(r.End.Value, Platform.IdentityMappedMemory.MappedLimit);
            if (end > r.Start.Value)
            {
                usable.Add(new PhysRange(r.Start, new PhysAddr(end)));
            }
        }

        s_frames = new BuddyFrameAllocator(usable.ToArray(), MaxOrder);
        BootHeap.Grow = &GrowHeap;
        RefreshMetrics();
    }

    /// <summary>Allocates 2^order contiguous frames; false when none are free.</summary>
    public static bool TryAllocate(int order, out PhysAddr address)
    {
        address = default;
        if (s_frames == null)
        {
            return false;
        }

        ulong flags = InterruptState.Disable();
        bool ok = s_frames.TryAllocate(order, out address);
        InterruptState.Restore(flags);
        return ok;
    }

    /// <summary>Allocates <paramref name="pages"/> contiguous frames as single frames (each
    /// freed on its own at order 0): the smallest block that holds them, split, with the
    /// frames past <paramref name="pages"/> given back at once. False when none is free.</summary>
    public static bool TryAllocateRun(int pages, out PhysAddr start)
    {
        start = default;
        int order = 0;
        while ((1 << order) < pages)
        {
            order++;
        }

        if (s_frames == null || pages < 1 || order > MaxOrder)
        {
            return false;
        }

        ulong flags = InterruptState.Disable();
        bool ok = s_frames.TryAllocate(order, out start) && s_frames.Split(start, order) == AllocationResult.Ok;
        if (ok)
        {
            for (int i = pages; i < 1 << order; i++)
            {
                s_frames.Free(new PhysAddr(start.Value + ((ulong)i * BuddyFrameAllocator.FrameSize)), 0);
            }
        }

        InterruptState.Restore(flags);
        return ok;
    }

    public static AllocationResult Free(PhysAddr address, int order)
    {
        if (s_frames == null)
        {
            return AllocationResult.OutOfRange;
        }

        ulong flags = InterruptState.Disable();
        AllocationResult result = s_frames.Free(address, order);
        InterruptState.Restore(flags);
        return result;
    }

    public static void RefreshMetrics()
    {
        if (s_frames != null)
        {
            KernelMetrics.FreeFrames.Set(s_frames.FreeFrames);
            KernelMetrics.FragmentationPercent.Set((long)(s_frames.Fragmentation * 100));
        }
    }

    /// <summary>BootHeap's growth hook (interrupts are already off).</summary>
    private static PhysRange GrowHeap(ulong bytes)
    {
        ulong want = Math.Max(bytes, HeapChunk);
        if (s_frames == null || !s_frames.TryAllocateBytes(want, out PhysAddr start, out int order))
        {
            return default;
        }

        return PhysRange.FromLength(start.Value, BuddyFrameAllocator.FrameSize << order);
    }
}

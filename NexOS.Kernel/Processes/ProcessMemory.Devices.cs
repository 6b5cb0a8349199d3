using NexOS.Abi;
using NexOS.Core.Memory;
using NexOS.Core.Paging;
using NexOS.Core.Processes;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Memory;
using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Processes;

/// <summary>
/// Memory for drivers: a device's registers mapped uncached (MmioMap), and DMA buffers of
/// physically contiguous frames (DmaAllocate). Both become ordinary regions of the process,
/// readable and writable, never executable, with every page mapped at once (a device
/// register must never be served by a demand-zero page). Register pages are not the
/// process's frames: unmapping them frees nothing. DMA pages are: unmapping them, or the
/// process's end, gives them back like any other memory.
/// </summary>
internal static partial class ProcessMemory
{
    /// <summary>The largest DMA buffer one call allocates: 4 MiB.</summary>
    public const ulong MaxDmaLength = 4UL << 20;

    /// <summary>
    /// Maps the physical range [<paramref name="physical"/>, +<paramref name="length"/>)
    /// (page aligned; the capability's range, checked when it was made) at
    /// <paramref name="hint"/> (0: the kernel picks) with caching off. Returns the address,
    /// or AddressInUse, LimitReached, BadAddress as MemoryMap does, or OutOfMemory for page
    /// tables, with nothing left mapped or reserved.
    /// </summary>
    public static long MapDevice(Process process, ulong hint, ulong physical, ulong length)
    {
        long start = ReserveDeviceRegion(process, hint, length);
        if (start < 0)
        {
            return start;
        }

        const PageFlags flags = PageFlags.Present | PageFlags.User | PageFlags.Writable | PageFlags.NoExecute
            | PageFlags.CacheDisable | PageFlags.WriteThrough;
        for (ulong offset = 0; offset < length; offset += Page)
        {
            if (!MapOne(process, (ulong)start + offset, new PhysAddr(physical + offset), flags))
            {
                Unmap(process, (ulong)start, length);
                return -(long)SyscallStatus.OutOfMemory;
            }
        }

        return start;
    }

    /// <summary>
    /// Allocates <paramref name="length"/> bytes (rounded up to pages, 1 byte to
    /// <see cref="MaxDmaLength"/>; BadArgument otherwise) of zeroed, physically contiguous
    /// memory, maps it at <paramref name="hint"/> (0: the kernel picks) and returns the
    /// address, with the physical start in <paramref name="physical"/>. With an IOMMU the
    /// memory is also mapped for the PCI function <paramref name="sourceId"/> (-1: none) and
    /// recorded, so that it is taken away from the device before its frames are freed; there
    /// LimitReached when the process holds <see cref="DmaBuffers.Capacity"/> buffers already.
    /// OutOfMemory when no run that long is free or the IOMMU has no room; nothing is left allocated
    /// or reserved on any failure.
    /// </summary>
    public static long MapDma(Process process, ulong hint, ulong length, int sourceId, out ulong physical)
    {
        physical = 0;
        if (length == 0 || length > MaxDmaLength)
        {
            return -(long)SyscallStatus.BadArgument;
        }

        // Made here, with interrupts on, so that recording a buffer never allocates.
        bool confined = sourceId >= 0 && Iommu.IsActive;
        process.Dma ??= confined ? new DmaBuffers() : null;
        if (confined && process.Dma!.Count == DmaBuffers.Capacity)
        {
            return -(long)SyscallStatus.LimitReached;
        }

        length = (length + Page - 1) & ~(Page - 1);
        int pages = (int)(length / Page);
        if (!process.Frames.TryAllocateRun(pages, out PhysAddr run))
        {
            return -(long)SyscallStatus.OutOfMemory;
        }

        long start = ReserveDeviceRegion(process, hint, length);
        if (start < 0)
        {
            for (int i = 0; i < pages; i++)
            {
                process.Frames.FreeFrame(new PhysAddr(run.Value + ((ulong)i * Page)));
            }

            return start;
        }

        const PageFlags flags = PageFlags.Present | PageFlags.User | PageFlags.Writable | PageFlags.NoExecute | PageFlags.OwnedFrame;
        for (int i = 0; i < pages; i++)
        {
            var frame = new PhysAddr(run.Value + ((ulong)i * Page));
            VirtualMemory.FrameBytes.Zero(frame);
            if (!MapOne(process, (ulong)start + ((ulong)i * Page), frame, flags))
            {
                // The pages mapped so far are freed by the unmap; the rest here.
                Unmap(process, (ulong)start, length);
                for (int j = i; j < pages; j++)
                {
                    process.Frames.FreeFrame(new PhysAddr(run.Value + ((ulong)j * Page)));
                }

                return -(long)SyscallStatus.OutOfMemory;
            }
        }

        if (confined)
        {
            ulong interrupts = InterruptState.Disable();
            bool given = Iommu.Map((ushort)sourceId, run.Value, pages) && process.Dma!.Add((ulong)start, run.Value, pages, (ushort)sourceId);
            InterruptState.Restore(interrupts);
            if (!given)
            {
                Iommu.Unmap((ushort)sourceId, run.Value, pages);
                Unmap(process, (ulong)start, length);
                return -(long)SyscallStatus.OutOfMemory;
            }
        }

        physical = run.Value;
        return start;
    }

    private static long ReserveDeviceRegion(Process process, ulong hint, ulong length)
    {
        ulong flags = InterruptState.Disable();
        RegionStatus status = process.Regions.Reserve(hint, length, RegionAccess.Read | RegionAccess.Write, out ulong start);
        InterruptState.Restore(flags);
        return status switch
        {
            RegionStatus.Ok => (long)start,
            RegionStatus.InUse => -(long)SyscallStatus.AddressInUse,
            RegionStatus.Full => -(long)SyscallStatus.LimitReached,
            _ => -(long)SyscallStatus.BadAddress,
        };
    }

    private static bool MapOne(Process process, ulong page, PhysAddr frame, PageFlags flags)
    {
        ulong interrupts = InterruptState.Disable();
        bool ok = process.Space.Map(new VirtAddr(page), frame, flags, out _) == PagingStatus.Ok;
        InterruptState.Restore(interrupts);
        return ok;
    }
}

using NexOS.Abi;
using NexOS.Core.Memory;
using NexOS.Core.Paging;
using NexOS.Core.Processes;
using NexOS.Kernel.Memory;
using NexOS.Kernel.Threading;
using NexOS.Kernel.Platform;
using NexOS.Kernel.Arch.X64;

namespace NexOS.Kernel.Processes;

/// <summary>
/// A process's anonymous memory: MemoryMap reserves a region (<see cref="RegionMap"/>), the
/// first touch of each page gets a zeroed frame with the region's access (the page fault
/// handler calls <see cref="TryServeFault"/>), MemoryUnmap frees the frames and the region,
/// MemoryProtect changes both the region and the pages already there. Each call validates
/// all of its arguments before it changes anything, and has interrupts off while it touches
/// the region map and each batch of page-table entries (one CPU, one thread per process;
/// FIXME: a per-process lock once there are more of either).
/// </summary>
internal static partial class ProcessMemory
{
    /// <summary>The most one MemoryMap call reserves: unmapping or protecting a region visits
    /// each of its pages, so its size bounds the work one call can ask of the kernel.</summary>
    public const ulong MaxMapLength = 1UL << 32;

    /// <summary>Pages visited with interrupts off before they are let in again.</summary>
    private const int PagesPerBatch = 512;

    private const ulong Page = AddressSpace.PageSize;

    /// <summary>Pages given on first touch since boot (stack pages included).</summary>
    public static ulong DemandPages { get; private set; }

    public static long Map(Process process, ulong address, ulong length, ulong protection)
    {
        if (!TryAccess(protection, out RegionAccess access))
        {
            return -(long)SyscallStatus.BadArgument;
        }

        if (length == 0 || length > MaxMapLength)
        {
            return -(long)SyscallStatus.BadArgument;
        }

        length = (length + Page - 1) & ~(Page - 1);
        ulong flags = InterruptState.Disable();
        RegionStatus status = process.Regions.Reserve(address, length, access, out ulong start);
        InterruptState.Restore(flags);
        return status switch
        {
            RegionStatus.Ok => (long)start,
            RegionStatus.InUse => -(long)SyscallStatus.AddressInUse,
            RegionStatus.Full => -(long)SyscallStatus.LimitReached,
            RegionStatus.BadAccess => -(long)SyscallStatus.BadArgument,
            _ => -(long)SyscallStatus.BadAddress,
        };
    }

    public static long Unmap(Process process, ulong address, ulong length)
    {
        ulong flags = InterruptState.Disable();
        RegionStatus status = process.Regions.Release(address, length);
        if (status == RegionStatus.Ok)
        {
            // A DMA buffer's pages leave its device (and the IOMMU's caches) before the frames
            // go back to the allocator.
            process.Dma?.Release(address, length);
        }

        InterruptState.Restore(flags);
        if (status == RegionStatus.Ok)
        {
            ForEachMappedPage(process, address, length, null);
        }

        return Result(status);
    }

    public static long Protect(Process process, ulong address, ulong length, ulong protection)
    {
        if (!TryAccess(protection, out RegionAccess access))
        {
            return -(long)SyscallStatus.BadArgument;
        }

        ulong flags = InterruptState.Disable();
        RegionStatus status = process.Regions.Protect(address, length, access);
        InterruptState.Restore(flags);
        if (status == RegionStatus.Ok)
        {
            ForEachMappedPage(process, address, length, access);
        }

        return Result(status);
    }

    /// <summary>
    /// Serves a page fault at <paramref name="address"/> with x86 error code
    /// <paramref name="errorCode"/> when it is the first touch of a page in one of the
    /// process's regions and the region allows that access: maps a zeroed frame. Returns false
    /// for every other fault (the caller ends the process). Interrupts off.
    /// </summary>
    public static bool TryServeFault(Process process, ulong address, ulong errorCode)
    {
        const ulong present = 1, write = 2, fetch = 16;
        RegionAccess needed = (errorCode & fetch) != 0 ? RegionAccess.Execute : (errorCode & write) != 0 ? RegionAccess.Write : RegionAccess.Read;
        RegionAccess access;
        if ((errorCode & present) != 0)
        {
            return false;
        }

        if (process.Regions.Find(address, out Region region))
        {
            access = region.Access;
        }
        else if (address >= process.StackLimit && address < process.StackTop)
        {
            access = RegionAccess.Read | RegionAccess.Write;
        }
        else
        {
            return false;
        }

        // A region that allows nothing, or not this access, is the program's bug.
        if ((access & needed) == 0 && !(needed == RegionAccess.Read && access != RegionAccess.None))
        {
            return false;
        }

        if (!process.Frames.TryAllocateFrame(out PhysAddr frame))
        {
            return false;
        }

        VirtualMemory.FrameBytes.Zero(frame);
        ulong page = address & ~(Page - 1);
        if (process.Space.Map(new VirtAddr(page), frame, Flags(access) | PageFlags.OwnedFrame, out _) != PagingStatus.Ok)
        {
            process.Frames.FreeFrame(frame);
            return false;
        }

        DemandPages++;
        return true;
    }

    /// <summary>
    /// Gives the not-yet-touched pages of [<paramref name="address"/>, +<paramref name="length"/>)
    /// their frames as a touch by the program would (for writing when <paramref name="write"/>),
    /// so that a system call copying into or out of reserved memory works whether or not the
    /// program touched it first. Pages already mapped are left alone; a page that no region
    /// (or the stack) covers with that access stays unmapped, and the copy that follows
    /// reports it. Interrupts off; the range is at most a few pages (callers copy in chunks).
    /// </summary>
    public static void FaultIn(Process process, ulong address, ulong length, bool write)
    {
        const ulong writeError = 2;
        if (length == 0 || address >= UserAbi.UserTop || UserAbi.UserTop - address < length)
        {
            return;
        }

        for (ulong page = address & ~(Page - 1); page < address + length; page += Page)
        {
            if (process.Space.Translate(new VirtAddr(page), out _, out _) != PagingStatus.Ok)
            {
                TryServeFault(process, page, write ? writeError : 0);
            }
        }
    }

    /// <summary>Page flags for a region's access: user, present, writable only with Write,
    /// executable only with Execute. A region with no access has no pages at all.</summary>
    private static PageFlags Flags(RegionAccess access) =>
        PageFlags.Present | PageFlags.User
        | ((access & RegionAccess.Write) != 0 ? PageFlags.Writable : PageFlags.None)
        | ((access & RegionAccess.Execute) != 0 ? PageFlags.None : PageFlags.NoExecute);

    /// <summary>Visits the mapped pages of a range that the region map has just accepted:
    /// unmaps them and frees owned frames (<paramref name="access"/> null), or reprotects
    /// them (a region made inaccessible loses its pages instead).</summary>
    private static void ForEachMappedPage(Process process, ulong address, ulong length, RegionAccess? access)
    {
        AddressSpace space = process.Space;
        ulong interrupts = InterruptState.Disable();
        int batch = 0;
        bool flushedAny = false;
        for (ulong page = address; page < address + length; page += Page)
        {
            // A large region must not keep interrupts off for long: let them in now and then.
            // Other CPUs running the process drop their stale entries first: until then the
            // frames freed in this batch are reachable there, and with interrupts off and the
            // kernel lock held nobody can be handed them meanwhile.
            if (++batch == PagesPerBatch)
            {
                batch = 0;
                ShootdownIfShared(space, ref flushedAny);
                InterruptState.Restore(interrupts);
                interrupts = InterruptState.Disable();
            }

            bool current = VirtualMemory.IsLoaded(space.Root.Value);
            var virt = new VirtAddr(page);
            if (space.Translate(virt, out PhysAddr phys, out PageFlags flags) != PagingStatus.Ok)
            {
                continue;
            }

            bool flush;
            if (access is RegionAccess a && a != RegionAccess.None)
            {
                space.Protect(virt, Flags(a), out flush);
            }
            else
            {
                space.Unmap(virt, out _, out flush);
                if ((flags & PageFlags.OwnedFrame) != 0)
                {
                    process.Frames.FreeFrame(phys);
                }
            }

            if (flush && current)
            {
                Native.InvalidatePage(page);
            }

            flushedAny |= flush;
        }

        ShootdownIfShared(space, ref flushedAny);
        InterruptState.Restore(interrupts);
    }

    /// <summary>Has every other CPU flush its TLB when <paramref name="flushed"/> and the space
    /// is loaded on one of them (a thread of the process runs there). Interrupts off.</summary>
    private static void ShootdownIfShared(AddressSpace space, ref bool flushed)
    {
        if (flushed && VirtualMemory.IsLoadedElsewhere(space.Root.Value))
        {
            Cpus.ShootdownTlb();
        }

        flushed = false;
    }

    private static bool TryAccess(ulong protection, out RegionAccess access)
    {
        access = (RegionAccess)(int)(protection & 7);
        return protection <= 7 && RegionMap.IsValidAccess(access);
    }

    private static long Result(RegionStatus status) => status switch
    {
        RegionStatus.Ok => 0,
        RegionStatus.BadAccess => -(long)SyscallStatus.BadArgument,
        RegionStatus.Full => -(long)SyscallStatus.LimitReached,
        _ => -(long)SyscallStatus.BadAddress,
    };
}

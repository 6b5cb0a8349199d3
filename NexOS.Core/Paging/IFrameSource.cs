using NexOS.Core.Memory;

namespace NexOS.Core.Paging;

/// <summary>
/// Where <see cref="AddressSpace"/> gets frames for page tables and gives them back. The
/// kernel implements it over the buddy allocator (order 0); tests over a bounded pool. Both
/// members must not allocate managed memory or throw.
/// </summary>
public interface IFrameSource
{
    /// <summary>Hands out one 4 KiB-aligned frame that the page-table memory can reach, with
    /// any contents (the address space zeroes it). Returns false, with
    /// <paramref name="frame"/> zero, when none is left.</summary>
    bool TryAllocateFrame(out PhysAddr frame);

    /// <summary>Takes back a frame that <see cref="TryAllocateFrame"/> handed out and that is no
    /// longer referenced by any page table.</summary>
    void FreeFrame(PhysAddr frame);
}

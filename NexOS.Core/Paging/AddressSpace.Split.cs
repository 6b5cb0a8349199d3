using NexOS.Core.Memory;

namespace NexOS.Core.Paging;

/// <summary>Breaking a large leaf into the next smaller size, so that one page inside it can
/// change on its own (a guard page under a stack that happens to lie in a 2 MiB leaf).</summary>
public sealed partial class AddressSpace
{
    /// <summary>
    /// Replaces the 2 MiB or 1 GiB leaf that maps <paramref name="virt"/> with a table of 512
    /// leaves of the next size down (4 KiB or 2 MiB), mapping the same memory with the same
    /// flags (bit 9 aside: a big leaf is never owned, see <see cref="PageFlags.OwnedFrame"/>,
    /// so neither are its pieces). The new table is filled before it is linked in, so the
    /// CPU's walker never sees it half-written; the old translation stays valid for every
    /// address, so only the caller's eventual change needs a TLB flush, which
    /// <paramref name="flush"/> asks for anyway.
    /// Returns <see cref="PagingStatus.NotMapped"/> when nothing maps the address,
    /// <see cref="PagingStatus.AlreadyMapped"/> when a 4 KiB leaf already does (nothing to
    /// split), <see cref="PagingStatus.OutOfFrames"/> when no frame is left for the table,
    /// <see cref="PagingStatus.NotCanonical"/> for a non-canonical address, and the refusals
    /// every changing call shares (<see cref="PagingStatus.KernelRange"/> in a user space,
    /// <see cref="PagingStatus.Released"/>).
    /// </summary>
    public PagingStatus SplitLeaf(VirtAddr virt, out bool flush)
    {
        flush = false;
        if (!virt.IsCanonical)
        {
            return PagingStatus.NotCanonical;
        }

        PagingStatus status = CheckTarget(virt, PageFlags.None);
        if (status != PagingStatus.Ok)
        {
            return status;
        }

        Span<ulong> tables = stackalloc ulong[Levels + 1];
        Span<ulong> entries = stackalloc ulong[Levels + 1];
        int level = Probe(virt, 1, tables, entries);
        ulong entry = entries[level];
        if (!PageTableEntry.IsPresent(entry))
        {
            return PagingStatus.NotMapped;
        }

        if (level == 1)
        {
            return PagingStatus.AlreadyMapped;
        }

        if (!_frames.TryAllocateFrame(out PhysAddr frame))
        {
            return PagingStatus.OutOfFrames;
        }

        ulong span = SpanOf(level);
        ulong childSpan = SpanOf(level - 1);
        ulong baseAddress = PageTableEntry.LeafAddress(entry, span);

        // The child leaves keep every flag but the size bit, which only 2 MiB children have,
        // and bit 9: a big leaf is never owned, so its pieces are borrowed too.
        ulong childFlags = entry & ~PageTableEntry.AddressMask & ~(ulong)PageFlags.Huge & ~OwnedBit;
        if (level - 1 > 1)
        {
            childFlags |= (ulong)PageFlags.Huge;
        }

        for (int i = 0; i < Entries; i++)
        {
            _memory.WriteEntry(frame, i, (baseAddress + ((ulong)i * childSpan)) | childFlags);
        }

        // The table entry grants everything; the leaves below decide.
        ulong tableBits = (ulong)PageTableEntry.TableFlags | (entry & (ulong)PageFlags.User);
        _memory.WriteEntry(new PhysAddr(tables[level]), virt.TableIndex(level), frame.Value | tableBits);
        _tableFrames++;
        flush = true;
        return PagingStatus.Ok;
    }
}

using NexOS.Core.Memory;

namespace NexOS.Core.Paging;

/// <summary>Walking the tables towards one address, and writing a leaf with the tables above it.</summary>
public sealed partial class AddressSpace
{
    /// <summary>Maps one leaf of <see cref="SpanOf"/>(<paramref name="leafLevel"/>) bytes
    /// (level 1 or 2): validate, allocate the missing tables, then write bottom-up so the
    /// CPU's walker never sees a table before its contents.</summary>
    private PagingStatus MapLeaf(VirtAddr virt, PhysAddr phys, PageFlags flags, int leafLevel, out bool flush)
    {
        flush = false;
        PagingStatus status = CheckLeaf(virt, phys, SpanOf(leafLevel), flags);
        status = status == PagingStatus.Ok ? CheckTarget(virt, flags) : status;
        Span<ulong> tables = stackalloc ulong[Levels + 1];
        Span<ulong> entries = stackalloc ulong[Levels + 1];
        int level = 0;
        if (status == PagingStatus.Ok)
        {
            status = CheckSlot(virt, leafLevel, tables, entries, out level);
        }

        if (status != PagingStatus.Ok)
        {
            return status;
        }

        // The walk stopped at a missing entry at 'level'; tables for levels level-1 down to
        // leafLevel are needed. fresh[i] becomes the table at level level-1-i.
        int missing = level - leafLevel;
        Span<ulong> fresh = stackalloc ulong[Levels - 1];
        for (int i = 0; i < missing; i++)
        {
            if (!_frames.TryAllocateFrame(out PhysAddr frame))
            {
                for (int j = 0; j < i; j++)
                {
                    _frames.FreeFrame(new PhysAddr(fresh[j]));
                }

                return PagingStatus.OutOfFrames;
            }

            fresh[i] = frame.Value;
            _memory.ZeroPage(frame);
        }

        ulong tableBits = (ulong)PageTableEntry.TableFlags | ((ulong)flags & (ulong)PageFlags.User);
        ulong leafTable = missing > 0 ? fresh[missing - 1] : tables[level];
        PageFlags sizeBit = leafLevel > 1 ? PageFlags.Huge : PageFlags.None;
        ulong leaf = PageTableEntry.Create(phys.Value, flags | PageFlags.Present | sizeBit);
        _memory.WriteEntry(new PhysAddr(leafTable), virt.TableIndex(leafLevel), leaf);
        for (int i = missing - 1; i > 0; i--)
        {
            _memory.WriteEntry(new PhysAddr(fresh[i - 1]), virt.TableIndex(level - i), fresh[i] | tableBits);
        }

        if (missing > 0)
        {
            _memory.WriteEntry(new PhysAddr(tables[level]), virt.TableIndex(level), fresh[0] | tableBits);
            _tableFrames += missing;
        }

        flush = WidenPath(virt, level + 1, tables, entries, flags);
        return PagingStatus.Ok;
    }

    /// <summary>Checks that a leaf of level <paramref name="leafLevel"/> may go at
    /// <paramref name="virt"/>: walks down to that level and reports where the walk stopped
    /// (a missing entry, or the free leaf slot itself).</summary>
    private PagingStatus CheckSlot(VirtAddr virt, int leafLevel, Span<ulong> tables, Span<ulong> entries, out int level)
    {
        level = Probe(virt, leafLevel, tables, entries);
        ulong entry = entries[level];
        if (!PageTableEntry.IsPresent(entry))
        {
            return PagingStatus.Ok;
        }

        // Present above the leaf level means a bigger leaf covers virt; present at the leaf
        // level is either the same kind of leaf (already mapped) or a table under a 2 MiB slot.
        if (level > leafLevel)
        {
            return PagingStatus.HugePageConflict;
        }

        return leafLevel == 1 || PageTableEntry.IsHuge(entry) ? PagingStatus.AlreadyMapped : PagingStatus.HugePageConflict;
    }

    /// <summary>
    /// Walks from the root towards <paramref name="virt"/>, recording each table in
    /// tables[level] and the entry read there in entries[level], and stops at the first entry
    /// that is not present or is a leaf, or at <paramref name="stopLevel"/>. Returns the level
    /// it stopped at. Bounded by the four levels, so even corrupt tables cannot make it loop.
    /// </summary>
    private int Probe(VirtAddr virt, int stopLevel, Span<ulong> tables, Span<ulong> entries)
    {
        ulong table = Root.Value;
        int level = Levels;
        while (true)
        {
            ulong entry = _memory.ReadEntry(new PhysAddr(table), virt.TableIndex(level));
            tables[level] = table;
            entries[level] = entry;
            if (level <= stopLevel || IsLeafOrAbsent(entry, level))
            {
                return level;
            }

            table = PageTableEntry.Address(entry);
            level--;
        }
    }

    /// <summary>
    /// Gives the existing table entries of levels <paramref name="fromLevel"/> to 4 on the path
    /// to <paramref name="virt"/> the permissions a leaf with <paramref name="flags"/> needs:
    /// Writable and User where the leaf has them, NoExecute cleared where the leaf is
    /// executable. Returns true when an entry changed (the TLB must then be flushed for virt).
    /// In tables built here this only ever adds User; in adopted tables it may also open up
    /// sibling leaves that relied on the table entry for their restriction.
    /// </summary>
    private bool WidenPath(VirtAddr virt, int fromLevel, Span<ulong> tables, Span<ulong> entries, PageFlags flags)
    {
        bool changed = false;
        for (int l = fromLevel; l <= Levels; l++)
        {
            ulong widened = entries[l] | ((ulong)flags & WriteUserBits);
            widened = (flags & PageFlags.NoExecute) == 0 ? widened & ~NoExecuteBit : widened;
            if (widened != entries[l])
            {
                _memory.WriteEntry(new PhysAddr(tables[l]), virt.TableIndex(l), widened);
                entries[l] = widened;
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>Validation shared by every call that writes a leaf of <paramref name="size"/>.</summary>
    private static PagingStatus CheckLeaf(VirtAddr virt, PhysAddr phys, ulong size, PageFlags flags)
    {
        if ((flags & ~PageTableEntry.LeafFlags) != 0)
        {
            return PagingStatus.InvalidFlags;
        }

        if (!virt.IsCanonical)
        {
            return PagingStatus.NotCanonical;
        }

        if (!virt.IsAligned(size) || (phys.Value & (size - 1)) != 0)
        {
            return PagingStatus.Misaligned;
        }

        return phys.Value > PageTableEntry.MaxPhysAddress ? PagingStatus.PhysOutOfRange : PagingStatus.Ok;
    }

    /// <summary>True when an entry at <paramref name="level"/> ends a walk: not present, or a
    /// leaf (every level-1 entry; a Huge one at level 2 or 3; bit 7 is reserved at level 4).</summary>
    private static bool IsLeafOrAbsent(ulong entry, int level) =>
        !PageTableEntry.IsPresent(entry) || level == 1 || (level <= 3 && PageTableEntry.IsHuge(entry));

    /// <summary>Bytes one entry at <paramref name="level"/> covers: 4 KiB, 2 MiB, 1 GiB, 512 GiB.</summary>
    private static ulong SpanOf(int level) => 1UL << (3 + (9 * level));
}

using NexOS.Core.Memory;

namespace NexOS.Core.Paging;

/// <summary>Mapping and unmapping ranges of pages, all or nothing.</summary>
public sealed partial class AddressSpace
{
    /// <summary>
    /// Maps [<paramref name="virt"/>, +<paramref name="length"/>) to the physical range at
    /// <paramref name="phys"/> with <paramref name="flags"/>, as <see cref="Map"/> would page by
    /// page. With <paramref name="allowHuge"/>, each step where both addresses and the rest of
    /// the length are 2 MiB aligned uses a 2 MiB leaf instead (unless a page table already
    /// sits in that slot, or <paramref name="flags"/> hold <see cref="PageFlags.OwnedFrame"/>:
    /// only 4 KiB leaves can be owned, so an owned range always uses them). All or nothing:
    /// the whole range is checked first (canonical, aligned, nothing mapped in it, and in a
    /// user space not starting under the shared entries, see <see cref="TryCreateUser"/>),
    /// and if a table cannot be allocated part-way, everything this call mapped is unmapped
    /// again and its tables freed (when <see cref="OwnsTables"/>), with <paramref name="flush"/>
    /// set because the CPU may have cached the short-lived entries. Only table entries widened
    /// on the way (as <see cref="Map"/> does) stay widened, and in a space that does not own
    /// its tables the emptied tables stay. A length of 0 does nothing (but is still refused
    /// under a user space's shared entries).
    /// </summary>
    public PagingStatus MapRange(VirtAddr virt, PhysAddr phys, ulong length, PageFlags flags, bool allowHuge, out bool flush)
    {
        flush = false;
        PagingStatus status = (flags & ~PageTableEntry.LeafFlags) != 0 ? PagingStatus.InvalidFlags : CheckRange(virt, length);
        status = status == PagingStatus.Ok ? CheckTarget(virt, flags) : status;
        if (status != PagingStatus.Ok)
        {
            return status;
        }

        if ((phys.Value & (PageSize - 1)) != 0)
        {
            return PagingStatus.Misaligned;
        }

        if (length > 0 && (phys.Value > PageTableEntry.MaxPhysAddress || length - 1 > PageTableEntry.MaxPhysAddress - phys.Value))
        {
            return PagingStatus.PhysOutOfRange;
        }

        allowHuge &= (flags & PageFlags.OwnedFrame) == 0;
        Span<ulong> tables = stackalloc ulong[Levels + 1];
        Span<ulong> entries = stackalloc ulong[Levels + 1];
        ulong offset = 0;
        while (offset < length)
        {
            VirtAddr v = virt + offset;
            int leafLevel = LeafLevelFor(v, phys + offset, length - offset, allowHuge, tables, entries);
            status = CheckSlot(v, leafLevel, tables, entries, out int level);
            if (status != PagingStatus.Ok)
            {
                return status;
            }

            // A missing entry above the leaf level means its whole span is free: skip it.
            offset = Advance(virt, v, SpanOf(level > leafLevel ? level : leafLevel), length);
        }

        offset = 0;
        while (offset < length)
        {
            VirtAddr v = virt + offset;
            int leafLevel = LeafLevelFor(v, phys + offset, length - offset, allowHuge, tables, entries);
            status = MapLeaf(v, phys + offset, flags, leafLevel, out bool widened);
            flush |= widened;
            if (status != PagingStatus.Ok)
            {
                UnmapChecked(virt, offset);
                flush = offset > 0 || flush;
                return status;
            }

            offset += SpanOf(leafLevel);
        }

        return PagingStatus.Ok;
    }

    /// <summary>
    /// Removes every mapping in [<paramref name="virt"/>, +<paramref name="length"/>),
    /// skipping holes, and frees tables left empty (when <see cref="OwnsTables"/>). 2 MiB and
    /// 1 GiB leaves must lie wholly inside the range: one that sticks out gives
    /// <see cref="PagingStatus.HugePageConflict"/> before anything changes.
    /// <paramref name="flush"/> is set when something was unmapped; flush the range, or reload
    /// CR3 when it is large. Callers that own the mapped frames collect them first with
    /// <see cref="Translate"/> or <see cref="VisitRegions"/>.
    /// </summary>
    public PagingStatus UnmapRange(VirtAddr virt, ulong length, out bool flush)
    {
        flush = false;
        PagingStatus status = CheckRange(virt, length);
        status = status == PagingStatus.Ok ? CheckTarget(virt, PageFlags.None) : status;
        if (status != PagingStatus.Ok)
        {
            return status;
        }

        Span<ulong> tables = stackalloc ulong[Levels + 1];
        Span<ulong> entries = stackalloc ulong[Levels + 1];
        ulong offset = 0;
        while (offset < length)
        {
            VirtAddr v = virt + offset;
            int level = Probe(v, 1, tables, entries);
            ulong span = SpanOf(level);
            if (PageTableEntry.IsPresent(entries[level])
                && (v.AlignDown(span) < virt || span - 1 > length - 1 - (v.AlignDown(span) - virt)))
            {
                return PagingStatus.HugePageConflict;
            }

            offset = Advance(virt, v, span, length);
        }

        flush = UnmapChecked(virt, length);
        return PagingStatus.Ok;
    }

    /// <summary>Unmaps a range already known to hold only leaves wholly inside it. Returns
    /// whether any leaf was cleared.</summary>
    private bool UnmapChecked(VirtAddr virt, ulong length)
    {
        Span<ulong> tables = stackalloc ulong[Levels + 1];
        Span<ulong> entries = stackalloc ulong[Levels + 1];
        bool cleared = false;
        ulong offset = 0;
        while (offset < length)
        {
            VirtAddr v = virt + offset;
            int level = Probe(v, 1, tables, entries);
            if (PageTableEntry.IsPresent(entries[level]))
            {
                ClearLeaf(v, level, tables);
                cleared = true;
            }

            offset = Advance(virt, v, SpanOf(level), length);
        }

        return cleared;
    }

    /// <summary>The level of leaf a range step at <paramref name="virt"/> uses: 2 (2 MiB) when
    /// allowed, both addresses and the remaining length are 2 MiB aligned and no page table
    /// occupies the slot; otherwise 1. Depends only on that slot, which earlier steps of the
    /// same range never touch, so the checking and the mapping pass decide alike.</summary>
    private int LeafLevelFor(
        VirtAddr virt, PhysAddr phys, ulong remaining, bool allowHuge, Span<ulong> tables, Span<ulong> entries)
    {
        if (!allowHuge || remaining < HugePageSize || !virt.IsAligned(HugePageSize) || (phys.Value & (HugePageSize - 1)) != 0)
        {
            return 1;
        }

        int level = Probe(virt, 2, tables, entries);
        bool tableThere = level == 2 && PageTableEntry.IsPresent(entries[2]) && !PageTableEntry.IsHuge(entries[2]);
        return tableThere ? 1 : 2;
    }

    /// <summary>Offset from <paramref name="start"/> of the end of the
    /// <paramref name="span"/>-aligned block holding <paramref name="current"/>, capped at
    /// <paramref name="length"/>. Unsigned wrap-around keeps the arithmetic exact even when the
    /// block starts below <paramref name="start"/>.</summary>
    private static ulong Advance(VirtAddr start, VirtAddr current, ulong span, ulong length)
    {
        ulong next = current.AlignDown(span).Value - start.Value + span;
        return next < length ? next : length;
    }

    /// <summary>A range is usable when it is page aligned and its first and last bytes are
    /// canonical and in the same half (so it neither wraps nor crosses the hole).</summary>
    private static PagingStatus CheckRange(VirtAddr virt, ulong length)
    {
        if (!virt.IsCanonical)
        {
            return PagingStatus.NotCanonical;
        }

        if (!virt.IsAligned(PageSize) || (length & (PageSize - 1)) != 0)
        {
            return PagingStatus.Misaligned;
        }

        if (length == 0)
        {
            return PagingStatus.Ok;
        }

        if (length - 1 > ulong.MaxValue - virt.Value)
        {
            return PagingStatus.NotCanonical;
        }

        VirtAddr last = virt + (length - 1);
        return last.IsCanonical && last.IsLowerHalf == virt.IsLowerHalf ? PagingStatus.Ok : PagingStatus.NotCanonical;
    }
}

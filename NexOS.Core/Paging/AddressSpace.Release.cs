using NexOS.Core.Memory;

namespace NexOS.Core.Paging;

/// <summary>Measuring a user space, and tearing it down with the frames it owns.</summary>
public sealed partial class AddressSpace
{
    /// <summary>
    /// Counts what this user space holds outside the entries it shares with the kernel: owned
    /// and borrowed pages and its own page tables (for a process listing). Reads every table
    /// of its own once; allocates nothing. Returns false, with <paramref name="usage"/>
    /// zero, when this is not a user space or it has been released.
    /// </summary>
    public bool CountUserPages(out UserSpaceUsage usage)
    {
        usage = default;
        if (!IsUserSpace || _released)
        {
            return false;
        }

        var tally = default(Tally);
        TallyTable(Root.Value, Levels, free: false, ref tally);
        usage = new UserSpaceUsage(tally.Owned, tally.Borrowed, tally.Tables);
        return true;
    }

    /// <summary>
    /// Tears this user space down: walks the top-level entries it does not share, gives every
    /// frame a 4 KiB leaf owns (<see cref="PageFlags.OwnedFrame"/>) back to the frame source,
    /// drops borrowed leaves (2 MiB and 1 GiB ones included) without freeing what they map,
    /// then frees each of its tables, bottom-up, and the PML4 last. The kernel's shared tables
    /// are never entered. Reports in <paramref name="freed"/> what went (as
    /// <see cref="CountUserPages"/> would have counted it; borrowed pages were only dropped).
    /// Recursion is four levels deep at most; allocates nothing.
    /// <para>
    /// No CPU may be running on this space: switch CR3 away first (its leaves are never
    /// global, so that drops them from the TLB). Owned frames go to this space's frame source,
    /// so they must have come from it, and a frame must be owned by one leaf only. Returns
    /// false, freeing nothing, when this is not a user space or it was released already; after
    /// a true return every call on it is refused with <see cref="PagingStatus.Released"/>.
    /// </para>
    /// </summary>
    public bool ReleaseUserSpace(out UserSpaceUsage freed)
    {
        freed = default;
        if (!IsUserSpace || _released)
        {
            return false;
        }

        var tally = default(Tally);
        TallyTable(Root.Value, Levels, free: true, ref tally);
        _released = true;
        _tableFrames = 0;
        freed = new UserSpaceUsage(tally.Owned, tally.Borrowed, tally.Tables);
        return true;
    }

    /// <summary>Counts (and with <paramref name="free"/> frees) the leaves and tables at and
    /// under <paramref name="table"/> of <paramref name="level"/>, skipping the shared
    /// top-level entries. A table is freed only after all its entries were read, and only
    /// once its children are gone. Depth is at most four.</summary>
    private void TallyTable(ulong table, int level, bool free, ref Tally tally)
    {
        for (int i = level == Levels ? _sharedTop : 0; i < Entries; i++)
        {
            ulong entry = _memory.ReadEntry(new PhysAddr(table), i);
            if (!PageTableEntry.IsPresent(entry))
            {
                continue;
            }

            if (!IsLeafOrAbsent(entry, level))
            {
                TallyTable(PageTableEntry.Address(entry), level - 1, free, ref tally);
            }
            else if (level == 1 && (entry & OwnedBit) != 0)
            {
                tally.Owned++;
                if (free)
                {
                    _frames.FreeFrame(new PhysAddr(PageTableEntry.Address(entry)));
                }
            }
            else
            {
                tally.Borrowed += SpanOf(level) / PageSize;
            }
        }

        tally.Tables++;
        if (free)
        {
            _frames.FreeFrame(new PhysAddr(table));
        }
    }

    /// <summary>The sums <see cref="TallyTable"/> builds.</summary>
    private struct Tally
    {
        public ulong Owned;
        public ulong Borrowed;
        public long Tables;
    }
}

using NexOS.Core.Memory;

namespace NexOS.Core.Paging;

/// <summary>Unmapping, changing a mapping's flags, and giving tables back.</summary>
public sealed partial class AddressSpace
{
    /// <summary>Bits of a leaf that <see cref="Protect"/> keeps: the address, the bits the
    /// CPU ignores (9-11, 52-62, free for software use), Accessed and Dirty (history, not
    /// permission), and bit 7 (PAT in a 4 KiB leaf, Huge in a bigger one).</summary>
    private const ulong ProtectKeeps = PageTableEntry.AddressMask | 0x7FF0_0000_0000_0E00UL
        | (ulong)(PageFlags.Accessed | PageFlags.Dirty | PageFlags.Huge);

    /// <summary>
    /// Removes the 4 KiB mapping at <paramref name="virt"/> and returns the frame it mapped in
    /// <paramref name="phys"/>. Returns <see cref="PagingStatus.NotMapped"/> when there is
    /// none and <see cref="PagingStatus.HugePageConflict"/> when a 2 MiB or 1 GiB leaf covers
    /// the address (<see cref="UnmapRange"/> removes those whole). When
    /// <see cref="OwnsTables"/>, tables left empty are freed, bottom-up, the PML4 never, nor a
    /// table linked from a top-level entry that user spaces share; the flush this call always
    /// asks for also drops the CPU's cached copies of them (invlpg invalidates the
    /// paging-structure caches too). The frame is the caller's to free, owned or not.
    /// </summary>
    public PagingStatus Unmap(VirtAddr virt, out PhysAddr phys, out bool flush)
    {
        phys = default;
        flush = false;
        if (!virt.IsCanonical)
        {
            return PagingStatus.NotCanonical;
        }

        if (!virt.IsAligned(PageSize))
        {
            return PagingStatus.Misaligned;
        }

        PagingStatus status = CheckTarget(virt, PageFlags.None);
        if (status != PagingStatus.Ok)
        {
            return status;
        }

        Span<ulong> tables = stackalloc ulong[Levels + 1];
        Span<ulong> entries = stackalloc ulong[Levels + 1];
        int level = Probe(virt, 1, tables, entries);
        if (!PageTableEntry.IsPresent(entries[level]))
        {
            return PagingStatus.NotMapped;
        }

        if (level > 1)
        {
            return PagingStatus.HugePageConflict;
        }

        phys = new PhysAddr(PageTableEntry.Address(entries[1]));
        ClearLeaf(virt, 1, tables);
        flush = true;
        return PagingStatus.Ok;
    }

    /// <summary>
    /// Replaces the flags of the present leaf that maps <paramref name="virt"/> (4 KiB
    /// aligned) with <paramref name="flags"/> (Present implied, Huge refused), keeping its
    /// address, Accessed, Dirty and software bits. Ownership is not a permission: the leaf's
    /// <see cref="PageFlags.OwnedFrame"/> stays as it is, and passing the flag (as flags read
    /// back from <see cref="Translate"/> may) neither adds nor removes it, so Protect can never
    /// turn a borrowed frame into one the space would free. For a 2 MiB or 1 GiB leaf,
    /// <paramref name="virt"/> must be its first address and the whole leaf changes; any other
    /// address inside it gives <see cref="PagingStatus.HugePageConflict"/>. Table entries on
    /// the path are widened as <see cref="Map"/> does. <paramref name="flush"/> is set when
    /// anything changed.
    /// </summary>
    public PagingStatus Protect(VirtAddr virt, PageFlags flags, out bool flush)
    {
        flush = false;
        PagingStatus status = CheckLeaf(virt, default, PageSize, flags);
        status = status == PagingStatus.Ok ? CheckTarget(virt, flags) : status;
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

        if (!virt.IsAligned(SpanOf(level)))
        {
            return PagingStatus.HugePageConflict;
        }

        ulong updated = (entry & ProtectKeeps) | ((ulong)flags & ~OwnedBit) | (ulong)PageFlags.Present;
        if (updated != entry)
        {
            _memory.WriteEntry(new PhysAddr(tables[level]), virt.TableIndex(level), updated);
            flush = true;
        }

        flush |= WidenPath(virt, level + 1, tables, entries, flags);
        return PagingStatus.Ok;
    }

    /// <summary>
    /// Frees every table frame of this space, the PML4 included, without touching the frames
    /// the leaves map; for tearing a space down once no CPU uses it. Returns false, freeing
    /// nothing, when the space does not own its tables, is a user space (use
    /// <see cref="ReleaseUserSpace"/>), shares tables with user spaces (see
    /// <see cref="TryCreateUser"/>) or is already released. After a true return every call
    /// is refused with <see cref="PagingStatus.Released"/>.
    /// </summary>
    public bool ReleaseTables()
    {
        if (!OwnsTables || IsUserSpace || _pinnedTop > 0 || _released)
        {
            return false;
        }

        FreeTableTree(Root.Value, Levels);
        _released = true;
        return true;
    }

    /// <summary>Clears the leaf for <paramref name="virt"/> at <paramref name="level"/> in
    /// tables[level], then, when the space owns its tables, frees each table on the path that
    /// is now empty: the parent entry is cleared before the frame goes back.</summary>
    private void ClearLeaf(VirtAddr virt, int level, Span<ulong> tables)
    {
        _memory.WriteEntry(new PhysAddr(tables[level]), virt.TableIndex(level), 0);
        if (!OwnsTables)
        {
            return;
        }

        for (int l = level; l < Levels; l++)
        {
            // A table under a top-level entry user spaces copied stays, even when empty.
            bool pinned = l == Levels - 1 && virt.Pml4Index < _pinnedTop;
            if (pinned || !IsTableEmpty(tables[l], virt.TableIndex(l)))
            {
                return;
            }

            _memory.WriteEntry(new PhysAddr(tables[l + 1]), virt.TableIndex(l + 1), 0);
            _frames.FreeFrame(new PhysAddr(tables[l]));
            _tableFrames--;
        }
    }

    /// <summary>True when no entry of the table is present. Starts just after
    /// <paramref name="cleared"/> (known empty) and wraps, so unmapping a range upwards finds
    /// the next present entry at once instead of rescanning the cleared ones.</summary>
    private bool IsTableEmpty(ulong table, int cleared)
    {
        for (int n = 1; n < Entries; n++)
        {
            int i = (cleared + n) & (Entries - 1);
            if (PageTableEntry.IsPresent(_memory.ReadEntry(new PhysAddr(table), i)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Frees the tables below <paramref name="table"/> (a table of
    /// <paramref name="level"/>), then the table itself. Recursion depth is at most four.</summary>
    private void FreeTableTree(ulong table, int level)
    {
        for (int i = 0; level > 1 && i < Entries; i++)
        {
            ulong entry = _memory.ReadEntry(new PhysAddr(table), i);
            if (!IsLeafOrAbsent(entry, level))
            {
                FreeTableTree(PageTableEntry.Address(entry), level - 1);
            }
        }

        _frames.FreeFrame(new PhysAddr(table));
        _tableFrames--;
    }
}

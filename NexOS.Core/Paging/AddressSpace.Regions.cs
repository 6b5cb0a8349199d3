using NexOS.Core.Memory;

namespace NexOS.Core.Paging;

/// <summary>Walking every mapping, for diagnostics (the shell's vm listing) and accounting.</summary>
public sealed partial class AddressSpace
{
    private const ulong RegionIgnores = (ulong)(PageFlags.Accessed | PageFlags.Dirty | PageFlags.Huge);

    /// <summary>
    /// Calls <paramref name="visitor"/> for each run of mapped pages, lowest address first,
    /// merging virtually consecutive leaves whose flags (see <see cref="MappedRegion"/>) are
    /// equal. Returns false when the visitor stopped the walk. Reads each table once; never
    /// allocates when <typeparamref name="TVisitor"/> is a struct that does not. A user space
    /// lists the kernel's shared mappings too (<see cref="CountUserPages"/> leaves them out);
    /// a released space lists nothing.
    /// </summary>
    public bool VisitRegions<TVisitor>(ref TVisitor visitor)
        where TVisitor : IMappedRegionVisitor
    {
        var run = default(Run);
        if (_released)
        {
            return true;
        }

        if (!VisitTable(Root.Value, Levels, 0, WriteUserBits, 0, ref run, ref visitor))
        {
            return false;
        }

        return !run.Active || visitor.Visit(run.ToRegion());
    }

    /// <summary>Number of 4 KiB pages mapped: a 2 MiB leaf counts 512, a 1 GiB leaf 262144.
    /// Walks every table; does not allocate.</summary>
    public ulong CountMappedPages()
    {
        var counter = default(PageCounter);
        VisitRegions(ref counter);
        return counter.Bytes / PageSize;
    }

    /// <summary>Visits the present entries of one table. <paramref name="allowed"/> and
    /// <paramref name="noExecute"/> carry the levels above, combined as the CPU does. Depth is
    /// at most four, so corrupt tables cannot make it recurse without end.</summary>
    private bool VisitTable<TVisitor>(
        ulong table, int level, ulong baseVirt, ulong allowed, ulong noExecute, ref Run run, ref TVisitor visitor)
        where TVisitor : IMappedRegionVisitor
    {
        ulong span = SpanOf(level);
        for (int i = 0; i < Entries; i++)
        {
            ulong entry = _memory.ReadEntry(new PhysAddr(table), i);
            if (!PageTableEntry.IsPresent(entry))
            {
                continue;
            }

            // PML4 index 256 and up is the higher half: bit 47 set, copied upwards.
            ulong virt = baseVirt + ((ulong)i * span);
            virt = level == Levels ? VirtAddr.Canonicalize(virt).Value : virt;
            ulong a = allowed & entry;
            ulong x = noExecute | (entry & NoExecuteBit);
            if (!IsLeafOrAbsent(entry, level))
            {
                if (!VisitTable(PageTableEntry.Address(entry), level - 1, virt, a, x, ref run, ref visitor))
                {
                    return false;
                }

                continue;
            }

            ulong own = (ulong)PageTableEntry.Flags(entry) & ~(WriteUserBits | NoExecuteBit | RegionIgnores);
            own = level == 1 ? own : own & ~OwnedBit;
            var flags = (PageFlags)(own | a | x);
            ulong phys = PageTableEntry.LeafAddress(entry, span);
            if (run.Active && run.Start + run.Length == virt && run.Flags == flags)
            {
                run.Contiguous &= run.Phys + run.Length == phys;
                run.Length += span;
                continue;
            }

            if (run.Active && !visitor.Visit(run.ToRegion()))
            {
                return false;
            }

            run = new Run { Active = true, Start = virt, Length = span, Phys = phys, Flags = flags, Contiguous = true };
        }

        return true;
    }

    /// <summary>The run being built while walking.</summary>
    private struct Run
    {
        public bool Active;
        public ulong Start;
        public ulong Length;
        public ulong Phys;
        public PageFlags Flags;
        public bool Contiguous;

        public readonly MappedRegion ToRegion() =>
            new(new VirtAddr(Start), Length, new PhysAddr(Phys), Flags, Contiguous);
    }

    /// <summary>Sums run lengths for <see cref="CountMappedPages"/>.</summary>
    private struct PageCounter : IMappedRegionVisitor
    {
        public ulong Bytes;

        public bool Visit(in MappedRegion region)
        {
            Bytes += region.Length;
            return true;
        }
    }
}

using NexOS.Core.Memory;

namespace NexOS.Core.Paging;

/// <summary>
/// One x86-64 address space: a PML4 and the tables under it (4-level paging, 4 KiB pages,
/// 2 MiB pages on request, 1 GiB pages understood when found). The tables are reached through
/// <see cref="IPageTableMemory"/> and new ones come from <see cref="IFrameSource"/>, so the
/// same code runs on the real machine and against emulated memory in tests.
/// <para>
/// Map, unmap, protect, translate and the range calls never allocate managed memory and never
/// throw: they check the whole request first and only then write, so a refused request (any
/// status but <see cref="PagingStatus.Ok"/>) leaves the tables and the frame source as they
/// were. (One exception, see <see cref="MapRange"/>: a range that runs out of frames part-way
/// is rolled back, but table entries it widened on the way stay widened.)
/// </para>
/// <para>
/// The mutating calls report through <c>flush</c> whether an entry the CPU may have cached
/// changed; the caller must then invalidate the TLB for the affected addresses (invlpg per
/// page, or a CR3 reload for large ranges) on every CPU using this space before relying on the
/// change or reusing a freed frame. Making a not-present entry present needs no flush, because
/// the CPU never caches not-present entries.
/// </para>
/// <para>
/// A user space (<see cref="TryCreateUser"/>) shares its first top-level entries with the
/// kernel's space and refuses changes under them with <see cref="PagingStatus.KernelRange"/>;
/// it is torn down with <see cref="ReleaseUserSpace"/>, which also frees the frames its leaves
/// own (<see cref="PageFlags.OwnedFrame"/>). A released space refuses every call with
/// <see cref="PagingStatus.Released"/>.
/// </para>
/// <para>
/// Not thread-safe: callers serialise access to one space. Entries are updated by plain
/// read-then-write, so an Accessed or Dirty bit the CPU sets in between (on another CPU
/// running this space) can be lost by <see cref="Protect"/>.
/// </para>
/// </summary>
public sealed partial class AddressSpace
{
    /// <summary>Bytes in a 4 KiB page (a level-1 leaf).</summary>
    public const ulong PageSize = VirtAddr.PageSize;

    /// <summary>Bytes in a 2 MiB page (a level-2 leaf).</summary>
    public const ulong HugePageSize = 1UL << 21;

    /// <summary>Bytes in a 1 GiB page (a level-3 leaf).</summary>
    public const ulong GiantPageSize = 1UL << 30;

    private const int Entries = VirtAddr.EntriesPerTable;
    private const int Levels = 4;
    private const ulong WriteUserBits = (ulong)(PageFlags.Writable | PageFlags.User);
    private const ulong NoExecuteBit = (ulong)PageFlags.NoExecute;
    private const ulong OwnedBit = (ulong)PageFlags.OwnedFrame;

    private readonly IPageTableMemory _memory;
    private readonly IFrameSource _frames;
    private readonly int _sharedTop;
    private long _tableFrames;
    private int _pinnedTop;
    private bool _released;

    private AddressSpace(IPageTableMemory memory, IFrameSource frames, PhysAddr root, bool ownsTables, long tableFrames, int sharedTop)
    {
        _memory = memory;
        _frames = frames;
        Root = root;
        OwnsTables = ownsTables;
        _tableFrames = tableFrames;
        _sharedTop = sharedTop;
    }

    /// <summary>Physical address of the PML4: the value to load into CR3.</summary>
    public PhysAddr Root { get; }

    /// <summary>True when every table under <see cref="Root"/> came from the frame source, so
    /// tables emptied by unmapping are given back to it. False for adopted tables the source
    /// does not own (such as boot.asm's): then no table is ever freed.</summary>
    public bool OwnsTables { get; }

    /// <summary>Page-table frames this space holds from the frame source: when it owns its
    /// tables, all of them with the PML4; otherwise only those it created (never freed).</summary>
    public long TableFrames => _tableFrames;

    /// <summary>Creates an empty address space with a zeroed PML4 from
    /// <paramref name="frames"/>. Returns null when the source has no frame.</summary>
    public static AddressSpace? TryCreate(IPageTableMemory memory, IFrameSource frames)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(frames);
        if (!frames.TryAllocateFrame(out PhysAddr root))
        {
            return null;
        }

        memory.ZeroPage(root);
        return new AddressSpace(memory, frames, root, ownsTables: true, tableFrames: 1, sharedTop: 0);
    }

    /// <summary>Takes over existing tables rooted at <paramref name="root"/>. Pass
    /// <paramref name="ownsTables"/> true only when every table under it came from
    /// <paramref name="frames"/> (see <see cref="OwnsTables"/>). Throws
    /// <see cref="ArgumentException"/> when the root is not a 4 KiB-aligned address an entry
    /// can hold.</summary>
    public static AddressSpace Adopt(IPageTableMemory memory, IFrameSource frames, PhysAddr root, bool ownsTables)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(frames);
        if ((root.Value & ~PageTableEntry.AddressMask) != 0)
        {
            throw new ArgumentException("root must be 4 KiB aligned and below 2^52", nameof(root));
        }

        var space = new AddressSpace(memory, frames, root, ownsTables, tableFrames: 0, sharedTop: 0);
        space._tableFrames = ownsTables ? space.CountTables(root.Value, Levels) : 0;
        return space;
    }

    /// <summary>
    /// Maps the 4 KiB page at <paramref name="virt"/> to the frame at <paramref name="phys"/>
    /// with <paramref name="flags"/> (Present is implied; Huge is refused). Missing tables are
    /// created with Present|Writable, plus User above a user leaf, and never NoExecute, so the
    /// leaf alone decides; existing tables on the path are widened the same way when the leaf
    /// needs it (which sets <paramref name="flush"/>). Every table needed is allocated before
    /// anything is written, so <see cref="PagingStatus.OutOfFrames"/> leaves no trace.
    /// </summary>
    public PagingStatus Map(VirtAddr virt, PhysAddr phys, PageFlags flags, out bool flush) =>
        MapLeaf(virt, phys, flags, 1, out flush);

    /// <summary>
    /// Finds what <paramref name="virt"/> (any offset) maps to: the physical address and the
    /// effective flags, which combine the levels the way the CPU does (Writable and User only
    /// if every level has them, NoExecute if any level has it) and include Huge for 2 MiB and
    /// 1 GiB leaves, and <see cref="PageFlags.OwnedFrame"/> for an owned 4 KiB leaf (never for
    /// a bigger one). Returns <see cref="PagingStatus.NotMapped"/> (with zero outputs) when a
    /// level is not present, and <see cref="PagingStatus.Released"/> once the space is
    /// released. In a user space it reads the kernel's shared entries like any other.
    /// </summary>
    public PagingStatus Translate(VirtAddr virt, out PhysAddr phys, out PageFlags flags)
    {
        phys = default;
        flags = PageFlags.None;
        if (!virt.IsCanonical)
        {
            return PagingStatus.NotCanonical;
        }

        if (_released)
        {
            return PagingStatus.Released;
        }

        Span<ulong> tables = stackalloc ulong[Levels + 1];
        Span<ulong> entries = stackalloc ulong[Levels + 1];
        int level = Probe(virt, 1, tables, entries);
        ulong entry = entries[level];
        if (!PageTableEntry.IsPresent(entry))
        {
            return PagingStatus.NotMapped;
        }

        ulong allowed = WriteUserBits;
        ulong noExecute = 0;
        for (int l = Levels; l >= level; l--)
        {
            allowed &= entries[l];
            noExecute |= entries[l] & NoExecuteBit;
        }

        // In a level-1 entry bit 7 is the PAT bit, not Huge; only a level-1 leaf can be owned.
        ulong size = SpanOf(level);
        ulong own = (ulong)PageTableEntry.Flags(entry) & ~(WriteUserBits | NoExecuteBit);
        own = level == 1 ? own & ~(ulong)PageFlags.Huge : own & ~OwnedBit;
        phys = new PhysAddr(PageTableEntry.LeafAddress(entry, size) | (virt.Value & (size - 1)));
        flags = (PageFlags)(own | allowed | noExecute);
        return PagingStatus.Ok;
    }

    /// <summary>Tables at and under <paramref name="table"/> of <paramref name="level"/>.</summary>
    private long CountTables(ulong table, int level)
    {
        long count = 1;
        for (int i = 0; level > 1 && i < Entries; i++)
        {
            ulong entry = _memory.ReadEntry(new PhysAddr(table), i);
            if (!IsLeafOrAbsent(entry, level))
            {
                count += CountTables(PageTableEntry.Address(entry), level - 1);
            }
        }

        return count;
    }
}

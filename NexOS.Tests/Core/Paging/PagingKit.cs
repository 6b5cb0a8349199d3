using NexOS.Core.Memory;
using NexOS.Core.Paging;

namespace NexOS.Tests.Core.Paging;

/// <summary>
/// Emulated physical memory for page tables: a preallocated window of frames, so reads and
/// writes never allocate. Only frames the pool has handed out may be used as tables; anything
/// else (a stray pointer, a freed table, an entry index out of range) throws, which fails the
/// test that caused it.
/// </summary>
internal sealed class FakePhysicalMemory : IPageTableMemory
{
    private const int Words = 512;
    private readonly ulong[] _words;
    private readonly bool[] _live;

    public FakePhysicalMemory(ulong baseAddress, int frames)
    {
        BaseAddress = baseAddress;
        Frames = frames;
        _words = new ulong[frames * Words];
        _live = new bool[frames];
    }

    public ulong BaseAddress { get; }

    public int Frames { get; }

    public long Reads { get; private set; }

    public long Writes { get; private set; }

    public ulong ReadEntry(PhysAddr table, int index)
    {
        Reads++;
        return _words[WordOf(table, index)];
    }

    public void WriteEntry(PhysAddr table, int index, ulong value)
    {
        Writes++;
        _words[WordOf(table, index)] = value;
    }

    public void ZeroPage(PhysAddr page) => Array.Clear(_words, WordOf(page, 0), Words);

    /// <summary>Fills a frame with a pattern that looks like present entries pointing outside
    /// the window, so a table that was never zeroed, or is read after being freed, is caught.</summary>
    public void Scribble(int frame) => Array.Fill(_words, 0xDEAD_BEEF_0000_0FFFUL, frame * Words, Words);

    public void SetLive(int frame, bool live) => _live[frame] = live;

    /// <summary>A copy of every word of every frame, to prove a refused call changed nothing.</summary>
    public ulong[] Snapshot() => (ulong[])_words.Clone();

    private int WordOf(PhysAddr table, int index)
    {
        ulong offset = table.Value - BaseAddress;
        if ((table.Value & 0xFFF) != 0 || table.Value < BaseAddress || offset >= (ulong)Frames * 4096
            || !_live[(int)(offset >> 12)] || (uint)index >= Words)
        {
            throw new InvalidOperationException($"page-table access to {table} index {index} outside the live tables");
        }

        return ((int)(offset >> 12) * Words) + index;
    }
}

/// <summary>A frame source over the fake memory with an adjustable limit on frames out at
/// once, so out-of-frames paths can be hit at any step. Double frees and frees of frames it
/// never gave out throw.</summary>
internal sealed class FramePool : IFrameSource
{
    private readonly FakePhysicalMemory _memory;
    private readonly int[] _free;
    private int _freeCount;

    public FramePool(FakePhysicalMemory memory, int limit = int.MaxValue)
    {
        _memory = memory;
        Limit = limit;
        _free = new int[memory.Frames];

        // Lowest frame first, so tests see predictable addresses.
        for (int i = memory.Frames - 1; i >= 0; i--)
        {
            _free[_freeCount++] = i;
        }
    }

    /// <summary>Most frames that may be allocated at once.</summary>
    public int Limit { get; set; }

    public int Allocated { get; private set; }

    public bool TryAllocateFrame(out PhysAddr frame)
    {
        if (Allocated >= Limit || _freeCount == 0)
        {
            frame = default;
            return false;
        }

        int index = _free[--_freeCount];
        _memory.SetLive(index, true);
        _memory.Scribble(index);
        Allocated++;
        frame = new PhysAddr(_memory.BaseAddress + ((ulong)index << 12));
        return true;
    }

    public void FreeFrame(PhysAddr frame)
    {
        ulong offset = frame.Value - _memory.BaseAddress;
        int index = (int)(offset >> 12);
        if ((offset & 0xFFF) != 0 || offset >= (ulong)_memory.Frames << 12 || Contains(index))
        {
            throw new InvalidOperationException($"bad or double free of {frame}");
        }

        _memory.Scribble(index);
        _memory.SetLive(index, false);
        _free[_freeCount++] = index;
        Allocated--;
    }

    private bool Contains(int index)
    {
        for (int i = 0; i < _freeCount; i++)
        {
            if (_free[i] == index)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>An address space over fresh fake memory, with the pieces tests inspect.</summary>
internal sealed class PagingRig
{
    public const ulong MemoryBase = 0x4000_0000;

    public PagingRig(int frames = 64, int limit = int.MaxValue)
    {
        Memory = new FakePhysicalMemory(MemoryBase, frames);
        Pool = new FramePool(Memory, limit);
        Space = AddressSpace.TryCreate(Memory, Pool) ?? throw new InvalidOperationException("no frame for the PML4");
    }

    public FakePhysicalMemory Memory { get; }

    public FramePool Pool { get; }

    public AddressSpace Space { get; }

    /// <summary>Entry <paramref name="index"/> of the table at <paramref name="table"/>.</summary>
    public ulong Entry(ulong table, int index) => Memory.ReadEntry(new PhysAddr(table), index);

    /// <summary>The table an entry points to.</summary>
    public static ulong Next(ulong entry) => PageTableEntry.Address(entry);
}

/// <summary>A kernel space with a little identity-mapped RAM under PML4 entry 0 (4 KiB pages
/// at [4 KiB, 16 KiB) and 2 MiB leaves at [2 MiB, 6 MiB)), and a user space sharing that
/// entry, both over one fake memory and one frame pool.</summary>
internal sealed class UserRig
{
    public UserRig(int frames = 64)
    {
        Memory = new FakePhysicalMemory(PagingRig.MemoryBase, frames);
        Pool = new FramePool(Memory);
        Kernel = AddressSpace.TryCreate(Memory, Pool) ?? throw new InvalidOperationException("no frame for the kernel's PML4");
        Check(Kernel.MapRange(new VirtAddr(0x1000), new PhysAddr(0x1000), 3 * PagingKit.Page, PagingKit.Rw, false, out _));
        Check(Kernel.MapRange(new VirtAddr(2 * PagingKit.MiB), new PhysAddr(2 * PagingKit.MiB), 4 * PagingKit.MiB, PagingKit.Rw, true, out _));
        KernelFrames = Pool.Allocated;
        Check(AddressSpace.TryCreateUser(Memory, Pool, Kernel, UserLayout.KernelTopLevelEntries, out AddressSpace? user));
        User = user ?? throw new InvalidOperationException("no user space");
    }

    public FakePhysicalMemory Memory { get; }

    public FramePool Pool { get; }

    public AddressSpace Kernel { get; }

    public AddressSpace User { get; }

    /// <summary>Frames the kernel space held before the user space was made.</summary>
    public int KernelFrames { get; }

    /// <summary>Every word of the kernel's tables, which the pool handed out first.</summary>
    public ulong[] KernelTables() => Memory.Snapshot()[..(KernelFrames * 512)];

    private static void Check(PagingStatus status)
    {
        if (status != PagingStatus.Ok)
        {
            throw new InvalidOperationException("rig setup: " + status.Describe());
        }
    }
}

/// <summary>Shorthands shared by the paging tests.</summary>
internal static class PagingKit
{
    public const ulong KiB = 1UL << 10;
    public const ulong MiB = 1UL << 20;
    public const ulong GiB = 1UL << 30;
    public const ulong Page = AddressSpace.PageSize;

    public const PageFlags Rw = PageFlags.Writable | PageFlags.NoExecute;
    public const PageFlags Ro = PageFlags.NoExecute;
    public const PageFlags Rx = PageFlags.None;
    public const PageFlags UserRw = PageFlags.User | PageFlags.Writable | PageFlags.NoExecute;

    public static VirtAddr V(ulong value) => new(value);

    public static PhysAddr P(ulong value) => new(value);

    public static PagingStatus Map(AddressSpace space, ulong virt, ulong phys, PageFlags flags) =>
        space.Map(V(virt), P(phys), flags, out _);

    public static PagingStatus Unmap(AddressSpace space, ulong virt) => space.Unmap(V(virt), out _, out _);

    /// <summary>Asserts <paramref name="virt"/> translates to <paramref name="phys"/> with
    /// exactly <paramref name="flags"/> (Present added).</summary>
    public static void AssertMapped(AddressSpace space, ulong virt, ulong phys, PageFlags flags)
    {
        Assert.That(space.Translate(V(virt), out PhysAddr actual, out PageFlags actualFlags), Is.EqualTo(PagingStatus.Ok), $"translate {virt:x}");
        Assert.That(actual, Is.EqualTo(P(phys)), $"physical address of {virt:x}");
        Assert.That(actualFlags, Is.EqualTo(flags | PageFlags.Present), $"flags of {virt:x}");
    }

    public static void AssertUnmapped(AddressSpace space, ulong virt)
    {
        Assert.That(space.Translate(V(virt), out PhysAddr phys, out PageFlags flags), Is.EqualTo(PagingStatus.NotMapped), $"translate {virt:x}");
        Assert.That(phys, Is.EqualTo(default(PhysAddr)));
        Assert.That(flags, Is.EqualTo(PageFlags.None));
    }

    /// <summary>Collects every region, for tests that look at the listing.</summary>
    public static List<MappedRegion> Regions(AddressSpace space)
    {
        var collector = new RegionCollector(new List<MappedRegion>());
        Assert.That(space.VisitRegions(ref collector), Is.True);
        return collector.Regions;
    }

    public readonly struct RegionCollector(List<MappedRegion> regions) : IMappedRegionVisitor
    {
        public List<MappedRegion> Regions { get; } = regions;

        public bool Visit(in MappedRegion region)
        {
            Regions.Add(region);
            return true;
        }
    }
}

using NexOS.Core.Memory;
using NexOS.Core.Paging;
using static NexOS.Tests.Core.Paging.PagingKit;

namespace NexOS.Tests.Core.Paging;

/// <summary>
/// Random maps, unmaps, protects and ranges (small and huge) in four windows, at the bottom
/// and top of both canonical halves, against a dictionary of 4 KiB pages. The frame limit
/// moves so out-of-frames happens mid-way through maps and ranges. After every step the pages
/// the step touched translate as the model says; every so often all of them do, and the page
/// count and the frames held agree.
/// </summary>
[TestFixture]
public sealed class AddressSpaceFuzzTests
{
    private const ulong Huge = AddressSpace.HugePageSize;
    private const ulong WindowSize = 8 * MiB;

    private static readonly ulong[] s_windows =
    {
        0x0000_0000_0000_0000, 0x0000_7FFF_FF80_0000, 0xFFFF_8000_0000_0000, 0xFFFF_FFFF_FF80_0000,
    };

    private static readonly PageFlags[] s_flags =
    {
        Rw, Ro, Rx, UserRw, PageFlags.User, Rw | PageFlags.CacheDisable | PageFlags.Global,
    };

    private readonly Dictionary<ulong, (ulong Phys, PageFlags Flags)> _pages = new();
    private readonly HashSet<ulong> _hugeStarts = new();

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(20240601)]
    public void RandomOperationsAgreeWithADictionaryModel(int seed)
    {
        _pages.Clear();
        _hugeStarts.Clear();
        var random = new Random(seed);
        var rig = new PagingRig(frames: 128);
        var seen = new int[Enum.GetValues<PagingStatus>().Length];
        for (int step = 0; step < 6000; step++)
        {
            if (step % 250 == 0)
            {
                rig.Pool.Limit = random.Next(4) == 0 ? int.MaxValue : 4 + random.Next(40);
            }

            ulong window = s_windows[random.Next(s_windows.Length)];
            bool hugeStep = random.Next(6) == 0;
            ulong virt = hugeStep ? window + ((ulong)random.Next(4) * Huge) : window + ((ulong)random.Next(2048) * Page);
            ulong pages = hugeStep ? (ulong)(1 + random.Next(2)) * 512 : (ulong)(1 + random.Next(16));
            pages = Math.Min(pages, (window + WindowSize - virt) / Page);
            ulong phys = hugeStep ? (ulong)random.NextInt64(1 << 15) << 21 : (ulong)random.NextInt64(1 << 24) << 12;
            PageFlags flags = s_flags[random.Next(s_flags.Length)];
            int allocated = rig.Pool.Allocated;
            string context = $"seed {seed} step {step} at {virt:x}";

            PagingStatus status;
            switch (random.Next(10))
            {
                case < 4:
                    status = MapOne(rig.Space, virt, phys, flags, context);
                    pages = 1;
                    break;
                case < 6:
                    status = UnmapOne(rig.Space, virt, context);
                    pages = 1;
                    break;
                case 6:
                    status = ProtectOne(rig.Space, virt, flags, context);
                    pages = _hugeStarts.Contains(virt & ~(Huge - 1)) ? 512UL : 1UL;
                    virt = pages == 512 ? virt & ~(Huge - 1) : virt;
                    break;
                case < 9:
                    status = MapRange(rig.Space, virt, phys, pages, flags, allowHuge: hugeStep || random.Next(2) == 0, context);
                    break;
                default:
                    status = UnmapRange(rig.Space, virt, pages, context);
                    break;
            }

            seen[(int)status]++;
            if (status != PagingStatus.Ok)
            {
                Assert.That(rig.Pool.Allocated, Is.EqualTo(allocated), context + " refused but frames moved");
            }

            Assert.That(rig.Space.TableFrames, Is.EqualTo(rig.Pool.Allocated), context);
            for (ulong i = 0; i < pages; i++)
            {
                Check(rig.Space, virt + (i * Page), context);
            }

            if (step % 500 == 0 || rig.Pool.Allocated < allocated)
            {
                CheckAll(rig.Space, context);
            }
        }

        CheckAll(rig.Space, $"seed {seed} end");

        // The run must have hit every outcome the operations can have, or it proves little.
        foreach (PagingStatus status in new[] { PagingStatus.Ok, PagingStatus.AlreadyMapped, PagingStatus.NotMapped, PagingStatus.OutOfFrames, PagingStatus.HugePageConflict })
        {
            Assert.That(seen[(int)status], Is.GreaterThan(10), status.Describe());
        }

        foreach (ulong window in s_windows)
        {
            Assert.That(rig.Space.UnmapRange(V(window), WindowSize, out _), Is.EqualTo(PagingStatus.Ok));
        }

        Assert.That(rig.Space.CountMappedPages(), Is.Zero);
        Assert.That(rig.Pool.Allocated, Is.EqualTo(1), "every table but the PML4 freed");
    }

    private PagingStatus MapOne(AddressSpace space, ulong virt, ulong phys, PageFlags flags, string context)
    {
        PagingStatus status = space.Map(V(virt), P(phys), flags, out _);
        if (_pages.ContainsKey(virt))
        {
            PagingStatus expected = _hugeStarts.Contains(virt & ~(Huge - 1)) ? PagingStatus.HugePageConflict : PagingStatus.AlreadyMapped;
            Assert.That(status, Is.EqualTo(expected), context);
            return status;
        }

        Assert.That(status, Is.EqualTo(PagingStatus.Ok).Or.EqualTo(PagingStatus.OutOfFrames), context);
        if (status == PagingStatus.Ok)
        {
            _pages[virt] = (phys, flags);
        }

        return status;
    }

    private PagingStatus UnmapOne(AddressSpace space, ulong virt, string context)
    {
        PagingStatus status = space.Unmap(V(virt), out PhysAddr phys, out bool flush);
        if (!_pages.TryGetValue(virt, out var page))
        {
            Assert.That(status, Is.EqualTo(PagingStatus.NotMapped), context);
            return status;
        }

        if (_hugeStarts.Contains(virt & ~(Huge - 1)))
        {
            Assert.That(status, Is.EqualTo(PagingStatus.HugePageConflict), context);
            return status;
        }

        Assert.That(status, Is.EqualTo(PagingStatus.Ok), context);
        Assert.That(phys.Value, Is.EqualTo(page.Phys), context);
        Assert.That(flush, Is.True, context);
        _pages.Remove(virt);
        return status;
    }

    private PagingStatus ProtectOne(AddressSpace space, ulong virt, PageFlags flags, string context)
    {
        PagingStatus status = space.Protect(V(virt), flags, out _);
        ulong start = virt & ~(Huge - 1);
        bool huge = _hugeStarts.Contains(start);
        PagingStatus expected = !_pages.ContainsKey(virt) ? PagingStatus.NotMapped
            : huge && virt != start ? PagingStatus.HugePageConflict : PagingStatus.Ok;
        Assert.That(status, Is.EqualTo(expected), context);
        if (status == PagingStatus.Ok)
        {
            ulong first = huge ? start : virt;
            for (ulong i = 0; i < (huge ? 512UL : 1UL); i++)
            {
                ulong a = first + (i * Page);
                _pages[a] = (_pages[a].Phys, flags);
            }
        }

        return status;
    }

    private PagingStatus MapRange(AddressSpace space, ulong virt, ulong phys, ulong pages, PageFlags flags, bool allowHuge, string context)
    {
        bool overlap = false;
        for (ulong i = 0; i < pages; i++)
        {
            overlap |= _pages.ContainsKey(virt + (i * Page));
        }

        PagingStatus status = space.MapRange(V(virt), P(phys), pages * Page, flags, allowHuge, out _);
        if (overlap)
        {
            Assert.That(status, Is.EqualTo(PagingStatus.AlreadyMapped).Or.EqualTo(PagingStatus.HugePageConflict), context);
            return status;
        }

        Assert.That(status, Is.EqualTo(PagingStatus.Ok).Or.EqualTo(PagingStatus.OutOfFrames), context);
        if (status != PagingStatus.Ok)
        {
            return status;
        }

        // With nothing mapped in the range, no page table sits in any of its 2 MiB slots
        // (empty tables are freed), so every eligible step became a huge leaf.
        for (ulong offset = 0; offset < pages * Page; offset += Page)
        {
            ulong v = virt + offset;
            _pages[v] = (phys + offset, flags);
            if (allowHuge && (v & (Huge - 1)) == 0 && ((phys + offset) & (Huge - 1)) == 0 && (pages * Page) - offset >= Huge)
            {
                _hugeStarts.Add(v);
            }
        }

        return status;
    }

    private PagingStatus UnmapRange(AddressSpace space, ulong virt, ulong pages, string context)
    {
        // Inclusive ends: the top window's ranges end at 2^64, which wraps to 0.
        ulong end = virt + (pages * Page);
        ulong last = end - 1;
        bool straddles = false;
        foreach (ulong start in _hugeStarts)
        {
            bool overlaps = start <= last && start + (Huge - 1) >= virt;
            straddles |= overlaps && (start < virt || start + (Huge - 1) > last);
        }

        PagingStatus status = space.UnmapRange(V(virt), pages * Page, out _);
        Assert.That(status, Is.EqualTo(straddles ? PagingStatus.HugePageConflict : PagingStatus.Ok), context);
        if (status == PagingStatus.Ok)
        {
            for (ulong a = virt; a != end; a += Page)
            {
                _pages.Remove(a);
                _hugeStarts.Remove(a);
            }
        }

        return status;
    }

    private void Check(AddressSpace space, ulong virt, string context)
    {
        if (!_pages.TryGetValue(virt, out var page))
        {
            Assert.That(space.Translate(V(virt), out _, out _), Is.EqualTo(PagingStatus.NotMapped), context + $" page {virt:x}");
            return;
        }

        PageFlags huge = _hugeStarts.Contains(virt & ~(Huge - 1)) ? PageFlags.Huge : PageFlags.None;
        Assert.That(space.Translate(V(virt + 0x123), out PhysAddr phys, out PageFlags flags), Is.EqualTo(PagingStatus.Ok), context + $" page {virt:x}");
        Assert.That(phys.Value, Is.EqualTo(page.Phys + 0x123), context + $" page {virt:x}");
        Assert.That(flags, Is.EqualTo(page.Flags | PageFlags.Present | huge), context + $" page {virt:x}");
    }

    private void CheckAll(AddressSpace space, string context)
    {
        Assert.That(space.CountMappedPages(), Is.EqualTo((ulong)_pages.Count), context);
        foreach (ulong virt in _pages.Keys)
        {
            Check(space, virt, context);
        }
    }
}

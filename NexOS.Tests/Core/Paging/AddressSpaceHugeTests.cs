using NexOS.Core.Memory;
using NexOS.Core.Paging;
using static NexOS.Tests.Core.Paging.PagingKit;

namespace NexOS.Tests.Core.Paging;

[TestFixture]
public sealed class AddressSpaceHugeTests
{
    private const ulong Huge = AddressSpace.HugePageSize;

    [Test]
    public void AlignedRangeUsesTwoMebibyteLeaves()
    {
        var rig = new PagingRig();
        Assert.That(rig.Space.MapRange(V(0xFFFF_8000_0040_0000), P(0x8000_0000), 4 * MiB, Rw, allowHuge: true, out bool flush), Is.EqualTo(PagingStatus.Ok));
        Assert.That(flush, Is.False);
        Assert.That(rig.Space.TableFrames, Is.EqualTo(3), "PML4, PDPT and PD; no page tables");
        Assert.That(rig.Space.CountMappedPages(), Is.EqualTo(1024));
        AssertMapped(rig.Space, 0xFFFF_8000_0040_0000, 0x8000_0000, Rw | PageFlags.Huge);
        AssertMapped(rig.Space, 0xFFFF_8000_0052_3456, 0x8012_3456, Rw | PageFlags.Huge);
        AssertMapped(rig.Space, 0xFFFF_8000_007F_FFFF, 0x803F_FFFF, Rw | PageFlags.Huge);
        AssertUnmapped(rig.Space, 0xFFFF_8000_0080_0000);
    }

    [Test]
    public void WithoutPermissionOrAlignmentRangesUseSmallPages()
    {
        var rig = new PagingRig();
        Assert.That(rig.Space.MapRange(V(0x40_0000), P(0x8000_0000), 2 * MiB, Rw, allowHuge: false, out _), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Space.MapRange(V(0x80_0000), P(0x8020_1000), 2 * MiB, Rw, allowHuge: true, out _), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Space.TableFrames, Is.EqualTo(5));
        AssertMapped(rig.Space, 0x40_0000, 0x8000_0000, Rw);
        AssertMapped(rig.Space, 0x9F_F000, 0x8040_0000, Rw);
    }

    [Test]
    public void MixedRangeUsesSmallPagesAtTheEdgesAndHugeInTheMiddle()
    {
        var rig = new PagingRig();
        ulong start = (2 * MiB) - Page;
        Assert.That(rig.Space.MapRange(V(start), P(start), (2 * MiB) + (2 * Page), Ro, allowHuge: true, out _), Is.EqualTo(PagingStatus.Ok));
        AssertMapped(rig.Space, start, start, Ro);
        AssertMapped(rig.Space, 2 * MiB, 2 * MiB, Ro | PageFlags.Huge);
        AssertMapped(rig.Space, 4 * MiB, 4 * MiB, Ro);
        AssertUnmapped(rig.Space, (4 * MiB) + Page);
        Assert.That(rig.Space.CountMappedPages(), Is.EqualTo(514));
        Assert.That(Regions(rig.Space), Has.Count.EqualTo(1), "Huge is not part of a region's flags");
    }

    [Test]
    public void SmallPagesInsideAHugeLeafConflict()
    {
        var rig = new PagingRig();
        Assert.That(rig.Space.MapRange(V(2 * MiB), P(0), Huge, Rw, allowHuge: true, out _), Is.EqualTo(PagingStatus.Ok));
        ulong[] before = rig.Memory.Snapshot();
        Assert.That(Map(rig.Space, (2 * MiB) + Page, 0x5000, Rw), Is.EqualTo(PagingStatus.HugePageConflict));
        Assert.That(Unmap(rig.Space, (2 * MiB) + Page), Is.EqualTo(PagingStatus.HugePageConflict));
        Assert.That(Unmap(rig.Space, 2 * MiB), Is.EqualTo(PagingStatus.HugePageConflict), "Unmap removes 4 KiB pages only");
        Assert.That(rig.Space.Protect(V((2 * MiB) + Page), Ro, out _), Is.EqualTo(PagingStatus.HugePageConflict));
        Assert.That(rig.Space.UnmapRange(V(2 * MiB), MiB, out bool flush), Is.EqualTo(PagingStatus.HugePageConflict));
        Assert.That(flush, Is.False);
        Assert.That(rig.Space.UnmapRange(V(3 * MiB), 2 * MiB, out _), Is.EqualTo(PagingStatus.HugePageConflict));
        Assert.That(rig.Space.MapRange(V(2 * MiB), P(0), Huge, Rw, allowHuge: true, out _), Is.EqualTo(PagingStatus.AlreadyMapped));
        Assert.That(rig.Memory.Snapshot(), Is.EqualTo(before));
    }

    [Test]
    public void ProtectAtTheStartChangesTheWholeHugeLeaf()
    {
        var rig = new PagingRig();
        Assert.That(rig.Space.MapRange(V(2 * MiB), P(6 * MiB), Huge, Rw, allowHuge: true, out _), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Space.Protect(V(2 * MiB), Rx, out bool flush), Is.EqualTo(PagingStatus.Ok));
        Assert.That(flush, Is.True);
        AssertMapped(rig.Space, (3 * MiB) + 0x10, (7 * MiB) + 0x10, PageFlags.Huge);
    }

    [Test]
    public void UnmapRangeRemovesWholeHugeLeavesAndFreesTheirTables()
    {
        var rig = new PagingRig();
        Assert.That(rig.Space.MapRange(V(2 * MiB), P(0), 4 * MiB, Rw, allowHuge: true, out _), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Space.UnmapRange(V(2 * MiB), 2 * MiB, out bool flush), Is.EqualTo(PagingStatus.Ok));
        Assert.That(flush, Is.True);
        AssertUnmapped(rig.Space, 2 * MiB);
        AssertMapped(rig.Space, 4 * MiB, 2 * MiB, Rw | PageFlags.Huge);
        Assert.That(rig.Space.UnmapRange(V(0), 1 * GiB, out flush), Is.EqualTo(PagingStatus.Ok));
        Assert.That(flush, Is.True);
        Assert.That(rig.Space.TableFrames, Is.EqualTo(1));
        Assert.That(rig.Pool.Allocated, Is.EqualTo(1));
    }

    [Test]
    public void HugeStepFallsBackToSmallPagesWhereATableAlreadyIs()
    {
        var rig = new PagingRig();
        Assert.That(Map(rig.Space, 2 * MiB, 0x5000, Rw), Is.EqualTo(PagingStatus.Ok));
        ulong[] before = rig.Memory.Snapshot();
        Assert.That(rig.Space.MapRange(V(2 * MiB), P(4 * MiB), Huge, Rw, allowHuge: true, out _), Is.EqualTo(PagingStatus.AlreadyMapped));
        Assert.That(rig.Memory.Snapshot(), Is.EqualTo(before));

        // An empty page table left by a borrowed space takes small pages instead of a conflict.
        var borrowed = AddressSpace.Adopt(rig.Memory, rig.Pool, rig.Space.Root, ownsTables: false);
        Assert.That(Unmap(borrowed, 2 * MiB), Is.EqualTo(PagingStatus.Ok));
        Assert.That(borrowed.MapRange(V(2 * MiB), P(4 * MiB), Huge, Rw, allowHuge: true, out _), Is.EqualTo(PagingStatus.Ok));
        AssertMapped(borrowed, (3 * MiB) + 0x20, (5 * MiB) + 0x20, Rw);
    }

    [Test]
    public void GibibyteLeavesAreTranslatedListedAndRespected()
    {
        var rig = new PagingRig();

        // Build a 1 GiB leaf by hand (boot code or firmware may leave one), with the PAT bit set.
        Assert.That(Map(rig.Space, 0, 0x1000, Rw), Is.EqualTo(PagingStatus.Ok));
        ulong pdpt = PagingRig.Next(rig.Entry(rig.Space.Root.Value, 0));
        rig.Memory.WriteEntry(P(pdpt), 1, (3 * GiB) | 0x1000 | (ulong)(PageFlags.Present | PageFlags.Writable | PageFlags.Huge));
        Assert.That(Unmap(rig.Space, 0), Is.EqualTo(PagingStatus.Ok));

        AssertMapped(rig.Space, GiB + 0x1234_5678, (3 * GiB) + 0x1234_5678, PageFlags.Writable | PageFlags.Huge);
        Assert.That(rig.Space.CountMappedPages(), Is.EqualTo(GiB / Page));
        List<MappedRegion> regions = Regions(rig.Space);
        Assert.That(regions, Has.Count.EqualTo(1));
        Assert.That(regions[0], Is.EqualTo(new MappedRegion(V(GiB), GiB, P(3 * GiB), PageFlags.Present | PageFlags.Writable, true)));

        ulong[] before = rig.Memory.Snapshot();
        Assert.That(Map(rig.Space, GiB + (4 * MiB), 0x5000, Rw), Is.EqualTo(PagingStatus.HugePageConflict));
        Assert.That(rig.Space.MapRange(V(GiB + (4 * MiB)), P(0), Huge, Rw, allowHuge: true, out _), Is.EqualTo(PagingStatus.HugePageConflict));
        Assert.That(rig.Space.UnmapRange(V(GiB), Huge, out _), Is.EqualTo(PagingStatus.HugePageConflict));
        Assert.That(rig.Memory.Snapshot(), Is.EqualTo(before));

        Assert.That(rig.Space.Protect(V(GiB), Ro, out bool flush), Is.EqualTo(PagingStatus.Ok));
        Assert.That(flush, Is.True);
        Assert.That(rig.Entry(pdpt, 1), Is.EqualTo((3 * GiB) | 0x1000 | (ulong)(Ro | PageFlags.Present | PageFlags.Huge)), "PAT bit kept");
        Assert.That(rig.Space.UnmapRange(V(GiB), GiB, out flush), Is.EqualTo(PagingStatus.Ok));
        Assert.That(flush, Is.True);
        Assert.That(rig.Space.TableFrames, Is.EqualTo(1));
    }
}

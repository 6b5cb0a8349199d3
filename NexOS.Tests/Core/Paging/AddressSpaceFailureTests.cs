using NexOS.Core.Memory;
using NexOS.Core.Paging;
using static NexOS.Tests.Core.Paging.PagingKit;

namespace NexOS.Tests.Core.Paging;

/// <summary>Out of frames, all-or-nothing ranges, and tables given back.</summary>
[TestFixture]
public sealed class AddressSpaceFailureTests
{
    [TestCase(0)]
    [TestCase(1)]
    [TestCase(2)]
    public void OutOfFramesPartWayThroughMapLeavesNoPartialTables(int framesAvailable)
    {
        var rig = new PagingRig();
        rig.Pool.Limit = 1 + framesAvailable;
        ulong[] before = rig.Memory.Snapshot();
        Assert.That(Map(rig.Space, 0xFFFF_8000_0040_1000, 0x7000, Rw), Is.EqualTo(PagingStatus.OutOfFrames));
        Assert.That(rig.Pool.Allocated, Is.EqualTo(1), "every frame taken was given back");
        Assert.That(rig.Space.TableFrames, Is.EqualTo(1));
        Assert.That(rig.Memory.Snapshot()[..512], Is.EqualTo(before[..512]), "the PML4 is untouched");
        AssertUnmapped(rig.Space, 0xFFFF_8000_0040_1000);
        Assert.That(rig.Space.CountMappedPages(), Is.Zero);

        rig.Pool.Limit = int.MaxValue;
        Assert.That(Map(rig.Space, 0xFFFF_8000_0040_1000, 0x7000, Rw), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Pool.Allocated, Is.EqualTo(4));
    }

    [Test]
    public void OutOfFramesBelowExistingTablesTouchesNothing()
    {
        var rig = new PagingRig();
        Assert.That(Map(rig.Space, 0x40_1000, 0x7000, Rw), Is.EqualTo(PagingStatus.Ok));
        rig.Pool.Limit = rig.Pool.Allocated;
        ulong[] before = rig.Memory.Snapshot();

        // Needs a new page table only; then a new PD and PT.
        Assert.That(Map(rig.Space, 0x60_0000, 0x8000, Rw), Is.EqualTo(PagingStatus.OutOfFrames));
        Assert.That(Map(rig.Space, 0x4000_0000, 0x8000, UserRw), Is.EqualTo(PagingStatus.OutOfFrames));
        Assert.That(rig.Memory.Snapshot(), Is.EqualTo(before), "not even the User widening happened");
        Assert.That(Map(rig.Space, 0x40_2000, 0x8000, Rw), Is.EqualTo(PagingStatus.Ok), "an existing table needs no frame");
    }

    [Test]
    public void MapRangeOutOfFramesUnmapsWhatItMappedAndFreesItsTables()
    {
        var rig = new PagingRig();
        Assert.That(Map(rig.Space, 0x1000, 0x1000, Rw), Is.EqualTo(PagingStatus.Ok));
        int allocated = rig.Pool.Allocated;
        ulong[] before = rig.Memory.Snapshot();

        // [1 MiB, 7 MiB) in small pages needs four page tables; allow two more frames.
        rig.Pool.Limit = allocated + 2;
        Assert.That(rig.Space.MapRange(V(MiB), P(0x1000_0000), 6 * MiB, Rw, allowHuge: false, out bool flush), Is.EqualTo(PagingStatus.OutOfFrames));
        Assert.That(flush, Is.True, "the CPU may have cached the short-lived entries");
        Assert.That(rig.Pool.Allocated, Is.EqualTo(allocated));
        Assert.That(rig.Space.CountMappedPages(), Is.EqualTo(1));
        AssertUnmapped(rig.Space, MiB);
        AssertUnmapped(rig.Space, (3 * MiB) + Page);
        AssertMapped(rig.Space, 0x1000, 0x1000, Rw);
        Assert.That(rig.Memory.Snapshot()[..(allocated * 512)], Is.EqualTo(before[..(allocated * 512)]));

        rig.Pool.Limit = int.MaxValue;
        Assert.That(rig.Space.MapRange(V(MiB), P(0x1000_0000), 6 * MiB, Rw, allowHuge: false, out flush), Is.EqualTo(PagingStatus.Ok));
        Assert.That(flush, Is.False);
        Assert.That(rig.Space.CountMappedPages(), Is.EqualTo(1 + (6 * MiB / Page)));
    }

    [Test]
    public void MapRangeOverAMappedPageChangesNothing()
    {
        var rig = new PagingRig();
        Assert.That(Map(rig.Space, 0x40_5000, 0x5000, Rw), Is.EqualTo(PagingStatus.Ok));
        ulong[] before = rig.Memory.Snapshot();
        int allocated = rig.Pool.Allocated;
        Assert.That(rig.Space.MapRange(V(0x3F_0000), P(0x10_0000), 0x20_0000, Rw, allowHuge: true, out bool flush), Is.EqualTo(PagingStatus.AlreadyMapped));
        Assert.That(flush, Is.False);
        Assert.That(rig.Memory.Snapshot(), Is.EqualTo(before));
        Assert.That(rig.Pool.Allocated, Is.EqualTo(allocated));
        Assert.That(rig.Space.CountMappedPages(), Is.EqualTo(1));
    }

    [TestCase(0x0000_7FFF_FFFF_F000UL, 0x2000UL, PagingStatus.NotCanonical)]
    [TestCase(0xFFFF_FFFF_FFFF_F000UL, 0x2000UL, PagingStatus.NotCanonical)]
    [TestCase(0x0000_0000_0000_1000UL, 0x0000_8000_0000_0000UL, PagingStatus.NotCanonical)]
    [TestCase(0x0000_8000_0000_0000UL, 0x1000UL, PagingStatus.NotCanonical)]
    [TestCase(0x0000_0000_0000_1000UL, 0x1800UL, PagingStatus.Misaligned)]
    [TestCase(0x0000_0000_0000_1800UL, 0x1000UL, PagingStatus.Misaligned)]
    public void BadRangesAreRefused(ulong virt, ulong length, PagingStatus expected)
    {
        var rig = new PagingRig();
        Assert.That(rig.Space.MapRange(V(virt), P(0x1000), length, Rw, allowHuge: true, out _), Is.EqualTo(expected));
        Assert.That(rig.Space.UnmapRange(V(virt), length, out _), Is.EqualTo(expected));
        Assert.That(rig.Pool.Allocated, Is.EqualTo(1));
    }

    [Test]
    public void RangeEdgeCases()
    {
        var rig = new PagingRig();
        Assert.That(rig.Space.MapRange(V(0x1000), P(0x1000), 0, Rw, allowHuge: true, out bool flush), Is.EqualTo(PagingStatus.Ok));
        Assert.That(flush, Is.False);
        Assert.That(rig.Pool.Allocated, Is.EqualTo(1));
        Assert.That(rig.Space.MapRange(V(0x1000), P(0x1800), Page, Rw, allowHuge: true, out _), Is.EqualTo(PagingStatus.Misaligned));
        Assert.That(rig.Space.MapRange(V(0x1000), P(PageTableEntry.MaxPhysAddress - 0xFFF), 2 * Page, Rw, false, out _), Is.EqualTo(PagingStatus.PhysOutOfRange));

        // The last page of each half can be mapped as a range.
        Assert.That(rig.Space.MapRange(V(0x0000_7FFF_FFFF_E000), P(0x5000), 2 * Page, Rw, true, out _), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Space.MapRange(V(0xFFFF_FFFF_FFFF_E000), P(0x7000), 2 * Page, Rw, true, out _), Is.EqualTo(PagingStatus.Ok));
        AssertMapped(rig.Space, 0xFFFF_FFFF_FFFF_F000, 0x8000, Rw);
        Assert.That(rig.Space.UnmapRange(V(0xFFFF_FFFF_FFFF_E000), 2 * Page, out flush), Is.EqualTo(PagingStatus.Ok));
        Assert.That(flush, Is.True);
        Assert.That(rig.Space.UnmapRange(V(0xFFFF_FFFF_FFFF_E000), 2 * Page, out flush), Is.EqualTo(PagingStatus.Ok), "holes are skipped");
        Assert.That(flush, Is.False);
    }

    [Test]
    public void EmptyTablesAreFreedBottomUpAndSharedOnesKept()
    {
        var rig = new PagingRig();
        Assert.That(Map(rig.Space, 0x40_1000, 0x1000, Rw), Is.EqualTo(PagingStatus.Ok));
        Assert.That(Map(rig.Space, 0x40_2000, 0x2000, Rw), Is.EqualTo(PagingStatus.Ok));
        Assert.That(Map(rig.Space, 0x60_0000, 0x3000, Rw), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Pool.Allocated, Is.EqualTo(5));

        Assert.That(Unmap(rig.Space, 0x40_1000), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Pool.Allocated, Is.EqualTo(5), "the page table still maps 0x402000");
        Assert.That(Unmap(rig.Space, 0x40_2000), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Pool.Allocated, Is.EqualTo(4), "its page table went; the directory still holds 0x600000");
        ulong pd = PagingRig.Next(rig.Entry(PagingRig.Next(rig.Entry(rig.Space.Root.Value, 0)), 0));
        Assert.That(rig.Entry(pd, 2), Is.Zero);
        Assert.That(Unmap(rig.Space, 0x60_0000), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Pool.Allocated, Is.EqualTo(1));
        Assert.That(rig.Space.TableFrames, Is.EqualTo(1));
        Assert.That(rig.Entry(rig.Space.Root.Value, 0), Is.Zero);
    }

    [Test]
    public void ReleaseTablesGivesEveryTableBack()
    {
        var rig = new PagingRig();
        Assert.That(rig.Space.MapRange(V(0), P(0), 8 * MiB, Rw, allowHuge: true, out _), Is.EqualTo(PagingStatus.Ok));
        Assert.That(Map(rig.Space, 0xFFFF_FFFF_8000_0000, 0x1000, Rx), Is.EqualTo(PagingStatus.Ok));
        Assert.That(Map(rig.Space, 0x0000_7000_0000_0000, 0x2000, UserRw), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Space.TableFrames, Is.EqualTo(rig.Pool.Allocated));
        Assert.That(rig.Space.ReleaseTables(), Is.True);
        Assert.That(rig.Pool.Allocated, Is.Zero);
        Assert.That(rig.Space.TableFrames, Is.Zero);
    }
}

using NexOS.Core.Paging;
using static NexOS.Tests.Core.Paging.PagingKit;

namespace NexOS.Tests.Core.Paging;

[TestFixture]
public sealed class AddressSpaceRegionTests
{
    [Test]
    public void EmptySpaceHasNoRegions()
    {
        var rig = new PagingRig();
        Assert.That(Regions(rig.Space), Is.Empty);
        Assert.That(rig.Space.CountMappedPages(), Is.Zero);
    }

    [Test]
    public void RunsMergeAcrossTablesAndSplitAtGapsAndFlagChanges()
    {
        var rig = new PagingRig();

        // [0x1FE000, 0x202000) crosses from one page table into the next.
        Assert.That(rig.Space.MapRange(V(0x1F_E000), P(0x50_0000), 4 * Page, Rw, false, out _), Is.EqualTo(PagingStatus.Ok));
        Assert.That(Map(rig.Space, 0x20_2000, 0x90_0000, Rw), Is.EqualTo(PagingStatus.Ok));
        Assert.That(Map(rig.Space, 0x20_3000, 0x90_1000, Ro), Is.EqualTo(PagingStatus.Ok));
        Assert.That(Map(rig.Space, 0x20_5000, 0x90_3000, Ro), Is.EqualTo(PagingStatus.Ok));
        Assert.That(Map(rig.Space, 0xFFFF_8000_0000_0000, 0x1000, UserRw), Is.EqualTo(PagingStatus.Ok));

        List<MappedRegion> regions = Regions(rig.Space);
        Assert.That(regions, Is.EqualTo(new[]
        {
            new MappedRegion(V(0x1F_E000), 5 * Page, P(0x50_0000), Rw | PageFlags.Present, false),
            new MappedRegion(V(0x20_3000), Page, P(0x90_1000), Ro | PageFlags.Present, true),
            new MappedRegion(V(0x20_5000), Page, P(0x90_3000), Ro | PageFlags.Present, true),
            new MappedRegion(V(0xFFFF_8000_0000_0000), Page, P(0x1000), UserRw | PageFlags.Present, true),
        }));
        Assert.That(regions[0].End, Is.EqualTo(V(0x20_3000)));
        Assert.That(rig.Space.CountMappedPages(), Is.EqualTo(8));
    }

    [Test]
    public void RegionsReachingTheTopOfMemoryAreListedWithEndZero()
    {
        var rig = new PagingRig();
        Assert.That(rig.Space.MapRange(V(0xFFFF_FFFF_FFFF_D000), P(0x7000), 3 * Page, Rx, false, out _), Is.EqualTo(PagingStatus.Ok));
        List<MappedRegion> regions = Regions(rig.Space);
        Assert.That(regions, Has.Count.EqualTo(1));
        Assert.That(regions[0].Start, Is.EqualTo(V(0xFFFF_FFFF_FFFF_D000)));
        Assert.That(regions[0].End.Value, Is.Zero);
        Assert.That(PageTableEntry.Describe(regions[0].Flags), Is.EqualTo("r-x"));
    }

    [Test]
    public void AccessedAndDirtyDoNotSplitRuns()
    {
        var rig = new PagingRig();
        Assert.That(rig.Space.MapRange(V(0x1000), P(0x1000), 2 * Page, Rw | PageFlags.Accessed | PageFlags.Dirty, false, out _), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Space.MapRange(V(0x3000), P(0x3000), 2 * Page, Rw, false, out _), Is.EqualTo(PagingStatus.Ok));
        Assert.That(Regions(rig.Space), Is.EqualTo(new[] { new MappedRegion(V(0x1000), 4 * Page, P(0x1000), Rw | PageFlags.Present, true) }));
    }

    [Test]
    public void VisitorCanStopTheWalk()
    {
        var rig = new PagingRig();
        Assert.That(Map(rig.Space, 0x1000, 0x1000, Rw), Is.EqualTo(PagingStatus.Ok));
        Assert.That(Map(rig.Space, 0x5000, 0x1000, Rw), Is.EqualTo(PagingStatus.Ok));
        Assert.That(Map(rig.Space, 0x9000, 0x1000, Rw), Is.EqualTo(PagingStatus.Ok));
        var stopper = new StopAfter { Limit = 1 };
        Assert.That(rig.Space.VisitRegions(ref stopper), Is.False);
        Assert.That(stopper.Seen, Is.EqualTo(1));
        stopper = new StopAfter { Limit = 3 };
        Assert.That(rig.Space.VisitRegions(ref stopper), Is.False, "stopped by the last run");
        stopper = new StopAfter { Limit = 4 };
        Assert.That(rig.Space.VisitRegions(ref stopper), Is.True);
        Assert.That(stopper.Seen, Is.EqualTo(3));
    }

    private struct StopAfter : IMappedRegionVisitor
    {
        public int Limit;
        public int Seen;

        public bool Visit(in MappedRegion region)
        {
            Seen++;
            return Seen < Limit;
        }
    }
}

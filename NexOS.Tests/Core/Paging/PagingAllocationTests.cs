using NexOS.Core.Memory;
using NexOS.Core.Paging;
using static NexOS.Tests.Core.Paging.PagingKit;

namespace NexOS.Tests.Core.Paging;

/// <summary>
/// Map, unmap, protect, translate and the ranges run in the kernel where allocating is not
/// allowed (page-fault handling, with the heap possibly being what is growing). The fake
/// memory and the pool are arrays allocated up front, so any allocation measured here is
/// the address space's own.
/// </summary>
[TestFixture]
public sealed class PagingAllocationTests
{
    [Test]
    public void PagingOperationsDoNotAllocateAfterWarmUp()
    {
        var rig = new PagingRig(frames: 64);
        Churn(rig, 2);
        long allocated = AllocationMeter.Measure(() => Churn(rig, 200));
        Assert.That(allocated, Is.Zero);
        Assert.That(rig.Pool.Allocated, Is.EqualTo(1));
    }

    [Test]
    public void RefusalsAndRegionWalksDoNotAllocate()
    {
        var rig = new PagingRig(frames: 64);
        Assert.That(rig.Space.MapRange(V(0), P(0), 4 * MiB, Rw, allowHuge: true, out _), Is.EqualTo(PagingStatus.Ok));
        Assert.That(Map(rig.Space, 0xFFFF_8000_0000_0000, 0x1000, Rx), Is.EqualTo(PagingStatus.Ok));
        rig.Pool.Limit = rig.Pool.Allocated;
        var counter = default(CountingVisitor);
        Refusals(rig, ref counter);
        long allocated = AllocationMeter.Measure(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                Refusals(rig, ref counter);
            }
        });
        Assert.That(allocated, Is.Zero);
        Assert.That(counter.Regions, Is.EqualTo(202));
    }

    private static void Churn(PagingRig rig, int rounds)
    {
        AddressSpace space = rig.Space;
        for (int round = 0; round < rounds; round++)
        {
            ulong low = 0x40_0000 + ((ulong)(round % 7) * Page);
            ulong high = 0xFFFF_FFFF_8000_0000 + ((ulong)(round % 5) * 2 * MiB);
            Check(space.Map(new VirtAddr(low), new PhysAddr(0x1234_5000), Rw, out _));
            Check(space.Map(new VirtAddr(high), new PhysAddr(0x5000), UserRw, out _));
            Check(space.Translate(new VirtAddr(low + 0x10), out _, out _));
            Check(space.Protect(new VirtAddr(high), Ro, out _));
            Check(space.MapRange(new VirtAddr(2 * GiB), new PhysAddr(4 * MiB), 6 * MiB, Rw, true, out _));
            Check(space.MapRange(new VirtAddr((3 * GiB) + Page), new PhysAddr(0), 8 * Page, Ro, false, out _));
            Check(space.Unmap(new VirtAddr(low), out _, out _));
            Check(space.Unmap(new VirtAddr(high), out _, out _));
            Check(space.UnmapRange(new VirtAddr(2 * GiB), 6 * MiB, out _));
            Check(space.UnmapRange(new VirtAddr(3 * GiB), 2 * MiB, out _));
        }
    }

    private static void Refusals(PagingRig rig, ref CountingVisitor counter)
    {
        AddressSpace space = rig.Space;
        Expect(space.Map(new VirtAddr(0x1000), new PhysAddr(0), Rw, out _), PagingStatus.HugePageConflict);
        Expect(space.Map(new VirtAddr(4 * GiB), new PhysAddr(0), Rw, out _), PagingStatus.OutOfFrames);
        Expect(space.MapRange(new VirtAddr(0x0000_7FFF_FFFF_F000), new PhysAddr(0), 2 * Page, Rw, false, out _), PagingStatus.NotCanonical);
        Expect(space.MapRange(new VirtAddr(0), new PhysAddr(0), 2 * MiB, Rw, true, out _), PagingStatus.AlreadyMapped);
        Expect(space.Unmap(new VirtAddr(8 * MiB), out _, out _), PagingStatus.NotMapped);
        Expect(space.UnmapRange(new VirtAddr(MiB), MiB, out _), PagingStatus.HugePageConflict);
        Expect(space.Protect(new VirtAddr(0x1000), Rw | PageFlags.Huge, out _), PagingStatus.InvalidFlags);
        Expect(space.Translate(new VirtAddr(0x0000_8000_0000_0000), out _, out _), PagingStatus.NotCanonical);
        space.VisitRegions(ref counter);
        if (space.CountMappedPages() != 1025)
        {
            throw new InvalidOperationException("count changed");
        }
    }

    // Asserting inside the measured loop would allocate; throw only on failure instead.
    private static void Check(PagingStatus status) => Expect(status, PagingStatus.Ok);

    private static void Expect(PagingStatus status, PagingStatus expected)
    {
        if (status != expected)
        {
            throw new InvalidOperationException("unexpected status");
        }
    }

    private struct CountingVisitor : IMappedRegionVisitor
    {
        public int Regions;

        public bool Visit(in MappedRegion region)
        {
            Regions++;
            return true;
        }
    }
}

using NexOS.Core.Memory;
using static NexOS.Tests.Core.Memory.BuddyTestSupport;

namespace NexOS.Tests.Core.Memory;

[TestFixture]
public sealed class BuddyFrameAllocatorTests
{
    private const ulong MiB = 1UL << 20;

    [Test]
    public void SingleAlignedRangeBecomesMaxOrderBlocks()
    {
        var allocator = new BuddyFrameAllocator(new[] { R(4 * MiB, 12 * MiB) });
        Assert.That(allocator.MaxOrder, Is.EqualTo(BuddyFrameAllocator.DefaultMaxOrder));
        Assert.That(allocator.TotalFrames, Is.EqualTo(2048));
        Assert.That(allocator.FreeFrames, Is.EqualTo(2048));
        Assert.That(allocator.AllocatedFrames, Is.Zero);
        Assert.That(allocator.LargestFreeOrder, Is.EqualTo(10));
        Assert.That(Blocks(allocator), Is.EqualTo(new[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 }));
        Assert.That(allocator.Fragmentation, Is.EqualTo(0.5));
        Assert.That(allocator.UnusableFreeFraction(10), Is.Zero);
        Assert.That(allocator.UnusableFreeFraction(11), Is.EqualTo(1.0));
        Assert.That(allocator.CoveredRange, Is.EqualTo(R(4 * MiB, 12 * MiB)));
        AssertConsistent(allocator);
    }

    [Test]
    public void UnalignedRangesAreTrimmedToWholeFramesAndCarvedIntoAlignedBlocks()
    {
        // Frames 2-8 ([0x1234, 0x9000) trimmed), and frames 0x101-0x1fe.
        var allocator = new BuddyFrameAllocator(new[] { R(0x100800, 0x1ff7ff), R(0x1234, 0x9000) });
        Assert.That(allocator.TotalFrames, Is.EqualTo(7 + (0x1ff - 0x101)));
        AssertConsistent(allocator);

        // 2 (order 1), 4 (2), 8 (0); then 0x101 (0), 0x102 (1), 0x104 (2), 0x108 (3),
        // 0x110 (4), 0x120 (5), 0x140 (6), and down again as the run's end approaches:
        // 0x180 (6), 0x1c0 (5), 0x1e0 (4), 0x1f0 (3), 0x1f8 (2), 0x1fc (1), 0x1fe (0).
        Assert.That(Blocks(allocator), Is.EqualTo(new[] { 3, 3, 3, 2, 2, 2, 2, 0, 0, 0, 0 }));
        Assert.That(allocator.CoveredRange.Start, Is.EqualTo(A(0)));
        Assert.That(allocator.CoveredRange.End, Is.EqualTo(A(0x1ff000)));
    }

    [Test]
    public void OverlappingAndTouchingRangesCountEachFrameOnce()
    {
        var touching = new BuddyFrameAllocator(new[] { R(0x3000, 0x8000), R(0, 0x3000) });
        Assert.That(Blocks(touching), Is.EqualTo(new[] { 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 }));

        var overlapping = new BuddyFrameAllocator(new[] { R(0x1000, 0x5000), R(0x3000, 0x8000), R(0x1000, 0x2000) });
        Assert.That(overlapping.TotalFrames, Is.EqualTo(7));
        Assert.That(Blocks(overlapping), Is.EqualTo(new[] { 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0 }));
        AssertConsistent(overlapping);
    }

    [Test]
    public void NoWholeFrameGivesAnEmptyAllocator()
    {
        var allocator = new BuddyFrameAllocator(new[] { R(0x1001, 0x1fff), R(0x5000, 0x4000), R(0x9000, 0x9000) });
        Assert.That(allocator.TotalFrames, Is.Zero);
        Assert.That(allocator.FreeFrames, Is.Zero);
        Assert.That(allocator.LargestFreeOrder, Is.EqualTo(-1));
        Assert.That(allocator.Fragmentation, Is.Zero);
        Assert.That(allocator.UnusableFreeFraction(3), Is.Zero);
        Assert.That(allocator.CoveredRange.IsEmpty, Is.True);
        Assert.That(allocator.TryAllocate(0, out PhysAddr address), Is.False);
        Assert.That(address, Is.EqualTo(default(PhysAddr)));
        Assert.That(allocator.Free(A(0x1000), 0), Is.EqualTo(AllocationResult.OutOfRange));
        Assert.That(allocator.Reserve(R(0, 0x10000)), Is.Zero);
        AssertConsistent(allocator);
        Assert.That(new BuddyFrameAllocator(ReadOnlySpan<PhysRange>.Empty).TotalFrames, Is.Zero);
    }

    [Test]
    public void AllocationsAreAlignedToTheirSizeAndSplitLargerBlocks()
    {
        var allocator = new BuddyFrameAllocator(new[] { R(0, 16 * Frame) }, maxOrder: 4);
        Assert.That(allocator.TryAllocate(0, out PhysAddr a), Is.True);
        Assert.That(a, Is.EqualTo(A(0)));
        Assert.That(Blocks(allocator), Is.EqualTo(new[] { 1, 1, 1, 1, 0 }));
        Assert.That(allocator.TryAllocate(2, out PhysAddr b), Is.True);
        Assert.That(b, Is.EqualTo(A(4 * Frame)));
        Assert.That(allocator.TryAllocate(3, out PhysAddr c), Is.True);
        Assert.That(c, Is.EqualTo(A(8 * Frame)));
        Assert.That(allocator.FreeFrames, Is.EqualTo(3));
        Assert.That(allocator.AllocatedFrames, Is.EqualTo(13));
        Assert.That(allocator.TryAllocate(2, out _), Is.False);
        AssertConsistent(allocator);
    }

    [TestCase(-1)]
    [TestCase(5)]
    [TestCase(int.MaxValue)]
    [TestCase(int.MinValue)]
    public void OrderOutOfRangeIsRefused(int order)
    {
        var allocator = new BuddyFrameAllocator(new[] { R(0, 16 * Frame) }, maxOrder: 4);
        Assert.That(allocator.TryAllocate(order, out PhysAddr address), Is.False);
        Assert.That(address, Is.EqualTo(default(PhysAddr)));
        Assert.That(allocator.FreeFrames, Is.EqualTo(16));
    }

    [Test]
    public void FreedBuddiesMergeBackIntoOneBlock()
    {
        var allocator = new BuddyFrameAllocator(new[] { R(0x800000, 0x808000) }, maxOrder: 3);
        Assert.That(allocator.TryAllocate(0, out PhysAddr first), Is.True);
        Assert.That(allocator.TryAllocate(0, out PhysAddr second), Is.True);
        Assert.That(second, Is.EqualTo(first + Frame));
        Assert.That(Blocks(allocator), Is.EqualTo(new[] { 0, 1, 1, 0 }));

        Assert.That(allocator.Free(first, 0), Is.EqualTo(AllocationResult.Ok));
        Assert.That(Blocks(allocator), Is.EqualTo(new[] { 1, 1, 1, 0 }));
        Assert.That(allocator.Fragmentation, Is.EqualTo(1 - (4.0 / 7)));
        Assert.That(allocator.Free(second, 0), Is.EqualTo(AllocationResult.Ok));
        Assert.That(Blocks(allocator), Is.EqualTo(new[] { 0, 0, 0, 1 }));
        Assert.That(allocator.Fragmentation, Is.Zero);
        Assert.That(allocator.LargestFreeOrder, Is.EqualTo(3));
        AssertConsistent(allocator);
    }

    [Test]
    public void BlocksDoNotMergeAcrossAHole()
    {
        // Frames 0-3 and 8-11: the order-2 blocks at 0 and 8 are not buddies of each other,
        // and the buddies at 4 and 12 never exist.
        var allocator = new BuddyFrameAllocator(new[] { R(0, 4 * Frame), R(8 * Frame, 12 * Frame) }, maxOrder: 4);
        Assert.That(Blocks(allocator), Is.EqualTo(new[] { 0, 0, 2, 0, 0 }));
        Assert.That(allocator.TryAllocate(2, out PhysAddr a), Is.True);
        Assert.That(allocator.Free(a, 2), Is.EqualTo(AllocationResult.Ok));
        Assert.That(Blocks(allocator), Is.EqualTo(new[] { 0, 0, 2, 0, 0 }));
        Assert.That(allocator.UnusableFreeFraction(3), Is.EqualTo(1.0));
        AssertConsistent(allocator);
    }

    [Test]
    public void ExhaustionThenFreeingEverythingRestoresTheStart()
    {
        PhysRange[] ranges = { R(0x9f000, 0xa0000), R(0x100000, 0x7fe0000), R(0x8000123, 0x8400000) };
        var allocator = new BuddyFrameAllocator(ranges);
        int[] startBlocks = Blocks(allocator);
        long start = allocator.FreeFrames;

        var taken = new List<PhysAddr>();
        while (allocator.TryAllocate(0, out PhysAddr address))
        {
            taken.Add(address);
        }

        Assert.That(taken, Has.Count.EqualTo(start));
        Assert.That(allocator.FreeFrames, Is.Zero);
        Assert.That(allocator.LargestFreeOrder, Is.EqualTo(-1));
        Assert.That(allocator.Fragmentation, Is.Zero);
        Assert.That(allocator.TryAllocate(0, out _), Is.False);
        AssertConsistent(allocator);

        Shuffle(taken, new Random(7));
        foreach (PhysAddr address in taken)
        {
            Assert.That(allocator.Free(address, 0), Is.EqualTo(AllocationResult.Ok));
        }

        Assert.That(allocator.FreeFrames, Is.EqualTo(start));
        Assert.That(Blocks(allocator), Is.EqualTo(startBlocks));
        Assert.That(allocator.LargestFreeOrder, Is.EqualTo(10));
        AssertConsistent(allocator);
    }

    [Test]
    public void FullRecoveryOfASingleBlockLeavesNoFragmentation()
    {
        var allocator = new BuddyFrameAllocator(new[] { R(0x400000, 0x800000) });
        var taken = new List<(PhysAddr Address, int Order)>();
        int order = 0;
        while (allocator.FreeFrames > 0)
        {
            if (allocator.TryAllocate(order, out PhysAddr address))
            {
                taken.Add((address, order));
            }

            order = (order + 3) % 7;
        }

        Assert.That(allocator.Fragmentation, Is.Zero);
        taken.Reverse();
        foreach ((PhysAddr address, int o) in taken)
        {
            Assert.That(allocator.Free(address, o), Is.EqualTo(AllocationResult.Ok));
        }

        Assert.That(allocator.FreeFrames, Is.EqualTo(1024));
        Assert.That(allocator.LargestFreeOrder, Is.EqualTo(10));
        Assert.That(allocator.Fragmentation, Is.Zero);
    }

    [TestCase(0UL, false, -1)]
    [TestCase(1UL, true, 0)]
    [TestCase(4096UL, true, 0)]
    [TestCase(4097UL, true, 1)]
    [TestCase(3 * 4096UL, true, 2)]
    [TestCase(4UL << 20, true, 10)]
    [TestCase((4UL << 20) + 1, false, -1)]
    [TestCase(ulong.MaxValue, false, -1)]
    public void TryAllocateBytesPicksTheSmallestFittingOrder(ulong bytes, bool ok, int expectedOrder)
    {
        var allocator = new BuddyFrameAllocator(new[] { R(0, 8 << 20) });
        Assert.That(allocator.TryAllocateBytes(bytes, out PhysAddr address, out int order), Is.EqualTo(ok));
        Assert.That(order, Is.EqualTo(expectedOrder));
        if (ok)
        {
            Assert.That(address.Value % (Frame << order), Is.Zero);
            Assert.That(allocator.Free(address, order), Is.EqualTo(AllocationResult.Ok));
        }

        Assert.That(allocator.FreeFrames, Is.EqualTo(2048));
    }

    [Test]
    public void TryAllocateBytesReportsTheNeededOrderWhenMemoryRunsOut()
    {
        var allocator = new BuddyFrameAllocator(new[] { R(0, 4 * Frame) });
        Assert.That(allocator.TryAllocateBytes(5 * Frame, out _, out int order), Is.False);
        Assert.That(order, Is.EqualTo(3));
    }

    [TestCase(0UL, -1)]
    [TestCase(1UL, 0)]
    [TestCase(8192UL, 1)]
    [TestCase(8193UL, 2)]
    [TestCase(ulong.MaxValue, 52)]
    public void OrderForBytes(ulong bytes, int order)
    {
        Assert.That(BuddyFrameAllocator.OrderForBytes(bytes), Is.EqualTo(order));
    }
}

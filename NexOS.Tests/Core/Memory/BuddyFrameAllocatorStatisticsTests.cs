using NexOS.Core.Memory;
using static NexOS.Tests.Core.Memory.BuddyTestSupport;

namespace NexOS.Tests.Core.Memory;

/// <summary>
/// Exact figures of the free-memory statistics in edge states: nothing free, only single
/// frames free, one block of each order, everything free. Each state names its free blocks by
/// hand, so the expected order and fragmentation come from the definitions, not the code.
/// </summary>
[TestFixture]
public sealed class BuddyFrameAllocatorStatisticsTests
{
    private static IEnumerable<TestCaseData> States()
    {
        // Name, the allocator in that state, its largest free order, the frames in that largest
        // block and all free frames: fragmentation is 1 - largest / free, or 0 with nothing free.
        yield return State("EverythingFreeAsOneBlock", () => Fresh(16, 4), 4, 16, 16);
        yield return State("EverythingFreeAsTwoMaxOrderBlocks", () => Fresh(32, 4), 4, 16, 32);
        yield return State("NothingFree", () => AllocatedExcept(16, 4), -1, 0, 0);
        yield return State("OneSingleFrameFree", () => AllocatedExcept(16, 4, 5), 0, 1, 1);
        yield return State("TwoSingleFramesThatAreNotBuddies", () => AllocatedExcept(16, 4, 1, 2), 0, 1, 2);
        yield return State("FourSingleFrames", () => AllocatedExcept(16, 4, 1, 2, 5, 6), 0, 1, 4);
        yield return State("TwoPairsThatAreNotBuddies", () => AllocatedExcept(16, 4, 2, 3, 4, 5), 1, 2, 4);
        yield return State("FreedBuddiesMergeIntoOnePair", () => AllocatedExcept(16, 4, 2, 3), 1, 2, 2);
        yield return State("OneBlockOfEachOrderBelowTheLargest", () => Fresh(15, 4), 3, 8, 15);
        yield return State("OneBlockOfEachOrder", () => Fresh(31, 4), 4, 16, 31);
        yield return State("SplitForOneFrame", () => Split(16, 4), 3, 8, 15);
        yield return State("MaxOrderZero", () => Fresh(3, 0), 0, 1, 3);
        yield return State("MaxOrderZeroAllTaken", () => AllocatedExcept(3, 0), -1, 0, 0);
        yield return State("MaxOrderZeroOneLeft", () => AllocatedExcept(3, 0, 2), 0, 1, 1);
    }

    [TestCaseSource(nameof(States))]
    public void LargestFreeOrderAndFragmentationAreExact(Func<BuddyFrameAllocator> make, int largestOrder, long largestFrames, long freeFrames)
    {
        BuddyFrameAllocator allocator = make();
        AssertConsistent(allocator);
        Assert.That(allocator.FreeFrames, Is.EqualTo(freeFrames));
        Assert.That(allocator.LargestFreeOrder, Is.EqualTo(largestOrder));
        Assert.That(largestOrder < 0 ? 0 : 1L << largestOrder, Is.EqualTo(largestFrames));
        double fragmentation = freeFrames == 0 ? 0 : 1 - ((double)largestFrames / freeFrames);
        Assert.That(allocator.Fragmentation, Is.EqualTo(fragmentation));
    }

    [Test]
    public void OnlySingleFramesFreeScoreOrderZeroAndAHalf()
    {
        BuddyFrameAllocator allocator = AllocatedExcept(8, 3, 0, 3);
        Assert.That(Blocks(allocator), Is.EqualTo(new[] { 2, 0, 0, 0 }));
        Assert.That((allocator.LargestFreeOrder, allocator.Fragmentation), Is.EqualTo((0, 0.5)));
        Assert.That(allocator.UnusableFreeFraction(1), Is.EqualTo(1.0));
    }

    [Test]
    public void UnusableFractionCountsTheBlocksTooSmallForEachOrder()
    {
        // Blocks of 8, 4, 2 and 1 frames: each order's unusable share is what lies below it.
        BuddyFrameAllocator allocator = Fresh(15, 4);
        Assert.That(Blocks(allocator), Is.EqualTo(new[] { 1, 1, 1, 1, 0 }));
        double[] expected = { 0, 1.0 / 15, 3.0 / 15, 7.0 / 15, 1, 1, 1 };
        for (int order = 0; order < expected.Length; order++)
        {
            Assert.That(allocator.UnusableFreeFraction(order), Is.EqualTo(expected[order]), $"order {order}");
        }

        Assert.That(allocator.UnusableFreeFraction(-1), Is.Zero);
        Assert.That(AllocatedExcept(16, 4).UnusableFreeFraction(2), Is.Zero, "nothing free");
    }

    private static TestCaseData State(string name, Func<BuddyFrameAllocator> make, int largestOrder, long largestFrames, long freeFrames) =>
        new TestCaseData(make, largestOrder, largestFrames, freeFrames).SetName($"{nameof(LargestFreeOrderAndFragmentationAreExact)}({name})");

    /// <summary>An allocator of <paramref name="frames"/> frames from address 0, all free.</summary>
    private static BuddyFrameAllocator Fresh(int frames, int maxOrder) => new(new[] { R(0, (ulong)frames * Frame) }, maxOrder);

    /// <summary>An allocator with every frame taken one by one (so each is its own block), then
    /// the listed ones freed.</summary>
    private static BuddyFrameAllocator AllocatedExcept(int frames, int maxOrder, params int[] free)
    {
        BuddyFrameAllocator allocator = Fresh(frames, maxOrder);
        for (int i = 0; i < frames; i++)
        {
            Assert.That(allocator.TryAllocate(0, out _), Is.True);
        }

        foreach (int frame in free)
        {
            Assert.That(allocator.Free(A((ulong)frame * Frame), 0), Is.EqualTo(AllocationResult.Ok));
        }

        return allocator;
    }

    /// <summary>A single free block split down to hand out one frame.</summary>
    private static BuddyFrameAllocator Split(int frames, int maxOrder)
    {
        BuddyFrameAllocator allocator = Fresh(frames, maxOrder);
        Assert.That(allocator.TryAllocate(0, out _), Is.True);
        return allocator;
    }
}

using NexOS.Core.Memory;
using static NexOS.Tests.Core.Memory.BuddyTestSupport;

namespace NexOS.Tests.Core.Memory;

[TestFixture]
public sealed class BuddyFrameAllocatorReserveTests
{
    [Test]
    public void ReserveTakesFramesOutAndSplitsTheBlockAroundThem()
    {
        var allocator = new BuddyFrameAllocator(new[] { R(0, 16 * Frame) }, maxOrder: 4);
        Assert.That(allocator.Reserve(R(5 * Frame, 7 * Frame)), Is.EqualTo(2));
        Assert.That(allocator.TotalFrames, Is.EqualTo(14));
        Assert.That(allocator.FreeFrames, Is.EqualTo(14));

        // Left: 0-3 (order 2), 4 (0); right: 7 (0), 8-15 (3).
        Assert.That(Blocks(allocator), Is.EqualTo(new[] { 2, 0, 1, 1, 0 }));
        AssertConsistent(allocator);

        var taken = new List<PhysAddr>();
        while (allocator.TryAllocate(0, out PhysAddr address))
        {
            Assert.That(address.Value, Is.Not.InRange(5 * Frame, 6 * Frame));
            taken.Add(address);
        }

        Assert.That(taken, Has.Count.EqualTo(14));
        Assert.That(allocator.Free(new PhysAddr(5 * Frame), 0), Is.EqualTo(AllocationResult.NotAllocated));
        foreach (PhysAddr address in taken)
        {
            Assert.That(allocator.Free(address, 0), Is.EqualTo(AllocationResult.Ok));
        }

        // The reserved frames keep the two halves from merging back into one block.
        Assert.That(Blocks(allocator), Is.EqualTo(new[] { 2, 0, 1, 1, 0 }));
        AssertConsistent(allocator);
    }

    [Test]
    public void PartlyCoveredFramesAreTakenWhole()
    {
        var allocator = new BuddyFrameAllocator(new[] { R(0, 16 * Frame) }, maxOrder: 4);
        Assert.That(allocator.Reserve(R((3 * Frame) + 0x10, (3 * Frame) + 0x20)), Is.EqualTo(1));
        Assert.That(allocator.Reserve(R((8 * Frame) - 1, (8 * Frame) + 1)), Is.EqualTo(2));
        Assert.That(allocator.FreeFrames, Is.EqualTo(13));
        AssertConsistent(allocator);
    }

    [Test]
    public void AllocatedFramesAreLeftToTheirOwner()
    {
        var allocator = new BuddyFrameAllocator(new[] { R(0, 16 * Frame) }, maxOrder: 4);
        Assert.That(allocator.TryAllocate(2, out PhysAddr block), Is.True);
        Assert.That(block, Is.EqualTo(A(0)));

        // Frames 2-5: 2 and 3 are allocated, 4 and 5 are free.
        Assert.That(allocator.Reserve(R(2 * Frame, 6 * Frame)), Is.EqualTo(2));
        Assert.That(allocator.TotalFrames, Is.EqualTo(14));
        Assert.That(allocator.AllocatedFrames, Is.EqualTo(4));
        Assert.That(allocator.Free(block, 2), Is.EqualTo(AllocationResult.Ok));
        Assert.That(allocator.FreeFrames, Is.EqualTo(14));
        AssertConsistent(allocator);
    }

    [Test]
    public void ReservingNothingOrTwiceTakesNothing()
    {
        var allocator = new BuddyFrameAllocator(new[] { R(0x100000, 0x200000) });
        string before = State(allocator);
        Assert.That(allocator.Reserve(R(0x3000, 0x3000)), Is.Zero);
        Assert.That(allocator.Reserve(R(0x5000, 0x1000)), Is.Zero);
        Assert.That(allocator.Reserve(R(0x200000, 0x300000)), Is.Zero);
        Assert.That(allocator.Reserve(R(0x4000000, ulong.MaxValue)), Is.Zero);
        Assert.That(State(allocator), Is.EqualTo(before));

        Assert.That(allocator.Reserve(R(0xf0000, 0x102000)), Is.EqualTo(2));
        Assert.That(allocator.Reserve(R(0xf0000, 0x102000)), Is.Zero);
        Assert.That(allocator.TotalFrames, Is.EqualTo(254));
        AssertConsistent(allocator);
    }

    [Test]
    public void ReservingEverythingLeavesNothingToAllocate()
    {
        var allocator = new BuddyFrameAllocator(new[] { R(0x1000, 0x9000), R(0x20000, 0x40000) });
        Assert.That(allocator.Reserve(R(0, ulong.MaxValue)), Is.EqualTo(40));
        Assert.That(allocator.TotalFrames, Is.Zero);
        Assert.That(allocator.LargestFreeOrder, Is.EqualTo(-1));
        Assert.That(allocator.TryAllocate(0, out _), Is.False);
        AssertConsistent(allocator);
    }
}

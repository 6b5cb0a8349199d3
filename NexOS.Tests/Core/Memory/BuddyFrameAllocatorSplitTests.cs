using NexOS.Core.Memory;
using static NexOS.Tests.Core.Memory.BuddyTestSupport;

namespace NexOS.Tests.Core.Memory;

/// <summary>Split: a contiguous block (a DMA buffer) becomes single frames given back one by one.</summary>
[TestFixture]
public sealed class BuddyFrameAllocatorSplitTests
{
    [Test]
    public void ASplitBlocksFramesAreFreedOneByOneAndMergeBackWhole()
    {
        var allocator = new BuddyFrameAllocator(new[] { R(0x10_0000, 0x20_0000) }, maxOrder: 8);
        string before = State(allocator);
        Assert.That(allocator.TryAllocate(4, out PhysAddr block), Is.True);
        Assert.That(allocator.Split(block, 4), Is.EqualTo(AllocationResult.Ok));
        AssertConsistent(allocator);

        var order = new List<int>();
        for (int i = 0; i < 16; i++)
        {
            order.Add(i);
        }

        Shuffle(order, new Random(7));
        foreach (int i in order)
        {
            Assert.That(allocator.Free(A(block.Value + ((ulong)i * Frame)), 0), Is.EqualTo(AllocationResult.Ok));
            AssertConsistent(allocator);
        }

        Assert.That(State(allocator), Is.EqualTo(before), "every frame came back and the buddies merged");
    }

    [Test]
    public void AfterASplitTheBlockCannotBeFreedWhole()
    {
        var allocator = new BuddyFrameAllocator(new[] { R(0x10_0000, 0x20_0000) }, maxOrder: 8);
        allocator.TryAllocate(3, out PhysAddr block);
        allocator.Split(block, 3);
        Assert.That(allocator.Free(block, 3), Is.EqualTo(AllocationResult.WrongOrder));
        Assert.That(allocator.Free(A(block.Value + Frame), 0), Is.EqualTo(AllocationResult.Ok));
        Assert.That(allocator.Free(A(block.Value + Frame), 0), Is.EqualTo(AllocationResult.DoubleFree));
        AssertConsistent(allocator);
    }

    [Test]
    public void OnlyAnAllocatedBlockOfThatOrderIsSplit()
    {
        var allocator = new BuddyFrameAllocator(new[] { R(0x10_0000, 0x20_0000) }, maxOrder: 8);
        allocator.TryAllocate(2, out PhysAddr block);
        string state = State(allocator);
        Assert.Multiple(() =>
        {
            Assert.That(allocator.Split(block, 3), Is.EqualTo(AllocationResult.WrongOrder));
            Assert.That(allocator.Split(block, 1), Is.EqualTo(AllocationResult.WrongOrder));
            Assert.That(allocator.Split(block, 99), Is.EqualTo(AllocationResult.WrongOrder));
            Assert.That(allocator.Split(A(block.Value + 1), 2), Is.EqualTo(AllocationResult.Misaligned));
            Assert.That(allocator.Split(A(block.Value + Frame), 2), Is.EqualTo(AllocationResult.NotAllocated), "inside the block, not its head");
            Assert.That(allocator.Split(A(0x18_0000), 0), Is.EqualTo(AllocationResult.NotAllocated), "free memory");
            Assert.That(allocator.Split(A(0x4000_0000), 0), Is.EqualTo(AllocationResult.OutOfRange));
        });
        Assert.That(State(allocator), Is.EqualTo(state));
        Assert.That(allocator.Free(block, 2), Is.EqualTo(AllocationResult.Ok), "the refused splits left the block whole");
        AssertConsistent(allocator);
    }
}

using NexOS.Core.Memory;
using static NexOS.Tests.Core.Memory.BuddyTestSupport;

namespace NexOS.Tests.Core.Memory;

/// <summary>Every bad free is refused with the right status and changes nothing.</summary>
[TestFixture]
public sealed class BuddyFrameAllocatorHostileTests
{
    private BuddyFrameAllocator _allocator = null!;
    private PhysAddr _order0;
    private PhysAddr _order2;

    // Frames 0x100-0x10f and 0x118-0x11f (a hole at 0x110-0x117), max order 3. Reserving
    // frame 0x11f splits 0x118-0x11e into blocks of order 2, 1 and 0, which the two
    // allocations then take from (0x11e for order 0, 0x118-0x11b for order 2), leaving
    // 0x100-0x10f free as two order-3 blocks and 0x11c-0x11d as an order-1 block.
    [SetUp]
    public void SetUp()
    {
        _allocator = new BuddyFrameAllocator(new[] { R(0x100000, 0x110000), R(0x118000, 0x120000) }, maxOrder: 3);
        Assert.That(_allocator.Reserve(R(0x11f000, 0x120000)), Is.EqualTo(1));
        Assert.That(_allocator.TryAllocate(0, out _order0), Is.True);
        Assert.That(_allocator.TryAllocate(2, out _order2), Is.True);
        Assert.That(_order0, Is.EqualTo(A(0x11e000)));
        Assert.That(_order2, Is.EqualTo(A(0x118000)));
    }

    private void AssertRefused(PhysAddr address, int order, AllocationResult expected)
    {
        string before = State(_allocator);
        Assert.That(_allocator.Free(address, order), Is.EqualTo(expected), $"free({address}, {order})");
        Assert.That(State(_allocator), Is.EqualTo(before));
        AssertConsistent(_allocator);
    }

    [Test]
    public void DoubleFreeIsRefused()
    {
        Assert.That(_allocator.Free(_order0, 0), Is.EqualTo(AllocationResult.Ok));
        AssertRefused(_order0, 0, AllocationResult.DoubleFree);
        Assert.That(_allocator.Free(_order2, 2), Is.EqualTo(AllocationResult.Ok));
        AssertRefused(_order2, 2, AllocationResult.DoubleFree);
    }

    [Test]
    public void DoubleFreeInsideAMergedBlockIsRecognised()
    {
        // Take both frames of the order-1 block, then free them: they merge back, and the
        // second one is now the middle of a free block rather than a block head.
        Assert.That(_allocator.TryAllocate(0, out PhysAddr first), Is.True);
        Assert.That(_allocator.TryAllocate(0, out PhysAddr second), Is.True);
        Assert.That(first, Is.EqualTo(A(0x11c000)));
        Assert.That(second, Is.EqualTo(A(0x11d000)));
        Assert.That(_allocator.Free(second, 0), Is.EqualTo(AllocationResult.Ok));
        Assert.That(_allocator.Free(first, 0), Is.EqualTo(AllocationResult.Ok));
        Assert.That(Blocks(_allocator), Is.EqualTo(new[] { 0, 1, 0, 2 }));
        AssertRefused(second, 0, AllocationResult.DoubleFree);
        AssertRefused(first, 0, AllocationResult.DoubleFree);
        AssertRefused(A(0x10a000), 1, AllocationResult.DoubleFree);
    }

    [Test]
    public void NeverAllocatedAddressesAreRefused()
    {
        AssertRefused(A(0x108000), 0, AllocationResult.DoubleFree);   // free, never handed out
        AssertRefused(A(0x110000), 0, AllocationResult.NotAllocated); // hole
        AssertRefused(A(0x11f000), 0, AllocationResult.NotAllocated); // reserved
        AssertRefused(A(0x119000), 0, AllocationResult.NotAllocated); // inside the order-2 block
        AssertRefused(A(0x11a000), 1, AllocationResult.NotAllocated);
    }

    [Test]
    public void MisalignedAddressesAreRefused()
    {
        AssertRefused(A(0x100001), 0, AllocationResult.Misaligned);
        AssertRefused(_order2 + 0xfff, 2, AllocationResult.Misaligned);
        AssertRefused(A(0x101000), 1, AllocationResult.Misaligned);
        AssertRefused(A(0x11a000), 3, AllocationResult.Misaligned);
    }

    [Test]
    public void AddressesOutsideTheSpanAreRefused()
    {
        AssertRefused(A(0), 0, AllocationResult.OutOfRange);
        AssertRefused(A(0xff000), 0, AllocationResult.OutOfRange);
        AssertRefused(A(0x120000), 0, AllocationResult.OutOfRange);
        AssertRefused(A(ulong.MaxValue & ~0xfffUL), 0, AllocationResult.OutOfRange);
        AssertRefused(A(ulong.MaxValue), 0, AllocationResult.Misaligned);
    }

    [Test]
    public void WrongOrdersAreRefused()
    {
        AssertRefused(_order2, 1, AllocationResult.WrongOrder);
        AssertRefused(_order2, 3, AllocationResult.WrongOrder);
        AssertRefused(_order0, 1, AllocationResult.WrongOrder);
        AssertRefused(_order0, -1, AllocationResult.WrongOrder);
        AssertRefused(_order0, 4, AllocationResult.WrongOrder);
        AssertRefused(_order0, int.MinValue, AllocationResult.WrongOrder);

        // The right order still works afterwards.
        Assert.That(_allocator.Free(_order2, 2), Is.EqualTo(AllocationResult.Ok));
        Assert.That(_allocator.Free(_order0, 0), Is.EqualTo(AllocationResult.Ok));
        Assert.That(_allocator.FreeFrames, Is.EqualTo(23));
        AssertConsistent(_allocator);
    }

    [Test]
    public void StatusesHaveNames()
    {
        Assert.That(AllocationResult.Ok.Describe(), Is.EqualTo("ok"));
        Assert.That(AllocationResult.DoubleFree.Describe(), Is.EqualTo("double free"));
        Assert.That(AllocationResult.NotAllocated.Describe(), Is.EqualTo("not allocated"));
        Assert.That(AllocationResult.Misaligned.Describe(), Is.EqualTo("misaligned"));
        Assert.That(AllocationResult.OutOfRange.Describe(), Is.EqualTo("out of range"));
        Assert.That(AllocationResult.WrongOrder.Describe(), Is.EqualTo("wrong order"));
        Assert.That(((AllocationResult)42).Describe(), Is.EqualTo("unknown"));
    }
}

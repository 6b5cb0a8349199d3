using NexOS.Core.Memory;
using static NexOS.Tests.Core.Memory.BuddyTestSupport;

namespace NexOS.Tests.Core.Memory;

[TestFixture]
public sealed class BuddyFrameAllocatorLimitsTests
{
    [TestCase(-1)]
    [TestCase(BuddyFrameAllocator.MaxSupportedOrder + 1)]
    public void MaxOrderOutsideTheSupportedRangeIsRefused(int maxOrder)
    {
        Assert.That(() => new BuddyFrameAllocator(new[] { R(0, 0x10000) }, maxOrder), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void SpansBeyondTheLimitAreRefusedAndCanBeCheckedFirst()
    {
        PhysRange[] huge = { R(0x1000, 0x2000), R(1UL << 50, (1UL << 50) + 0x1000) };
        Assert.That(BuddyFrameAllocator.EstimateMetadataBytes(huge), Is.GreaterThan(1UL << 40));
        Assert.That(() => new BuddyFrameAllocator(huge), Throws.ArgumentException);

        PhysRange[] small = { R(0, 64 << 20) };
        ulong expected = (16384UL * 9) + (11 * 2 * 4);
        Assert.That(BuddyFrameAllocator.EstimateMetadataBytes(small), Is.EqualTo(expected));
        Assert.That(BuddyFrameAllocator.EstimateMetadataBytes(small, -5), Is.EqualTo(expected));
        Assert.That(BuddyFrameAllocator.EstimateMetadataBytes(ReadOnlySpan<PhysRange>.Empty), Is.EqualTo(11UL * 2 * 4));
    }

    [Test]
    public void MemoryAtTheTopOfTheAddressSpaceWorks()
    {
        ulong start = 0xffff_ffff_fff0_0000;
        var allocator = new BuddyFrameAllocator(new[] { R(start, ulong.MaxValue) });
        Assert.That(allocator.TotalFrames, Is.EqualTo(255));
        Assert.That(allocator.TryAllocate(7, out PhysAddr address), Is.True);
        Assert.That(address.Value, Is.GreaterThanOrEqualTo(start));
        Assert.That(allocator.Free(address, 7), Is.EqualTo(AllocationResult.Ok));
        Assert.That(allocator.Free(A(ulong.MaxValue & ~0xfffUL), 0), Is.EqualTo(AllocationResult.OutOfRange));
        Assert.That(allocator.FreeFrames, Is.EqualTo(255));
        AssertConsistent(allocator);
    }

    [Test]
    public void AllocateAndFreeAllocateNothing()
    {
        var allocator = new BuddyFrameAllocator(new[] { R(0x100000, 0x4000000) });
        var addresses = new PhysAddr[64];
        var orders = new int[64];
        Churn(allocator, addresses, orders, 10);

        long allocated = AllocationMeter.Measure(() => Churn(allocator, addresses, orders, 20000));
        Assert.That(allocated, Is.Zero);
        AssertConsistent(allocator);
    }

    private static void Churn(BuddyFrameAllocator allocator, PhysAddr[] addresses, int[] orders, int rounds)
    {
        Span<int> counts = stackalloc int[16];
        for (int round = 0; round < rounds; round++)
        {
            int slot = round % addresses.Length;
            if (orders[slot] > 0)
            {
                allocator.Free(addresses[slot], orders[slot] - 1);
                orders[slot] = 0;
            }

            int order = (round * 7) % 6;
            if (allocator.TryAllocate(order, out addresses[slot]))
            {
                orders[slot] = order + 1;
            }

            allocator.Free(new PhysAddr(1), 0);
            allocator.FreeBlocksPerOrder(counts);
            _ = allocator.Fragmentation + allocator.UnusableFreeFraction(3) + allocator.LargestFreeOrder;
        }
    }
}

using NexOS.Core.Memory;
using static NexOS.Tests.Core.Memory.BuddyTestSupport;

namespace NexOS.Tests.Core.Memory;

/// <summary>Random allocations and frees checked against a simple model: the set of blocks
/// handed out and not yet freed.</summary>
[TestFixture]
public sealed class BuddyFrameAllocatorFuzzTests
{
    [TestCase(1, 10)]
    [TestCase(2, 4)]
    [TestCase(3, 0)]
    [TestCase(4, 12)]
    public void RandomAllocFreeAgreesWithTheModel(int seed, int maxOrder)
    {
        var random = new Random(seed);
        PhysRange[] ranges = RandomRanges(random);
        var allocator = new BuddyFrameAllocator(ranges, maxOrder);
        int[] startBlocks = Blocks(allocator);
        long total = allocator.TotalFrames;
        Assert.That(total, Is.EqualTo(WholeFrames(ranges)));

        var allocated = new List<(PhysAddr Address, int Order)>();
        var owner = new Dictionary<ulong, int>(); // frame number -> index into allocated
        (PhysAddr Address, int Order) lastFreed = (default, -1);
        for (int step = 0; step < 20000; step++)
        {
            int action = random.Next(100);
            if (action < 55 || allocated.Count == 0)
            {
                // Small orders are the common case; the occasional large one forces splits.
                int order = random.Next(4) == 0 ? random.Next(-1, maxOrder + 2) : random.Next(Math.Min(3, maxOrder) + 1);
                bool valid = order >= 0 && order <= maxOrder;
                if (allocator.TryAllocate(order, out PhysAddr address))
                {
                    Assert.That(valid, Is.True, $"order {order} accepted");
                    CheckNewBlock(ranges, owner, address, order, allocated.Count);
                    allocated.Add((address, order));
                }
                else if (valid)
                {
                    Assert.That(allocator.LargestFreeOrder, Is.LessThan(order), "refused although a block was free");
                }
            }
            else if (action < 95)
            {
                int i = random.Next(allocated.Count);
                (PhysAddr address, int order) = allocated[i];
                Assert.That(allocator.Free(address, order), Is.EqualTo(AllocationResult.Ok));
                Forget(owner, address, order);
                lastFreed = (address, order);
                int last = allocated.Count - 1;
                if (i != last)
                {
                    allocated[i] = allocated[last];
                    Claim(owner, allocated[i].Address, allocated[i].Order, i);
                }

                allocated.RemoveAt(last);
            }
            else if (lastFreed.Order >= 0)
            {
                HostileFree(allocator, random, allocated, owner, lastFreed);
            }

            long inUse = 0;
            foreach ((PhysAddr _, int order) in allocated)
            {
                inUse += 1L << order;
            }

            Assert.That(allocator.AllocatedFrames, Is.EqualTo(inUse), $"step {step}");
            Assert.That(allocator.FreeFrames, Is.EqualTo(total - inUse), $"step {step}");
            if (step % 500 == 0)
            {
                AssertConsistent(allocator);
            }
        }

        foreach ((PhysAddr address, int order) in allocated)
        {
            Assert.That(allocator.Free(address, order), Is.EqualTo(AllocationResult.Ok));
        }

        Assert.That(allocator.FreeFrames, Is.EqualTo(total));
        Assert.That(Blocks(allocator), Is.EqualTo(startBlocks));
        AssertConsistent(allocator);
    }

    private static PhysRange[] RandomRanges(Random random)
    {
        var ranges = new List<PhysRange>();
        ulong cursor = (ulong)random.Next(0, 1 << 24);
        for (int i = 0; i < 6; i++)
        {
            ulong length = (ulong)random.Next(1, 3 << 20);
            ranges.Add(R(cursor, cursor + length));
            cursor += length + (ulong)random.Next(0, 1 << 22);
        }

        ranges.Add(R(cursor, cursor + 0xfff)); // less than a frame
        return ranges.ToArray();
    }

    private static long WholeFrames(PhysRange[] ranges)
    {
        long frames = 0;
        foreach (PhysRange r in ranges)
        {
            ulong first = (r.Start.Value + Frame - 1) / Frame;
            ulong end = r.End.Value / Frame;
            frames += end > first ? (long)(end - first) : 0;
        }

        return frames;
    }

    private static void CheckNewBlock(PhysRange[] ranges, Dictionary<ulong, int> owner, PhysAddr address, int order, int index)
    {
        ulong bytes = Frame << order;
        Assert.That(address.Value % bytes, Is.Zero, "block not aligned to its size");
        bool inside = false;
        foreach (PhysRange r in ranges)
        {
            inside |= address >= r.Start && address.Value + bytes <= r.End.Value;
        }

        Assert.That(inside, Is.True, $"block {address} order {order} is not inside one free range");
        for (ulong f = 0; f < (1UL << order); f++)
        {
            ulong frame = (address.Value / Frame) + f;
            Assert.That(owner.ContainsKey(frame), Is.False, $"block {address} order {order} overlaps another");
        }

        Claim(owner, address, order, index);
    }

    private static void Claim(Dictionary<ulong, int> owner, PhysAddr address, int order, int index)
    {
        for (ulong f = 0; f < (1UL << order); f++)
        {
            owner[(address.Value / Frame) + f] = index;
        }
    }

    private static void Forget(Dictionary<ulong, int> owner, PhysAddr address, int order)
    {
        for (ulong f = 0; f < (1UL << order); f++)
        {
            owner.Remove((address.Value / Frame) + f);
        }
    }

    /// <summary>A free the allocator must refuse: wrong order, unaligned address or interior
    /// frame of a live block, an address beyond the span, or a block freed earlier whose
    /// frames are still free (which must be reported as a double free).</summary>
    private static void HostileFree(
        BuddyFrameAllocator allocator,
        Random random,
        List<(PhysAddr Address, int Order)> allocated,
        Dictionary<ulong, int> owner,
        (PhysAddr Address, int Order) lastFreed)
    {
        string before = State(allocator);
        (PhysAddr address, int order) = allocated[random.Next(allocated.Count)];
        int choice = random.Next(5);
        AllocationResult result = choice switch
        {
            0 => allocator.Free(address, order + 1),
            1 => allocator.Free(address + 1, order),
            2 => order > 0 ? allocator.Free(address + Frame, 0) : allocator.Free(address, order - 1),
            3 => allocator.Free(new PhysAddr(ulong.MaxValue - 0xfff), 0),
            _ => owner.ContainsKey(lastFreed.Address.Value / Frame) ? AllocationResult.DoubleFree : allocator.Free(lastFreed.Address, lastFreed.Order),
        };

        AllocationResult expected = choice switch
        {
            0 => AllocationResult.WrongOrder,
            1 => AllocationResult.Misaligned,
            2 => order > 0 ? AllocationResult.NotAllocated : AllocationResult.WrongOrder,
            3 => AllocationResult.OutOfRange,
            _ => AllocationResult.DoubleFree,
        };
        Assert.That(result, Is.EqualTo(expected), $"hostile free {choice} of {address} order {order}");
        Assert.That(State(allocator), Is.EqualTo(before));
    }
}

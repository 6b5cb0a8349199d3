using NexOS.Core.Heap;

namespace NexOS.Tests.Core.Heap;

/// <summary>Random allocations, frees, bad frees, marks and sweeps checked against a model:
/// the set of allocated objects and the set of marked ones.</summary>
[TestFixture]
public sealed class HeapPageFuzzTests
{
    [TestCase(1, 0)]
    [TestCase(2, 5)]
    [TestCase(3, 13)]
    [TestCase(4, 21)]
    public void RandomOperationsAgreeWithTheModel(int seed, int sizeClass)
    {
        const ulong pageBase = 0x7f_0000_0000;
        var random = new Random(seed);
        var page = new HeapPage(pageBase, sizeClass);
        ulong cellSize = page.CellSize;
        var allocated = new HashSet<ulong>();
        var marked = new HashSet<ulong>();
        var order = new List<ulong>();
        for (int step = 0; step < 20000; step++)
        {
            int action = random.Next(100);
            if (action < 45)
            {
                ulong expected = LowestFree(page, allocated);
                bool ok = page.TryAllocate(out ulong address);
                Assert.That(ok, Is.EqualTo(expected != 0), $"step {step}");
                Assert.That(address, Is.EqualTo(expected), $"step {step}");
                if (ok)
                {
                    allocated.Add(address);
                    order.Add(address);
                }
            }
            else if (action < 75 && order.Count > 0)
            {
                int i = random.Next(order.Count);
                ulong address = order[i];
                order[i] = order[^1];
                order.RemoveAt(order.Count - 1);
                Assert.That(page.Free(address), Is.EqualTo(HeapStatus.Ok));
                allocated.Remove(address);
                marked.Remove(address);
            }
            else if (action < 85)
            {
                ulong probe = pageBase - 64 + (ulong)random.NextInt64((long)HeapPage.PageSize + 128);
                Expect(page, allocated, probe, cellSize);
            }
            else if (action < 98 && order.Count > 0)
            {
                ulong address = order[random.Next(order.Count)];
                Assert.That(page.Mark(address), Is.EqualTo(marked.Add(address)));
            }
            else
            {
                int dead = allocated.Count - marked.Count;
                Assert.That(page.Sweep(), Is.EqualTo(dead));
                allocated.IntersectWith(marked);
                marked.Clear();
                order.RemoveAll(a => !allocated.Contains(a));
            }

            Assert.That(page.Count, Is.EqualTo(allocated.Count), $"step {step}");
            Assert.That(page.FreeCells, Is.EqualTo(page.Capacity - allocated.Count));
        }

        for (int i = 0; i < page.Capacity; i++)
        {
            ulong address = page.ObjectAddress(i);
            Assert.That(page.IsAllocated(address), Is.EqualTo(allocated.Contains(address)));
            Assert.That(page.IsMarked(address), Is.EqualTo(marked.Contains(address)));
        }
    }

    // The allocator promises the lowest free cell; 0 when the page is full.
    private static ulong LowestFree(HeapPage page, HashSet<ulong> allocated)
    {
        for (int i = 0; i < page.Capacity; i++)
        {
            ulong address = page.ObjectAddress(i);
            if (!allocated.Contains(address))
            {
                return address;
            }
        }

        return 0;
    }

    // A free of an arbitrary address must succeed only for an allocated object start, and the
    // lookup must agree with the cell arithmetic.
    private static void Expect(HeapPage page, HashSet<ulong> allocated, ulong probe, ulong cellSize)
    {
        ulong first = page.BaseAddress + HeapPage.HeaderBytes;
        ulong end = first + ((ulong)page.Capacity * cellSize);
        ulong owner = probe >= first && probe < end ? first + ((probe - first) / cellSize * cellSize) : 0;
        bool live = owner != 0 && allocated.Contains(owner);
        Assert.That(page.TryFindObject(probe, out ulong start), Is.EqualTo(live), $"probe {probe:x}");
        Assert.That(start, Is.EqualTo(live ? owner : 0UL));
        if (probe != owner || !live)
        {
            HeapStatus expected = !page.Contains(probe) ? HeapStatus.OutOfRange
                : probe == owner ? HeapStatus.NotAllocated
                : HeapStatus.Misaligned;
            Assert.That(page.Free(probe), Is.EqualTo(expected), $"free {probe:x}");
        }
    }
}

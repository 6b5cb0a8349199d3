using NexOS.Core.Heap;

namespace NexOS.Tests.Core.Heap;

/// <summary>Descriptor recycling and the walk over marked cells, which the kernel's collector
/// relies on.</summary>
[TestFixture]
public sealed class HeapPageReuseTests
{
    private const ulong Base = 0x80_0000;

    [Test]
    public void ReinitializeForgetsEverythingAndTakesTheNewClass()
    {
        var page = new HeapPage(Base, SizeClasses.ClassFor(8192));
        Assert.That(page.TryAllocate(out ulong first), Is.True);
        Assert.That(page.Mark(first), Is.True);
        page.Next = page;

        page.Reinitialize(Base + HeapPage.PageSize, 0);
        Assert.That(page.BaseAddress, Is.EqualTo(Base + HeapPage.PageSize));
        Assert.That(page.SizeClass, Is.Zero);
        Assert.That(page.Capacity, Is.EqualTo((int)((HeapPage.PageSize - HeapPage.HeaderBytes) / 16)));
        Assert.That(page.Count, Is.Zero);
        Assert.That(page.Next, Is.Null);
        Assert.That(page.NextMarked(0), Is.EqualTo(-1));

        // The smallest class fills every bit of the bitmaps sized for it.
        for (int i = 0; i < page.Capacity; i++)
        {
            Assert.That(page.TryAllocate(out _), Is.True);
        }

        Assert.That(page.TryAllocate(out _), Is.False);
        Assert.That(page.Sweep(), Is.EqualTo(page.Capacity));
        Assert.That(page.IsEmpty, Is.True);
    }

    [Test]
    public void ReinitializeRejectsBadArgumentsAndChangesNothing()
    {
        var page = new HeapPage(Base, 3);
        Assert.That(page.TryAllocate(out _), Is.True);
        Assert.Throws<ArgumentOutOfRangeException>(() => page.Reinitialize(Base, SizeClasses.Count));
        Assert.Throws<ArgumentOutOfRangeException>(() => page.Reinitialize(Base, -1));
        Assert.Throws<ArgumentException>(() => page.Reinitialize(Base + 4, 3));
        Assert.Throws<ArgumentException>(() => page.Reinitialize(ulong.MaxValue - 8, 3));
        Assert.That(page.Count, Is.EqualTo(1));
        Assert.That(page.SizeClass, Is.EqualTo(3));
    }

    [Test]
    public void NextMarkedVisitsExactlyTheMarkedCellsInOrder()
    {
        var random = new Random(7);
        for (int c = 0; c < SizeClasses.Count; c += 3)
        {
            var page = new HeapPage(Base, c);
            var marked = new SortedSet<int>();
            for (int i = 0; i < page.Capacity; i++)
            {
                page.TryAllocate(out ulong address);
                if (random.Next(3) == 0 || i == page.Capacity - 1)
                {
                    page.Mark(address);
                    marked.Add(i);
                }
            }

            var seen = new List<int>();
            for (int cell = page.NextMarked(0); cell >= 0; cell = page.NextMarked(cell + 1))
            {
                seen.Add(cell);
            }

            Assert.That(seen, Is.EqualTo(new List<int>(marked)), $"class {c}");
            Assert.That(page.NextMarked(-5), Is.EqualTo(marked.Min));
            Assert.That(page.NextMarked(page.Capacity), Is.EqualTo(-1));
            Assert.That(page.NextMarked(int.MaxValue), Is.EqualTo(-1));
        }
    }

    [Test]
    public void ReciprocalDivisionIsExactForEveryOffsetInAPage()
    {
        for (int c = 0; c < SizeClasses.Count; c++)
        {
            ulong size = SizeClasses.SizeOf(c);
            ulong m = HeapPage.ReciprocalOf(size);
            for (ulong offset = 0; offset < HeapPage.PageSize; offset++)
            {
                if (((offset * m) >> 32) != offset / size)
                {
                    Assert.Fail($"class {c} ({size} bytes): offset {offset}");
                }
            }
        }
    }

    [Test]
    public void RunsCoverEachFreeStretchOnceAndStopAtWordEnds()
    {
        for (int c = 0; c < SizeClasses.Count; c += 2)
        {
            var page = new HeapPage(Base, c);
            var random = new Random(c);
            var taken = new bool[page.Capacity];
            for (int i = 0; i < page.Capacity; i++)
            {
                if (random.Next(3) == 0)
                {
                    page.TryAllocate(out ulong a);
                    taken[(int)((a - Base - HeapPage.HeaderBytes) / page.CellSize)] = true;
                }
            }

            // Free a random half of those again, leaving holes of every length.
            for (int i = 0; i < page.Capacity; i++)
            {
                if (taken[i] && random.Next(2) == 0)
                {
                    Assert.That(page.Free(page.ObjectAddress(i)), Is.EqualTo(HeapStatus.Ok));
                    taken[i] = false;
                }
            }

            int expectedFree = page.FreeCells;
            int total = 0;
            while (page.TryTakeRun(out ulong start, out int count))
            {
                int first = (int)((start - Base - HeapPage.HeaderBytes) / page.CellSize);
                Assert.That(count, Is.InRange(1, 64));
                Assert.That(first / 64, Is.EqualTo((first + count - 1) / 64), "a run stays in one bitmap word");
                for (int i = first; i < first + count; i++)
                {
                    Assert.That(taken[i], Is.False, $"class {c}: cell {i} handed out twice");
                    taken[i] = true;
                    Assert.That(page.IsAllocated(page.ObjectAddress(i)), Is.True);
                }

                Assert.That(first + count == page.Capacity || taken[first + count] || (first + count) % 64 == 0, Is.True, "a run ends at a taken cell, a word end or the page end");
                total += count;
            }

            Assert.That(total, Is.EqualTo(expectedFree));
            Assert.That(page.IsFull, Is.True);
            Assert.That(page.TryTakeRun(out ulong none, out int zero), Is.False);
            page.Sweep();
            Assert.That(page.TryTakeRun(3, out _, out int capped), Is.True);
            Assert.That(capped, Is.EqualTo(Math.Min(3, page.Capacity)), "a run is capped");
            Assert.That(page.TryTakeRun(0, out _, out int atLeastOne), Is.True);
            Assert.That(atLeastOne, Is.EqualTo(1), "a cap below one still takes a cell");
            Assert.That((none, zero), Is.EqualTo((0UL, 0)));
        }
    }
}

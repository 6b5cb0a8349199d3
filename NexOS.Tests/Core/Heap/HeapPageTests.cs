using NexOS.Core.Heap;

namespace NexOS.Tests.Core.Heap;

[TestFixture]
public sealed class HeapPageTests
{
    private const ulong Base = 0x40_0000;

    private static ulong Obj(HeapPage page, int cell) => Base + HeapPage.HeaderBytes + ((ulong)cell * page.CellSize);

    [Test]
    public void AllocatesLowestCellsUntilFullThenFails()
    {
        for (int c = 0; c < SizeClasses.Count; c++)
        {
            var page = new HeapPage(Base, c);
            ulong cell = SizeClasses.SizeOf(c);
            Assert.That(page.Capacity, Is.EqualTo((int)((HeapPage.PageSize - HeapPage.HeaderBytes) / cell)));
            for (int i = 0; i < page.Capacity; i++)
            {
                Assert.That(page.TryAllocate(out ulong address), Is.True);
                Assert.That(address, Is.EqualTo(Obj(page, i)));
                Assert.That(address % 8, Is.Zero);
            }

            Assert.That(page.IsFull, Is.True);
            Assert.That(page.FreeCells, Is.Zero);
            Assert.That(Obj(page, page.Capacity) - 8, Is.LessThanOrEqualTo(page.EndAddress), "last object ends inside the page");
            Assert.That(page.TryAllocate(out ulong none), Is.False);
            Assert.That(none, Is.Zero);
        }
    }

    [Test]
    public void FreedCellsAreReusedLowestFirst()
    {
        var page = new HeapPage(Base, SizeClasses.ClassFor(48));
        for (int i = 0; i < 200; i++)
        {
            Assert.That(page.TryAllocate(out _), Is.True);
        }

        Assert.That(page.Free(Obj(page, 150)), Is.EqualTo(HeapStatus.Ok));
        Assert.That(page.Free(Obj(page, 70)), Is.EqualTo(HeapStatus.Ok));
        Assert.That(page.Count, Is.EqualTo(198));
        Assert.That(page.TryAllocate(out ulong a), Is.True);
        Assert.That(page.TryAllocate(out ulong b), Is.True);
        Assert.That(page.TryAllocate(out ulong c), Is.True);
        Assert.That(new[] { a, b, c }, Is.EqualTo(new[] { Obj(page, 70), Obj(page, 150), Obj(page, 200) }));
    }

    [Test]
    public void BadFreesAreRefusedWithoutChange()
    {
        var page = new HeapPage(Base, SizeClasses.ClassFor(32));
        Assert.That(page.TryAllocate(out ulong first), Is.True);
        Assert.That(page.TryAllocate(out ulong second), Is.True);
        Assert.That(page.Mark(second), Is.True);
        Assert.That(page.Free(first), Is.EqualTo(HeapStatus.Ok));

        Assert.That(page.Free(first), Is.EqualTo(HeapStatus.NotAllocated), "double free");
        Assert.That(page.Free(Obj(page, 5)), Is.EqualTo(HeapStatus.NotAllocated), "never allocated");
        Assert.That(page.Free(second + 8), Is.EqualTo(HeapStatus.Misaligned), "interior");
        Assert.That(page.Free(second + 1), Is.EqualTo(HeapStatus.Misaligned), "unaligned");
        Assert.That(page.Free(Base), Is.EqualTo(HeapStatus.Misaligned), "page header");
        Assert.That(page.Free(Base + 8), Is.EqualTo(HeapStatus.Misaligned), "header word of object 0");
        Assert.That(page.Free(Obj(page, page.Capacity)), Is.EqualTo(HeapStatus.Misaligned), "tail slack");
        Assert.That(page.Free(Base - 16), Is.EqualTo(HeapStatus.OutOfRange));
        Assert.That(page.Free(page.EndAddress), Is.EqualTo(HeapStatus.OutOfRange));
        Assert.That(page.Free(0), Is.EqualTo(HeapStatus.OutOfRange));

        Assert.That(page.Count, Is.EqualTo(1));
        Assert.That(page.IsAllocated(second), Is.True);
        Assert.That(page.IsMarked(second), Is.True);
        Assert.That(page.TryAllocate(out ulong again), Is.True);
        Assert.That(again, Is.EqualTo(first));
    }

    [Test]
    public void AnyAddressInAnAllocatedCellMapsToItsObject()
    {
        var page = new HeapPage(Base, SizeClasses.ClassFor(64));
        Assert.That(page.TryAllocate(out ulong a), Is.True);
        Assert.That(page.TryAllocate(out ulong b), Is.True);
        Assert.That(page.TryAllocate(out ulong c), Is.True);
        Assert.That(page.Free(b), Is.EqualTo(HeapStatus.Ok));

        foreach (ulong offset in new ulong[] { 0, 1, 8, 63 })
        {
            Assert.That(page.TryFindObject(a + offset, out ulong start), Is.True, $"a+{offset}");
            Assert.That(start, Is.EqualTo(a));
            Assert.That(page.TryFindObject(c + offset, out start), Is.True, $"c+{offset}");
            Assert.That(start, Is.EqualTo(c));
            Assert.That(page.TryFindObject(b + offset, out start), Is.False, $"free b+{offset}");
            Assert.That(start, Is.Zero);
        }

        // The past-the-end address of a cell-filling object is the next cell's header word,
        // which still belongs to the earlier cell.
        Assert.That(page.TryFindObject(a + 64 - 8, out ulong pastEnd), Is.True);
        Assert.That(pastEnd, Is.EqualTo(a));
        Assert.That(page.TryFindObject(c + 64, out _), Is.False, "cell after c is free");
        for (ulong address = Base - 8; address < a; address++)
        {
            Assert.That(page.TryFindObject(address, out _), Is.False, $"header {address:x}");
        }

        Assert.That(page.TryFindObject(page.EndAddress, out _), Is.False);
        Assert.That(page.TryFindObject(ulong.MaxValue, out _), Is.False);
    }

    [Test]
    public void TailSlackMapsToNothingEvenWhenFull()
    {
        var page = new HeapPage(Base, SizeClasses.ClassFor(6144));
        while (page.TryAllocate(out _))
        {
        }

        ulong slack = Obj(page, page.Capacity);
        Assert.That(slack, Is.LessThan(page.EndAddress));
        Assert.That(page.TryFindObject(slack, out _), Is.False);
        Assert.That(page.TryFindObject(page.EndAddress - 1, out _), Is.False);
        Assert.That(page.TryFindObject(slack - 1, out ulong last), Is.True);
        Assert.That(last, Is.EqualTo(Obj(page, page.Capacity - 1)));
    }

    [Test]
    public void SweepFreesExactlyTheUnmarkedCells()
    {
        var page = new HeapPage(Base, 0);
        var live = new List<ulong>();
        for (int i = 0; i < page.Capacity; i++)
        {
            Assert.That(page.TryAllocate(out ulong address), Is.True);
            if (i % 3 == 0 || i == page.Capacity - 1)
            {
                Assert.That(page.Mark(address), Is.True);
                Assert.That(page.Mark(address), Is.False, "already marked");
                live.Add(address);
            }
        }

        Assert.That(page.Sweep(), Is.EqualTo(page.Capacity - live.Count));
        Assert.That(page.Count, Is.EqualTo(live.Count));
        for (int i = 0; i < page.Capacity; i++)
        {
            ulong address = Obj(page, i);
            Assert.That(page.IsAllocated(address), Is.EqualTo(live.Contains(address)), $"cell {i}");
            Assert.That(page.IsMarked(address), Is.False, $"cell {i}");
        }

        Assert.That(page.Sweep(), Is.EqualTo(live.Count), "marks were cleared, so everything goes");
        Assert.That(page.IsEmpty, Is.True);
        Assert.That(page.TryAllocate(out ulong first), Is.True);
        Assert.That(first, Is.EqualTo(Obj(page, 0)));
    }

    [Test]
    public void OnlyAllocatedObjectStartsCanBeMarked()
    {
        var page = new HeapPage(Base, 3);
        Assert.That(page.TryAllocate(out ulong a), Is.True);
        Assert.That(page.Mark(a + 8), Is.False);
        Assert.That(page.Mark(Obj(page, 1)), Is.False);
        Assert.That(page.Mark(Base), Is.False);
        Assert.That(page.Mark(0), Is.False);
        Assert.That(page.IsMarked(Obj(page, 1)), Is.False);
        Assert.That(page.Free(a), Is.EqualTo(HeapStatus.Ok));
        Assert.That(page.Sweep(), Is.Zero);
    }

    [Test]
    public void FreeClearsTheMark()
    {
        var page = new HeapPage(Base, 3);
        Assert.That(page.TryAllocate(out ulong a), Is.True);
        Assert.That(page.Mark(a), Is.True);
        Assert.That(page.Free(a), Is.EqualTo(HeapStatus.Ok));
        Assert.That(page.TryAllocate(out ulong again), Is.True);
        Assert.That(again, Is.EqualTo(a));
        Assert.That(page.IsMarked(a), Is.False);
    }

    [Test]
    public void ConstructorRefusesBadArguments()
    {
        Assert.That(() => new HeapPage(Base, -1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new HeapPage(Base, SizeClasses.Count), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new HeapPage(Base + 4, 0), Throws.ArgumentException);
        Assert.That(() => new HeapPage(ulong.MaxValue - HeapPage.PageSize + 1, 0), Throws.ArgumentException);
        var top = new HeapPage(ulong.MaxValue - HeapPage.PageSize - 7, 0);
        Assert.That(top.TryAllocate(out ulong address), Is.True);
        Assert.That(top.TryFindObject(address + 3, out ulong start), Is.True);
        Assert.That(start, Is.EqualTo(address));
    }
}

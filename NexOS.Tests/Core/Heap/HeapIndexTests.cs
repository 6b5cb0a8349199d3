using NexOS.Core.Heap;

namespace NexOS.Tests.Core.Heap;

[TestFixture]
public sealed class HeapIndexTests
{
    private const ulong Page = HeapPage.PageSize;

    [Test]
    public void AddressesMapToTheirPages()
    {
        var index = new HeapIndex(initialCapacity: 1);
        var pages = new List<HeapPage>();
        foreach (ulong n in new ulong[] { 7, 2, 3, 40, 0, 9 })
        {
            var page = new HeapPage(0x1000_0000 + (n * Page), (int)(n % SizeClasses.Count));
            Assert.That(index.Add(page), Is.EqualTo(HeapStatus.Ok));
            pages.Add(page);
        }

        Assert.That(index.Count, Is.EqualTo(6));
        for (int i = 1; i < index.Count; i++)
        {
            Assert.That(index.PageAt(i).BaseAddress, Is.GreaterThan(index.PageAt(i - 1).BaseAddress));
        }

        foreach (HeapPage page in pages)
        {
            foreach (ulong address in new[] { page.BaseAddress, page.BaseAddress + 100, page.EndAddress - 1 })
            {
                Assert.That(index.TryFindPage(address, out HeapPage? found), Is.True, $"{address:x}");
                Assert.That(found, Is.SameAs(page));
            }
        }

        foreach (ulong miss in new ulong[] { 0, 0x1000_0000 - 1, 0x1000_0000 + (4 * Page), 0x1000_0000 + (41 * Page), ulong.MaxValue })
        {
            Assert.That(index.TryFindPage(miss, out HeapPage? none), Is.False, $"{miss:x}");
            Assert.That(none, Is.Null);
        }

        Assert.That(() => index.PageAt(6), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => index.PageAt(-1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void OverlappingPagesAreRefusedAndRemovalWorks()
    {
        var index = new HeapIndex();
        var page = new HeapPage(0x20_0000, 0);
        Assert.That(index.Add(page), Is.EqualTo(HeapStatus.Ok));
        Assert.That(index.Add(page), Is.EqualTo(HeapStatus.Overlaps));
        Assert.That(index.Add(new HeapPage(0x20_0000 + Page - 8, 0)), Is.EqualTo(HeapStatus.Overlaps));
        Assert.That(index.Add(new HeapPage(0x20_0000 - Page + 8, 0)), Is.EqualTo(HeapStatus.Overlaps));
        Assert.That(index.Add(new HeapPage(0x20_0000 + Page, 0)), Is.EqualTo(HeapStatus.Ok));
        Assert.That(index.Count, Is.EqualTo(2));

        Assert.That(index.Remove(new HeapPage(0x20_0000, 0)), Is.False, "another instance");
        Assert.That(index.Remove(page), Is.True);
        Assert.That(index.Remove(page), Is.False);
        Assert.That(index.TryFindPage(0x20_0000, out _), Is.False);
        Assert.That(index.Count, Is.EqualTo(1));
    }

    [Test]
    public void ObjectsAreFoundSweptAndCountedAcrossPages()
    {
        var index = new HeapIndex();
        var small = new HeapPage(0x30_0000, SizeClasses.ClassFor(16));
        var big = new HeapPage(0x50_0000, SizeClasses.ClassFor(1000));
        Assert.That(index.Add(small), Is.EqualTo(HeapStatus.Ok));
        Assert.That(index.Add(big), Is.EqualTo(HeapStatus.Ok));
        for (int i = 0; i < 10; i++)
        {
            Assert.That(small.TryAllocate(out _), Is.True);
        }

        Assert.That(big.TryAllocate(out ulong kept), Is.True);
        Assert.That(big.TryAllocate(out _), Is.True);
        Assert.That(index.TryFindObject(kept + 999, out ulong start), Is.True);
        Assert.That(start, Is.EqualTo(kept));
        Assert.That(index.TryFindObject(0x40_0000, out start), Is.False);
        Assert.That(start, Is.Zero);

        Span<ulong> allocated = stackalloc ulong[SizeClasses.Count + 2];
        Span<ulong> free = stackalloc ulong[SizeClasses.Count];
        allocated.Fill(99);
        index.GetClassStatistics(allocated, free);
        Assert.That(allocated[0], Is.EqualTo(10UL * 16));
        Assert.That(free[0], Is.EqualTo((ulong)(small.Capacity - 10) * 16));
        Assert.That(allocated[big.SizeClass], Is.EqualTo(2UL * 1024));
        Assert.That(free[big.SizeClass], Is.EqualTo((ulong)(big.Capacity - 2) * 1024));
        Assert.That(allocated[1], Is.Zero);
        Assert.That(allocated[SizeClasses.Count + 1], Is.Zero);

        Assert.That(index.TryFindPage(kept, out HeapPage? page) && page.Mark(kept), Is.True);
        Assert.That(index.Sweep(), Is.EqualTo(11));
        Assert.That(small.IsEmpty, Is.True);
        Assert.That(big.Count, Is.EqualTo(1));
        index.GetClassStatistics(allocated, Span<ulong>.Empty);
        Assert.That(allocated[big.SizeClass], Is.EqualTo(1024UL));
    }
}

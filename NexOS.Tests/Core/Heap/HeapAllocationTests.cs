using NexOS.Core.Heap;

namespace NexOS.Tests.Core.Heap;

/// <summary>
/// The heap's bookkeeping runs inside the kernel's allocator and collector, where allocating
/// managed memory would recurse into the heap being managed. Everything is constructed and
/// warmed up first, so any allocation measured here is the operations' own.
/// </summary>
[TestFixture]
public sealed class HeapAllocationTests
{
    [Test]
    public void PageIndexAndLargeObjectOperationsDoNotAllocate()
    {
        var index = new HeapIndex();
        var pages = new HeapPage[4];
        for (int i = 0; i < pages.Length; i++)
        {
            pages[i] = new HeapPage(0x100_0000 + ((ulong)i * HeapPage.PageSize), i * 5);
            Assert.That(index.Add(pages[i]), Is.EqualTo(HeapStatus.Ok));
        }

        var large = new LargeObjectSpace(64);
        var freed = new HeapRun[8];
        var allocatedBytes = new ulong[SizeClasses.Count];
        var freeBytes = new ulong[SizeClasses.Count];
        long checksum = Churn(index, pages, large, freed, allocatedBytes, freeBytes);

        long allocated = AllocationMeter.Measure(() =>
        {
            for (int round = 0; round < 50; round++)
            {
                checksum += Churn(index, pages, large, freed, allocatedBytes, freeBytes);
            }
        });
        Assert.That(allocated, Is.Zero);
        Assert.That(checksum, Is.Not.Zero);
    }

    private static long Churn(HeapIndex index, HeapPage[] pages, LargeObjectSpace large, HeapRun[] freed, ulong[] allocatedBytes, ulong[] freeBytes)
    {
        long checksum = 0;
        foreach (HeapPage page in pages)
        {
            int n = 0;
            while (page.TryAllocate(out ulong address))
            {
                if (n++ % 2 == 0)
                {
                    checksum += page.Mark(address) ? 1 : 0;
                }

                checksum += index.TryFindObject(address + 7, out ulong start) && start == address ? 1 : 0;
            }

            checksum += page.IsMarked(page.ObjectAddress(0)) ? 1 : 0;
            checksum += (long)page.Free(page.ObjectAddress(1)) + (long)page.Free(page.ObjectAddress(1));
            checksum += (long)page.Free(page.BaseAddress + 3) + (long)page.Free(0);
        }

        index.GetClassStatistics(allocatedBytes, freeBytes);
        checksum += (long)allocatedBytes[0];
        checksum += index.Sweep();
        checksum += index.Sweep();

        for (ulong i = 0; i < 20; i++)
        {
            ulong start = 0x1_0000_0000 + (i * 0x10_0000);
            checksum += (long)large.Add(start, 0x2_0000) + (long)large.Add(start + 8, 8);
            checksum += large.TryFindObject(start + 0x1_ffff, out ulong found) && found == start ? 1 : 0;
            if (i % 3 == 0)
            {
                checksum += large.Mark(start) ? 1 : 0;
            }
        }

        checksum += (long)large.Free(0x1_0000_0000 + 0x10_0000);
        bool complete;
        do
        {
            checksum += large.Sweep(freed, out complete);
        }
        while (!complete);

        checksum += large.Sweep(freed, out _);
        return checksum;
    }
}

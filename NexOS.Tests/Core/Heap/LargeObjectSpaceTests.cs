using NexOS.Core.Heap;

namespace NexOS.Tests.Core.Heap;

[TestFixture]
public sealed class LargeObjectSpaceTests
{
    private const ulong K = 1024;

    private static LargeObjectSpace ThreeRuns()
    {
        var space = new LargeObjectSpace(4);
        Assert.That(space.Add(0x20_0000, 16 * K), Is.EqualTo(HeapStatus.Ok));
        Assert.That(space.Add(0x10_0000, 12 * K), Is.EqualTo(HeapStatus.Ok));
        Assert.That(space.Add(0x10_3000, 4 * K), Is.EqualTo(HeapStatus.Ok)); // touches the run before
        return space;
    }

    [Test]
    public void LookupsRespectRunBoundaries()
    {
        LargeObjectSpace space = ThreeRuns();
        Assert.That(space.Count, Is.EqualTo(3));
        Assert.That(space.TotalBytes, Is.EqualTo(32 * K));
        (ulong Address, ulong Start)[] hits =
        {
            (0x10_0000, 0x10_0000), (0x10_2fff, 0x10_0000), (0x10_3000, 0x10_3000),
            (0x10_3fff, 0x10_3000), (0x20_0000, 0x20_0000), (0x20_3fff, 0x20_0000),
        };
        foreach ((ulong address, ulong expected) in hits)
        {
            Assert.That(space.TryFindObject(address, out ulong start), Is.True, $"{address:x}");
            Assert.That(start, Is.EqualTo(expected));
        }

        foreach (ulong miss in new ulong[] { 0, 0xf_ffff, 0x10_4000, 0x1f_ffff, 0x20_4000, ulong.MaxValue })
        {
            Assert.That(space.TryFindObject(miss, out ulong start), Is.False, $"{miss:x}");
            Assert.That(start, Is.Zero);
        }

        Assert.That(space.TryFindRun(0x20_1234, out HeapRun run), Is.True);
        Assert.That(run, Is.EqualTo(new HeapRun(0x20_0000, 16 * K)));
    }

    [Test]
    public void BadAddsAreRefused()
    {
        LargeObjectSpace space = ThreeRuns();
        Assert.That(space.Add(0x10_0004, 8), Is.EqualTo(HeapStatus.Misaligned));
        Assert.That(space.Add(0x30_0000, 0), Is.EqualTo(HeapStatus.OutOfRange));
        Assert.That(space.Add(ulong.MaxValue - 7, 16), Is.EqualTo(HeapStatus.OutOfRange));
        Assert.That(space.Add(0x10_2ff8, 8), Is.EqualTo(HeapStatus.Overlaps));
        Assert.That(space.Add(0x1f_f000, 4 * K + 8), Is.EqualTo(HeapStatus.Overlaps));
        Assert.That(space.Add(0x8_0000, 1UL << 40), Is.EqualTo(HeapStatus.Overlaps));
        Assert.That(space.Count, Is.EqualTo(3));
        Assert.That(space.Add(ulong.MaxValue - 7, 8), Is.EqualTo(HeapStatus.Ok), "a run may end at the top");
        Assert.That(space.TryFindObject(ulong.MaxValue, out ulong top), Is.True);
        Assert.That(top, Is.EqualTo(ulong.MaxValue - 7));
        Assert.That(space.Add(0x1f_f000, 4 * K), Is.EqualTo(HeapStatus.Full));
    }

    [Test]
    public void FreeNeedsTheRunStart()
    {
        LargeObjectSpace space = ThreeRuns();
        Assert.That(space.Free(0x10_0008), Is.EqualTo(HeapStatus.Misaligned));
        Assert.That(space.Free(0x30_0000), Is.EqualTo(HeapStatus.NotAllocated));
        Assert.That(space.Free(0x10_0000), Is.EqualTo(HeapStatus.Ok));
        Assert.That(space.Free(0x10_0000), Is.EqualTo(HeapStatus.NotAllocated));
        Assert.That(space.TryFindObject(0x10_0000, out _), Is.False);
        Assert.That(space.TryFindObject(0x10_3000, out _), Is.True);
        Assert.That(space.TotalBytes, Is.EqualTo(20 * K));
    }

    [Test]
    public void SweepFreesUnmarkedRunsInBatches()
    {
        var space = new LargeObjectSpace(16);
        for (ulong i = 0; i < 10; i++)
        {
            Assert.That(space.Add(0x100_0000 + (i * 0x10_0000), (i + 1) * 16 * K), Is.EqualTo(HeapStatus.Ok));
        }

        foreach (ulong i in new ulong[] { 1, 4, 9 })
        {
            Assert.That(space.Mark(0x100_0000 + (i * 0x10_0000)), Is.True);
        }

        Assert.That(space.Mark(0x110_0000), Is.False, "already marked");
        Assert.That(space.Mark(0x110_0008), Is.False, "not a run start");
        Assert.That(space.IsMarked(0x140_0000), Is.True);

        Span<HeapRun> freed = stackalloc HeapRun[3];
        var all = new List<HeapRun>();
        int batches = 0;
        bool complete;
        do
        {
            int n = space.Sweep(freed, out complete);
            for (int i = 0; i < n; i++)
            {
                all.Add(freed[i]);
            }

            batches++;
            Assert.That(space.IsMarked(0x190_0000), Is.EqualTo(!complete), "marks stay until the sweep completes");
        }
        while (!complete);

        Assert.That(batches, Is.EqualTo(3));
        Assert.That(all.Count, Is.EqualTo(7));
        Assert.That(all[0], Is.EqualTo(new HeapRun(0x100_0000, 16 * K)));
        Assert.That(all[^1], Is.EqualTo(new HeapRun(0x180_0000, 9 * 16 * K)));
        Assert.That(space.Count, Is.EqualTo(3));
        Assert.That(space.TotalBytes, Is.EqualTo((2 + 5 + 10) * 16 * K));
        Assert.That(space.Sweep(freed, out complete), Is.EqualTo(3), "survivors' marks were cleared");
        Assert.That(complete, Is.True);
        Assert.That(space.Count, Is.Zero);
        Assert.That(space.TotalBytes, Is.Zero);
    }

    [Test]
    public void ZeroCapacityIsFullAndNegativeIsRefused()
    {
        var space = new LargeObjectSpace(0);
        Assert.That(space.Add(0x1000, 8), Is.EqualTo(HeapStatus.Full));
        Assert.That(space.Sweep(Span<HeapRun>.Empty, out bool complete), Is.Zero);
        Assert.That(complete, Is.True);
        Assert.That(() => new LargeObjectSpace(-1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void NextRunWalksEveryRunInAddressOrder()
    {
        var space = new LargeObjectSpace(8);
        ulong[] starts = { 0x9000, 0x1000, 0x5000, 0x20000 };
        foreach (ulong start in starts)
        {
            Assert.That(space.Add(start, 0x1000), Is.EqualTo(HeapStatus.Ok));
        }

        var seen = new List<ulong>();
        for (ulong probe = 0; space.TryFindNextRun(probe, out HeapRun run); probe = run.Start + run.Length)
        {
            seen.Add(run.Start);
        }

        Assert.That(seen, Is.EqualTo(new ulong[] { 0x1000, 0x5000, 0x9000, 0x20000 }));
        Assert.That(space.TryFindNextRun(0x5000, out HeapRun exact), Is.True);
        Assert.That(exact.Start, Is.EqualTo(0x5000UL), "a run starting at the probe is found");
        Assert.That(space.TryFindNextRun(0x5008, out HeapRun after), Is.True);
        Assert.That(after.Start, Is.EqualTo(0x9000UL), "a probe inside a run finds the next one");
        Assert.That(space.TryFindNextRun(0x20001, out HeapRun none), Is.False);
        Assert.That(none, Is.EqualTo(default(HeapRun)));
        Assert.That(new LargeObjectSpace(0).TryFindNextRun(0, out _), Is.False);
    }
}

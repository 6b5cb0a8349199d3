using System.Linq;
using NexOS.Bench.Alloc;

namespace NexOS.Tests.Bench;

/// <summary>The allocator benchmark's traces and its host driver of the kernel heap: a
/// benchmark of a driver that hands out overlapping or unzeroed cells would mean nothing.</summary>
[TestFixture]
public unsafe class AllocDriverTests
{
    private static IEnumerable<string> TraceNames => Trace.Names;

    [TestCaseSource(nameof(TraceNames))]
    public void EveryAllocationIsFreedOnceAndSlotsAreNotReusedWhileLive(string name)
    {
        Trace trace = Trace.Create(name);
        var live = new bool[trace.Slots];
        int allocations = 0;
        foreach (Op op in trace.Ops)
        {
            Assert.That(live[op.Slot], Is.EqualTo(op.IsFree), $"slot {op.Slot}");
            live[op.Slot] = !op.IsFree;
            allocations += op.IsFree ? 0 : 1;
            Assert.That(op.Size, Is.InRange(0, 4096));
        }

        Assert.That(allocations, Is.EqualTo(Trace.Allocations));
        Assert.That(trace.Ops, Has.Length.EqualTo(2 * Trace.Allocations));
        Assert.That(live, Has.None.True);
    }

    [Test]
    public void TracesAreTheSameEveryTime()
    {
        Op[] first = Trace.Create("mixed").Ops;
        Op[] second = Trace.Create("mixed").Ops;
        Assert.That(second, Is.EqualTo(first));
    }

    [TestCase("NexOS", "fragmentation")]
    [TestCase("NexOS", "mixed")]
    [TestCase("glibc", "fragmentation")]
    public void BlocksAreZeroedForNexOSAndNeverOverlap(string allocator, string traceName)
    {
        // Each block is filled with its own stamp and checked when the trace frees it: a block
        // handed out twice, or swept while a slot still held it, shows up as a wrong stamp.
        Trace trace = Trace.Create(traceName);
        var slots = new nint[trace.Slots];
        var sizes = new int[trace.Slots];
        using IAllocator heap = Replayer.Create(allocator, slots);
        byte stamp = 0;
        foreach (Op op in trace.Ops)
        {
            if (op.IsFree)
            {
                var block = new Span<byte>((void*)slots[op.Slot], sizes[op.Slot]);
                Assert.That(block.IndexOfAnyExcept(block[0]), Is.EqualTo(-1), "a live block was overwritten");
                heap.Free(slots[op.Slot]);
                slots[op.Slot] = 0;
                continue;
            }

            nint p = heap.Allocate(op.Size);
            Assert.That((long)p % 8, Is.Zero);
            var fresh = new Span<byte>((void*)p, op.Size);
            if (allocator == "NexOS")
            {
                Assert.That(fresh.IndexOfAnyExcept((byte)0), Is.EqualTo(-1), "a cell was not zeroed");
            }

            stamp = (byte)(stamp == 255 ? 1 : stamp + 1);
            fresh.Fill(stamp);
            slots[op.Slot] = p;
            sizes[op.Slot] = op.Size;
        }

        if (heap is NexOSHeap nexos)
        {
            Assert.That(nexos.Collections, Is.GreaterThan(0));
            Assert.That(nexos.HeldBytes, Is.LessThan(64L << 20));
        }
    }

    [Test]
    public void NexOSPeakIsWholePages()
    {
        Trace trace = Trace.Create("fixed");
        var slots = new nint[trace.Slots];
        using IAllocator heap = Replayer.Create("NexOS", slots);
        (long held, _) = Replayer.PeakBytes(heap, trace, slots);
        Assert.That(held, Is.GreaterThan(0));
        Assert.That(held % (64 * 1024), Is.Zero);
    }
}

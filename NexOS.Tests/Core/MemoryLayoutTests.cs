using NexOS.Core.Memory;

namespace NexOS.Tests.Core;

[TestFixture]
public sealed class MemoryLayoutTests
{
    private static PhysRange R(ulong start, ulong end) => new(new PhysAddr(start), new PhysAddr(end));

    private static PhysRange[] Free(PhysRange[] usable, PhysRange[] reserved, int capacity, out bool truncated)
    {
        var output = new PhysRange[capacity];
        int n = MemoryLayout.ComputeFree(usable, reserved, output, out truncated);
        return output[..n];
    }

    [Test]
    public void NoReservationsGivesTheUsableRegions()
    {
        PhysRange[] free = Free(new[] { R(0x100000, 0x200000) }, Array.Empty<PhysRange>(), 8, out bool truncated);
        Assert.That(free, Is.EqualTo(new[] { R(0x100000, 0x200000) }));
        Assert.That(truncated, Is.False);
    }

    [Test]
    public void ReservationsAreCutOutAtStartMiddleAndEnd()
    {
        PhysRange[] free = Free(
            new[] { R(0x0, 0x10000) },
            new[] { R(0x0, 0x1000), R(0x4000, 0x5000), R(0xF000, 0x20000) },
            8,
            out _);
        Assert.That(free, Is.EqualTo(new[] { R(0x1000, 0x4000), R(0x5000, 0xF000) }));
    }

    [Test]
    public void OverlappingReservationsAreHandled()
    {
        PhysRange[] free = Free(
            new[] { R(0x0, 0x10000) },
            new[] { R(0x2000, 0x6000), R(0x1000, 0x3000), R(0x5000, 0x8000) },
            8,
            out _);
        Assert.That(free, Is.EqualTo(new[] { R(0x0, 0x1000), R(0x8000, 0x10000) }));
    }

    [Test]
    public void UnsortedOverlappingUsableRegionsComeOutSortedAndMerged()
    {
        PhysRange[] free = Free(
            new[] { R(0x300000, 0x400000), R(0x100000, 0x250000), R(0x200000, 0x300000), R(0x50000, 0x60000) },
            Array.Empty<PhysRange>(),
            8,
            out _);
        Assert.That(free, Is.EqualTo(new[] { R(0x50000, 0x60000), R(0x100000, 0x400000) }));
    }

    [Test]
    public void ReservedRangeCoveringEverythingLeavesNothing()
    {
        PhysRange[] free = Free(
            new[] { R(0x1000, 0x2000), R(0x100000, 0x8000000) },
            new[] { R(0, ulong.MaxValue) },
            8,
            out bool truncated);
        Assert.That(free, Is.Empty);
        Assert.That(truncated, Is.False);
    }

    [Test]
    public void EmptyAndInvertedRangesAreIgnored()
    {
        PhysRange[] free = Free(
            new[] { R(0x5000, 0x5000), R(0x9000, 0x8000), R(0x1000, 0x2000) },
            new[] { R(0x1800, 0x1000) },
            8,
            out _);
        Assert.That(free, Is.EqualTo(new[] { R(0x1000, 0x2000) }));
    }

    [Test]
    public void TooSmallOutputKeepsTheLargestRangesAndSaysSo()
    {
        PhysRange[] free = Free(
            new[] { R(0x0, 0x1000), R(0x10000, 0x30000), R(0x100000, 0x101000), R(0x200000, 0x280000) },
            Array.Empty<PhysRange>(),
            2,
            out bool truncated);
        Assert.That(truncated, Is.True);
        Assert.That(free, Is.EqualTo(new[] { R(0x10000, 0x30000), R(0x200000, 0x280000) }));
    }

    [Test]
    public void ZeroLengthOutputReturnsNothingAndTruncated()
    {
        PhysRange[] free = Free(new[] { R(0, 0x1000) }, Array.Empty<PhysRange>(), 0, out bool truncated);
        Assert.That(free, Is.Empty);
        Assert.That(truncated, Is.True);
    }

    [Test]
    public void RandomInputsNeverOverlapOrTouchReservedMemory()
    {
        var random = new Random(7);
        for (int round = 0; round < 500; round++)
        {
            PhysRange[] usable = RandomRanges(random, random.Next(0, 8));
            PhysRange[] reserved = RandomRanges(random, random.Next(0, 8));
            PhysRange[] free = Free(usable, reserved, 64, out bool truncated);
            Assert.That(truncated, Is.False);
            for (int i = 0; i < free.Length; i++)
            {
                Assert.That(free[i].IsEmpty, Is.False);
                Assert.That(i == 0 || free[i - 1].End < free[i].Start, Is.True, "sorted, disjoint and not touching");
                foreach (PhysRange r in reserved)
                {
                    bool overlaps = !r.IsEmpty && r.Start < free[i].End && free[i].Start < r.End;
                    Assert.That(overlaps, Is.False, $"{free[i]} overlaps reserved {r}");
                }

                bool inUsable = false;
                foreach (PhysRange u in usable)
                {
                    inUsable |= u.Start <= free[i].Start && free[i].Start < u.End;
                }

                Assert.That(inUsable, Is.True);
            }
        }
    }

    [Test]
    public void HelpersComputeTotalsUnionAndLargest()
    {
        PhysRange[] ranges = { R(0, 0x1000), R(0x800, 0x3000), R(0x10000, 0x10100) };
        Assert.That(MemoryLayout.TotalLength(ranges), Is.EqualTo(0x1000UL + 0x2800 + 0x100));
        Assert.That(MemoryLayout.UnionLength(ranges, new PhysRange[3]), Is.EqualTo(0x3000UL + 0x100));
        Assert.That(MemoryLayout.Largest(ranges), Is.EqualTo(1));
        Assert.That(MemoryLayout.Largest(ReadOnlySpan<PhysRange>.Empty), Is.EqualTo(-1));
    }

    private static PhysRange[] RandomRanges(Random random, int count)
    {
        var ranges = new PhysRange[count];
        for (int i = 0; i < count; i++)
        {
            ulong start = (ulong)random.Next(0, 64) * 0x1000;
            ulong end = start + ((ulong)random.Next(-4, 32) * 0x1000);
            ranges[i] = R(start, end);
        }

        return ranges;
    }
}

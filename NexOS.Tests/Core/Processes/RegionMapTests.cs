using NexOS.Core.Processes;
using NUnit.Framework;

namespace NexOS.Tests.Core.Processes;

[TestFixture]
public sealed class RegionMapTests
{
    private const ulong Page = 4096;
    private const ulong Low = 0x10_0000_0000;
    private const ulong High = Low + (256 * Page);

    private static RegionMap NewMap() => new(Low, High);

    [Test]
    public void ReservesTheLowestFreeStretchWhenNoAddressIsGiven()
    {
        RegionMap map = NewMap();
        Assert.That(map.Reserve(0, 2 * Page, RegionAccess.Read, out ulong a), Is.EqualTo(RegionStatus.Ok));
        Assert.That(map.Reserve(0, 3 * Page, RegionAccess.Read | RegionAccess.Write, out ulong b), Is.EqualTo(RegionStatus.Ok));
        Assert.That(a, Is.EqualTo(Low));
        Assert.That(b, Is.EqualTo(Low + (2 * Page)));
        Assert.That(map.Release(a, 2 * Page), Is.EqualTo(RegionStatus.Ok));
        Assert.That(map.Reserve(0, Page, RegionAccess.Read, out ulong c), Is.EqualTo(RegionStatus.Ok));
        Assert.That(c, Is.EqualTo(Low), "the hole left by the release is reused");
    }

    [Test]
    public void FixedReservationsMustBeFreeAlignedAndInside()
    {
        RegionMap map = NewMap();
        Assert.That(map.Reserve(Low + Page, Page, RegionAccess.Read, out _), Is.EqualTo(RegionStatus.Ok));
        Assert.That(map.Reserve(Low, 2 * Page, RegionAccess.Read, out _), Is.EqualTo(RegionStatus.InUse));
        Assert.That(map.Reserve(Low + 1, Page, RegionAccess.Read, out _), Is.EqualTo(RegionStatus.BadRange));
        Assert.That(map.Reserve(Low - Page, Page, RegionAccess.Read, out _), Is.EqualTo(RegionStatus.BadRange));
        Assert.That(map.Reserve(High - Page, 2 * Page, RegionAccess.Read, out _), Is.EqualTo(RegionStatus.BadRange));
        Assert.That(map.Reserve(High, Page, RegionAccess.Read, out _), Is.EqualTo(RegionStatus.BadRange));
        Assert.That(map.Reserve(ulong.MaxValue & ~(Page - 1), Page, RegionAccess.Read, out _), Is.EqualTo(RegionStatus.BadRange));
        Assert.That(map.Reserve(Low, 0, RegionAccess.Read, out _), Is.EqualTo(RegionStatus.BadRange));
        Assert.That(map.Reserve(Low, ulong.MaxValue & ~(Page - 1), RegionAccess.Read, out _), Is.EqualTo(RegionStatus.BadRange));
        Assert.That(map.Count, Is.EqualTo(1));
    }

    [Test]
    public void WritableAndExecutableAtOnceIsRefused()
    {
        RegionMap map = NewMap();
        Assert.That(map.Reserve(0, Page, RegionAccess.Write | RegionAccess.Execute, out _), Is.EqualTo(RegionStatus.BadAccess));
        Assert.That(map.Reserve(0, Page, (RegionAccess)8, out _), Is.EqualTo(RegionStatus.BadAccess));
        Assert.That(map.Reserve(0, Page, RegionAccess.Read | RegionAccess.Write, out ulong a), Is.EqualTo(RegionStatus.Ok));
        Assert.That(map.Protect(a, Page, RegionAccess.Write | RegionAccess.Execute), Is.EqualTo(RegionStatus.BadAccess));
        Assert.That(map.Find(a, out Region r) && r.Access == (RegionAccess.Read | RegionAccess.Write), Is.True);
    }

    [Test]
    public void ReleasingTheMiddleSplitsARegionInTwo()
    {
        RegionMap map = NewMap();
        map.Reserve(0, 8 * Page, RegionAccess.Read, out ulong a);
        Assert.That(map.Release(a + (2 * Page), 3 * Page), Is.EqualTo(RegionStatus.Ok));
        Assert.That(map.Count, Is.EqualTo(2));
        Assert.That(map[0], Is.EqualTo(new Region(a, a + (2 * Page), RegionAccess.Read)));
        Assert.That(map[1], Is.EqualTo(new Region(a + (5 * Page), a + (8 * Page), RegionAccess.Read)));
        Assert.That(map.Find(a + (3 * Page), out _), Is.False);
    }

    [Test]
    public void ReleaseAndProtectRefuseRangesWithHoles()
    {
        RegionMap map = NewMap();
        map.Reserve(Low, Page, RegionAccess.Read, out _);
        map.Reserve(Low + (2 * Page), Page, RegionAccess.Read, out _);
        Assert.That(map.Release(Low, 3 * Page), Is.EqualTo(RegionStatus.NotReserved));
        Assert.That(map.Protect(Low, 3 * Page, RegionAccess.None), Is.EqualTo(RegionStatus.NotReserved));
        Assert.That(map.Count, Is.EqualTo(2), "nothing changed");
        Assert.That(map.ReservedBytes, Is.EqualTo(2 * Page));
    }

    [Test]
    public void ProtectSplitsAndMergesBack()
    {
        RegionMap map = NewMap();
        map.Reserve(0, 4 * Page, RegionAccess.Read | RegionAccess.Write, out ulong a);
        Assert.That(map.Protect(a + Page, Page, RegionAccess.Read), Is.EqualTo(RegionStatus.Ok));
        Assert.That(map.Count, Is.EqualTo(3));
        Assert.That(map.Protect(a + Page, Page, RegionAccess.Read | RegionAccess.Write), Is.EqualTo(RegionStatus.Ok));
        Assert.That(map.Count, Is.EqualTo(1), "equal neighbours merge");
    }

    [Test]
    public void TheTableIsBoundedAndAFullTableChangesNothing()
    {
        var map = new RegionMap(Low, Low + (4 * RegionMap.MaxRegions * Page));
        for (int i = 0; i < RegionMap.MaxRegions; i++)
        {
            // Every other page, alternating access, so nothing merges.
            Assert.That(map.Reserve(Low + ((ulong)i * 2 * Page), Page, i % 2 == 0 ? RegionAccess.Read : RegionAccess.None, out _), Is.EqualTo(RegionStatus.Ok));
        }

        Assert.That(map.Reserve(0, Page, RegionAccess.Read, out _), Is.EqualTo(RegionStatus.Full));
        map.Reserve(0, 0, RegionAccess.Read, out _);
        Assert.That(map.Count, Is.EqualTo(RegionMap.MaxRegions));
    }

    [Test]
    public void CuttingWhenFullIsRefusedBeforeAnythingChanges()
    {
        var map = new RegionMap(Low, Low + (4 * RegionMap.MaxRegions * Page));
        map.Reserve(Low, 4 * Page, RegionAccess.Read, out _);
        for (int i = 1; i < RegionMap.MaxRegions; i++)
        {
            map.Reserve(Low + ((ulong)(i + 2) * 2 * Page), Page, i % 2 == 0 ? RegionAccess.Read : RegionAccess.None, out _);
        }

        Assert.That(map.Count, Is.EqualTo(RegionMap.MaxRegions));
        Assert.That(map.Protect(Low + Page, Page, RegionAccess.None), Is.EqualTo(RegionStatus.Full));
        Assert.That(map[0], Is.EqualTo(new Region(Low, Low + (4 * Page), RegionAccess.Read)));
        Assert.That(map.Release(Low, 4 * Page), Is.EqualTo(RegionStatus.Ok), "a whole region needs no new slot");
    }

    [Test]
    public void RandomOperationsAgreeWithAPageByPageModel([Values(1, 2, 3, 4, 5)] int seed)
    {
        RegionMap map = NewMap();
        const int pages = (int)((High - Low) / Page);
        var model = new RegionAccess?[pages];
        var random = new Random(seed);
        for (int step = 0; step < 3000; step++)
        {
            int first = random.Next(pages);
            int count = 1 + random.Next(Math.Min(16, pages - first));
            ulong address = Low + ((ulong)first * Page);
            ulong length = (ulong)count * Page;
            var access = (RegionAccess)random.Next(8);
            bool allFree = true, allReserved = true;
            for (int p = first; p < first + count; p++)
            {
                allFree &= model[p] == null;
                allReserved &= model[p] != null;
            }

            bool validAccess = RegionMap.IsValidAccess(access);
            switch (random.Next(3))
            {
                case 0:
                    RegionStatus reserved = map.Reserve(address, length, access, out _);
                    Assert.That(reserved, Is.EqualTo(!validAccess ? RegionStatus.BadAccess : allFree ? RegionStatus.Ok : RegionStatus.InUse));
                    if (reserved == RegionStatus.Ok)
                    {
                        Fill(model, first, count, access);
                    }

                    break;
                case 1:
                    RegionStatus released = map.Release(address, length);
                    Assert.That(released, Is.EqualTo(allReserved ? RegionStatus.Ok : RegionStatus.NotReserved));
                    if (released == RegionStatus.Ok)
                    {
                        Fill(model, first, count, null);
                    }

                    break;
                default:
                    RegionStatus protectedStatus = map.Protect(address, length, access);
                    Assert.That(protectedStatus, Is.EqualTo(!validAccess ? RegionStatus.BadAccess : allReserved ? RegionStatus.Ok : RegionStatus.NotReserved));
                    if (protectedStatus == RegionStatus.Ok)
                    {
                        Fill(model, first, count, access);
                    }

                    break;
            }

            CheckAgainst(map, model);
        }
    }

    private static void Fill(RegionAccess?[] model, int first, int count, RegionAccess? value)
    {
        for (int p = first; p < first + count; p++)
        {
            model[p] = value;
        }
    }

    private static void CheckAgainst(RegionMap map, RegionAccess?[] model)
    {
        for (int p = 0; p < model.Length; p++)
        {
            bool found = map.Find(Low + ((ulong)p * Page), out Region r);
            Assert.That(found, Is.EqualTo(model[p] != null), $"page {p}");
            if (found)
            {
                Assert.That(r.Access, Is.EqualTo(model[p]), $"page {p}");
            }
        }

        for (int i = 0; i + 1 < map.Count; i++)
        {
            Assert.That(map[i].End, Is.LessThanOrEqualTo(map[i + 1].Start), "sorted, no overlap");
            Assert.That(map[i].End == map[i + 1].Start && map[i].Access == map[i + 1].Access, Is.False, "merged");
        }
    }
}

using NexOS.Core.Memory;
using NexOS.Core.Paging;
using static NexOS.Tests.Core.Paging.PagingKit;

namespace NexOS.Tests.Core.Paging;

/// <summary>The software bit <see cref="PageFlags.OwnedFrame"/>: accepted on 4 KiB leaves,
/// reported by Translate, kept by Protect, never on (or inherited from) a bigger leaf.</summary>
[TestFixture]
public sealed class AddressSpaceOwnedFrameTests
{
    private const PageFlags Owned = PageFlags.OwnedFrame;

    [Test]
    public void OwnedFrameRoundTripsThroughMapTranslateAndProtect()
    {
        var rig = new PagingRig();
        Assert.That(Map(rig.Space, 0x40_1000, 0x7000, UserRw | Owned), Is.EqualTo(PagingStatus.Ok));
        ulong pt = PagingRig.Next(rig.Entry(PagingRig.Next(rig.Entry(PagingRig.Next(rig.Entry(rig.Space.Root.Value, 0)), 0)), 2));
        Assert.That(rig.Entry(pt, 1), Is.EqualTo(0x7000UL | 0x200 | (ulong)(UserRw | PageFlags.Present)), "bit 9 in the leaf");
        AssertMapped(rig.Space, 0x40_1000, 0x7000, UserRw | Owned);

        // Protect without the flag keeps it; with it (flags read back from Translate) too.
        Assert.That(rig.Space.Protect(V(0x40_1000), PageFlags.User | PageFlags.NoExecute, out bool flush), Is.EqualTo(PagingStatus.Ok));
        Assert.That(flush, Is.True);
        AssertMapped(rig.Space, 0x40_1000, 0x7000, PageFlags.User | PageFlags.NoExecute | Owned);
        Assert.That(rig.Space.Translate(V(0x40_1000), out _, out PageFlags current), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Space.Protect(V(0x40_1000), current & ~PageFlags.Present, out flush), Is.EqualTo(PagingStatus.Ok));
        Assert.That(flush, Is.False, "the same flags again change nothing");
        Assert.That(rig.Space.Protect(V(0x40_1000), UserRw, out _), Is.EqualTo(PagingStatus.Ok));
        AssertMapped(rig.Space, 0x40_1000, 0x7000, UserRw | Owned);

        // Unmap hands the frame back to the caller, whose it is to free.
        Assert.That(rig.Space.Unmap(V(0x40_1000), out PhysAddr frame, out _), Is.EqualTo(PagingStatus.Ok));
        Assert.That(frame, Is.EqualTo(P(0x7000)));
    }

    [Test]
    public void ProtectCannotMakeABorrowedFrameOwned()
    {
        var rig = new PagingRig();
        Assert.That(Map(rig.Space, 0x40_1000, 0xFEE0_0000, Rw | PageFlags.CacheDisable), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Space.Protect(V(0x40_1000), Ro | Owned, out bool flush), Is.EqualTo(PagingStatus.Ok));
        Assert.That(flush, Is.True);
        AssertMapped(rig.Space, 0x40_1000, 0xFEE0_0000, Ro);
    }

    [Test]
    public void OwnedRangesUseSmallPagesEvenWhereHugeOnesAreAllowed()
    {
        var rig = new PagingRig();
        Assert.That(rig.Space.MapRange(V(2 * MiB), P(4 * MiB), 4 * MiB, Rw | Owned, allowHuge: true, out _), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Space.TableFrames, Is.EqualTo(5), "PML4, PDPT, PD and two page tables");
        AssertMapped(rig.Space, 2 * MiB, 4 * MiB, Rw | Owned);
        AssertMapped(rig.Space, (6 * MiB) - Page, (8 * MiB) - Page, Rw | Owned);

        // Without the flag the same range takes 2 MiB leaves.
        Assert.That(rig.Space.MapRange(V(GiB), P(4 * MiB), 4 * MiB, Rw, allowHuge: true, out _), Is.EqualTo(PagingStatus.Ok));
        AssertMapped(rig.Space, GiB, 4 * MiB, Rw | PageFlags.Huge);
    }

    [Test]
    public void ABigLeafIsNeverOwnedAndNeitherAreItsPieces()
    {
        var rig = new PagingRig();
        Assert.That(rig.Space.MapRange(V(2 * MiB), P(8 * MiB), 2 * MiB, Rw, allowHuge: true, out _), Is.EqualTo(PagingStatus.Ok));

        // Tables written elsewhere might carry bit 9 on a 2 MiB leaf; it means nothing there.
        ulong pd = PagingRig.Next(rig.Entry(PagingRig.Next(rig.Entry(rig.Space.Root.Value, 0)), 0));
        rig.Memory.WriteEntry(P(pd), 1, rig.Entry(pd, 1) | 0x200);
        AssertMapped(rig.Space, 2 * MiB, 8 * MiB, Rw | PageFlags.Huge);
        Assert.That(Regions(rig.Space)[0].Flags, Is.EqualTo(Rw | PageFlags.Present));

        Assert.That(rig.Space.SplitLeaf(V(2 * MiB), out _), Is.EqualTo(PagingStatus.Ok));
        ulong pt = PagingRig.Next(rig.Entry(pd, 1));
        for (int i = 0; i < 512; i++)
        {
            Assert.That(rig.Entry(pt, i) & 0x200, Is.Zero, $"piece {i}");
        }

        AssertMapped(rig.Space, (3 * MiB) + 8, (9 * MiB) + 8, Rw);
    }

    [Test]
    public void OwnedAndBorrowedPagesMakeSeparateRegions()
    {
        var rig = new PagingRig();
        Assert.That(rig.Space.MapRange(V(0x40_0000), P(0x10_0000), 2 * Page, UserRw | Owned, false, out _), Is.EqualTo(PagingStatus.Ok));
        Assert.That(rig.Space.MapRange(V(0x40_2000), P(0x10_2000), 2 * Page, UserRw, false, out _), Is.EqualTo(PagingStatus.Ok));
        List<MappedRegion> regions = Regions(rig.Space);
        Assert.That(regions, Is.EqualTo(new[]
        {
            new MappedRegion(V(0x40_0000), 2 * Page, P(0x10_0000), UserRw | Owned | PageFlags.Present, true),
            new MappedRegion(V(0x40_2000), 2 * Page, P(0x10_2000), UserRw | PageFlags.Present, true),
        }));
        Assert.That(PageTableEntry.Describe(regions[0].Flags), Is.EqualTo("rw- user owned"));
    }
}

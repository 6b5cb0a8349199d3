using NexOS.Core.Paging;

namespace NexOS.Tests.Core.Paging;

[TestFixture]
public sealed class PageTableEntryTests
{
    [Test]
    public void FlagsSitAtTheirHardwareBits()
    {
        Assert.That((ulong)PageFlags.Present, Is.EqualTo(1UL));
        Assert.That((ulong)PageFlags.Writable, Is.EqualTo(2UL));
        Assert.That((ulong)PageFlags.User, Is.EqualTo(4UL));
        Assert.That((ulong)PageFlags.WriteThrough, Is.EqualTo(8UL));
        Assert.That((ulong)PageFlags.CacheDisable, Is.EqualTo(0x10UL));
        Assert.That((ulong)PageFlags.Accessed, Is.EqualTo(0x20UL));
        Assert.That((ulong)PageFlags.Dirty, Is.EqualTo(0x40UL));
        Assert.That((ulong)PageFlags.Huge, Is.EqualTo(0x80UL));
        Assert.That((ulong)PageFlags.Global, Is.EqualTo(0x100UL));
        Assert.That((ulong)PageFlags.OwnedFrame, Is.EqualTo(0x200UL), "bit 9, ignored by the CPU");
        Assert.That((ulong)PageFlags.NoExecute, Is.EqualTo(0x8000_0000_0000_0000UL));
        Assert.That(PageTableEntry.AddressMask, Is.EqualTo(0x000F_FFFF_FFFF_F000UL));
    }

    [Test]
    public void CreateAndDecode()
    {
        ulong entry = PageTableEntry.Create(0x0000_1234_5678_9000, PageFlags.Present | PageFlags.Writable | PageFlags.NoExecute);
        Assert.That(entry, Is.EqualTo(0x8000_1234_5678_9003UL));
        Assert.That(PageTableEntry.Address(entry), Is.EqualTo(0x0000_1234_5678_9000UL));
        Assert.That(PageTableEntry.Flags(entry), Is.EqualTo(PageFlags.Present | PageFlags.Writable | PageFlags.NoExecute));
        Assert.That(PageTableEntry.IsPresent(entry), Is.True);
        Assert.That(PageTableEntry.IsHuge(entry), Is.False);
        Assert.That(PageTableEntry.IsPresent(0), Is.False);
        Assert.That(PageTableEntry.IsHuge(0x83), Is.True);
    }

    [Test]
    public void CreateDropsBitsOutsideTheFormat()
    {
        // Offset bits, bits above 51, unnamed software bits and an unnamed flag value all
        // vanish; bit 9 is the one software bit with a name.
        ulong entry = PageTableEntry.Create(0xFFF0_0000_0040_0ABC, (PageFlags)0x0FF0_0000_0000_0C01UL);
        Assert.That(entry, Is.EqualTo(0x0000_0000_0040_0001UL));
        Assert.That(PageTableEntry.Flags(0x7FF0_0000_0000_0C00UL), Is.EqualTo(PageFlags.None));
        Assert.That(PageTableEntry.Create(0x5000, (PageFlags)0x0FF0_0000_0000_0E01UL), Is.EqualTo(0x5201UL));
        Assert.That(PageTableEntry.Flags(0x7FF0_0000_0000_0E00UL), Is.EqualTo(PageFlags.OwnedFrame));
    }

    [Test]
    public void LeafAddressDropsThePatBitOfHugeLeaves()
    {
        ulong entry = 0x0000_0000_4020_1083UL;
        Assert.That(PageTableEntry.Address(entry), Is.EqualTo(0x4020_1000UL));
        Assert.That(PageTableEntry.LeafAddress(entry, 2UL << 20), Is.EqualTo(0x4020_0000UL));
        Assert.That(PageTableEntry.LeafAddress(entry, 4096), Is.EqualTo(0x4020_1000UL));
    }

    [Test]
    public void LeafFlagsExcludeOnlyHuge()
    {
        Assert.That(PageTableEntry.LeafFlags & PageFlags.Huge, Is.EqualTo(PageFlags.None));
        Assert.That(PageTableEntry.LeafFlags & PageFlags.OwnedFrame, Is.EqualTo(PageFlags.OwnedFrame));
        Assert.That(PageTableEntry.TableFlags & PageFlags.OwnedFrame, Is.EqualTo(PageFlags.None));
        Assert.That(PageTableEntry.LeafFlags | PageFlags.Huge, Is.EqualTo(PageTableEntry.AllFlags));
        Assert.That(PageTableEntry.TableFlags, Is.EqualTo(PageFlags.Present | PageFlags.Writable));
    }

    [TestCase(PageFlags.None, "---")]
    [TestCase(PageFlags.Present, "r-x")]
    [TestCase(PageFlags.Present | PageFlags.NoExecute, "r--")]
    [TestCase(PageFlags.Present | PageFlags.Writable | PageFlags.NoExecute, "rw-")]
    [TestCase(PageFlags.Present | PageFlags.Writable | PageFlags.User, "rwx user")]
    [TestCase(PageFlags.Present | PageFlags.Writable | PageFlags.NoExecute | PageFlags.CacheDisable | PageFlags.Global, "rw- global uc")]
    [TestCase(PageFlags.Present | PageFlags.WriteThrough | PageFlags.NoExecute, "r-- wt")]
    [TestCase(PageFlags.Present | PageFlags.Writable | PageFlags.User | PageFlags.NoExecute | PageFlags.OwnedFrame, "rw- user owned")]
    [TestCase(PageFlags.Present | PageFlags.CacheDisable | PageFlags.WriteThrough | PageFlags.OwnedFrame, "r-x uc wt owned")]
    public void DescribeForListings(PageFlags flags, string text)
    {
        Assert.That(PageTableEntry.Describe(flags), Is.EqualTo(text));
    }

    [Test]
    public void EveryStatusHasItsOwnDescription()
    {
        var seen = new HashSet<string>();
        foreach (PagingStatus status in Enum.GetValues<PagingStatus>())
        {
            string text = status.Describe();
            Assert.That(text, Is.Not.EqualTo("unknown"), status.ToString());
            Assert.That(seen.Add(text), Is.True, text);
        }

        Assert.That(((PagingStatus)99).Describe(), Is.EqualTo("unknown"));
    }
}

using NexOS.Core.Paging;

namespace NexOS.Tests.Core.Paging;

[TestFixture]
public sealed class VirtAddrTests
{
    [TestCase(0x0000_0000_0000_0000UL)]
    [TestCase(0x0000_0000_0040_1000UL)]
    [TestCase(0x0000_7FFF_FFFF_FFFFUL)]
    [TestCase(0xFFFF_8000_0000_0000UL)]
    [TestCase(0xFFFF_FFFF_8000_0000UL)]
    [TestCase(0xFFFF_FFFF_FFFF_FFFFUL)]
    public void CanonicalAddresses(ulong value)
    {
        Assert.That(new VirtAddr(value).IsCanonical, Is.True);
        Assert.That(VirtAddr.Canonicalize(value).Value, Is.EqualTo(value));
    }

    [TestCase(0x0000_8000_0000_0000UL, 0xFFFF_8000_0000_0000UL)]
    [TestCase(0xFFFF_7FFF_FFFF_FFFFUL, 0x0000_7FFF_FFFF_FFFFUL)]
    [TestCase(0x0001_0000_0000_0000UL, 0x0000_0000_0000_0000UL)]
    [TestCase(0x8000_0000_0000_0000UL, 0x0000_0000_0000_0000UL)]
    [TestCase(0x1234_5678_9ABC_DEF0UL, 0x0000_5678_9ABC_DEF0UL)]
    [TestCase(0x1234_C678_9ABC_DEF0UL, 0xFFFF_C678_9ABC_DEF0UL)]
    public void NonCanonicalAddressesAndWhatCanonicalizeMakesOfThem(ulong value, ulong canonical)
    {
        Assert.That(new VirtAddr(value).IsCanonical, Is.False);
        Assert.That(VirtAddr.Canonicalize(value).Value, Is.EqualTo(canonical));
        Assert.That(VirtAddr.Canonicalize(value).IsCanonical, Is.True);
    }

    [TestCase(0x0000_0000_0000_0000UL, 0, 0, 0, 0, 0x000UL)]
    [TestCase(0x0000_0080_8060_4005UL, 1, 2, 3, 4, 0x005UL)]
    [TestCase(0x0000_1234_5678_9ABCUL, 36, 209, 179, 393, 0xABCUL)]
    [TestCase(0x0000_7FFF_FFFF_FFFFUL, 255, 511, 511, 511, 0xFFFUL)]
    [TestCase(0xFFFF_8000_0000_0000UL, 256, 0, 0, 0, 0x000UL)]
    [TestCase(0xFFFF_FFFF_8020_3456UL, 511, 510, 1, 3, 0x456UL)]
    [TestCase(0xFFFF_FFFF_FFFF_FFFFUL, 511, 511, 511, 511, 0xFFFUL)]
    public void IndexDecomposition(ulong value, int pml4, int pdpt, int pd, int pt, ulong offset)
    {
        var address = new VirtAddr(value);
        Assert.That(address.Pml4Index, Is.EqualTo(pml4));
        Assert.That(address.PdptIndex, Is.EqualTo(pdpt));
        Assert.That(address.PdIndex, Is.EqualTo(pd));
        Assert.That(address.PtIndex, Is.EqualTo(pt));
        Assert.That(address.PageOffset, Is.EqualTo(offset));
        Assert.That(address.TableIndex(4), Is.EqualTo(pml4));
        Assert.That(address.TableIndex(1), Is.EqualTo(pt));
        Assert.That(VirtAddr.FromIndices(pml4, pdpt, pd, pt, offset), Is.EqualTo(address));
    }

    [Test]
    public void TableIndexOutsideTheFourLevelsIsZero()
    {
        var address = new VirtAddr(0xFFFF_FFFF_FFFF_FFFF);
        Assert.That(address.TableIndex(0), Is.Zero);
        Assert.That(address.TableIndex(5), Is.Zero);
        Assert.That(address.TableIndex(-1), Is.Zero);
    }

    [Test]
    public void FromIndicesWrapsOutOfRangeParts()
    {
        Assert.That(VirtAddr.FromIndices(512 + 1, 512, -1, 0, 0x1005), Is.EqualTo(VirtAddr.FromIndices(1, 0, 511, 0, 5)));
    }

    [Test]
    public void AlignmentHelpers()
    {
        var address = new VirtAddr(0xFFFF_8000_0020_1234);
        Assert.That(address.AlignDown(4096), Is.EqualTo(new VirtAddr(0xFFFF_8000_0020_1000)));
        Assert.That(address.AlignUp(4096), Is.EqualTo(new VirtAddr(0xFFFF_8000_0020_2000)));
        Assert.That(address.AlignDown(2 << 20), Is.EqualTo(new VirtAddr(0xFFFF_8000_0020_0000)));
        Assert.That(address.AlignUp(2 << 20), Is.EqualTo(new VirtAddr(0xFFFF_8000_0040_0000)));
        Assert.That(address.IsAligned(4), Is.True);
        Assert.That(address.IsAligned(4096), Is.False);
        Assert.That(new VirtAddr(0x20_0000).AlignUp(2 << 20), Is.EqualTo(new VirtAddr(0x20_0000)));
        Assert.That(new VirtAddr(0xFFFF_FFFF_FFFF_F001).AlignUp(4096).Value, Is.Zero, "wraps past the top");
    }

    [Test]
    public void HalvesOrderingArithmeticAndText()
    {
        Assert.That(new VirtAddr(0x7FFF_FFFF_FFFF).IsLowerHalf, Is.True);
        Assert.That(new VirtAddr(VirtAddr.HigherHalfStart).IsLowerHalf, Is.False);
        Assert.That(new VirtAddr(0x1000) + 0x234, Is.EqualTo(new VirtAddr(0x1234)));
        Assert.That(new VirtAddr(0x3000) - new VirtAddr(0x1000), Is.EqualTo(0x2000UL));
        Assert.That(new VirtAddr(1) < new VirtAddr(VirtAddr.HigherHalfStart), Is.True);
        Assert.That(new VirtAddr(5).CompareTo(new VirtAddr(5)), Is.Zero);
        Assert.That(new VirtAddr(0xFFFF_8000_0000_0000).ToString(), Is.EqualTo("0xffff800000000000"));
    }
}

using NexOS.Core.Iommu;
using NexOS.Core.Memory;
using NexOS.Tests.Core.Paging;

namespace NexOS.Tests.Core.Iommu;

[TestFixture]
public sealed class IommuPageTableTests
{
    private static (IommuPageTable Table, FramePool Pool) Create(int levels = 3, int frames = 32)
    {
        var memory = new FakePhysicalMemory(0x10_0000, frames);
        var pool = new FramePool(memory);
        return (IommuPageTable.Create(memory, pool, levels)!, pool);
    }

    [TestCase(3)]
    [TestCase(4)]
    public void MappedPagesTranslateAndOthersDoNot(int levels)
    {
        (IommuPageTable t, _) = Create(levels);
        Assert.That(t.Map(0x4000_0000, new PhysAddr(0x4000_0000), writable: true), Is.EqualTo(IommuStatus.Ok));
        Assert.That(t.Map(0x7F_FFFF_F000, new PhysAddr(0x1234_5000), writable: false), Is.EqualTo(IommuStatus.Ok));
        Assert.That(t.Translate(0x4000_0123, out PhysAddr a, out bool w), Is.True);
        Assert.That((a.Value, w), Is.EqualTo((0x4000_0123UL, true)));
        Assert.That(t.Translate(0x7F_FFFF_F008, out PhysAddr b, out bool w2), Is.True);
        Assert.That((b.Value, w2), Is.EqualTo((0x1234_5008UL, false)));
        Assert.That(t.Translate(0x4000_1000, out _, out _), Is.False);
        Assert.That(t.MappedPages, Is.EqualTo(2));
    }

    [Test]
    public void TheLimitFollowsTheLevels()
    {
        Assert.That(Create(3).Table.Limit, Is.EqualTo(1UL << 39));
        Assert.That(Create(4).Table.Limit, Is.EqualTo(1UL << 48));
        var memory = new FakePhysicalMemory(0x10_0000, 4);
        Assert.That(IommuPageTable.Create(memory, new FramePool(memory), 5), Is.Null);
        Assert.That(IommuPageTable.Create(memory, new FramePool(memory), 2), Is.Null);
    }

    [TestCase(0x1001UL, 0x2000UL, TestName = "an address that is not a page")]
    [TestCase(0x80_0000_0000UL, 0x2000UL, TestName = "an address past 39 bits")]
    [TestCase(ulong.MaxValue & ~0xFFFUL, 0x2000UL, TestName = "the top page")]
    [TestCase(0x1000UL, 0x2001UL, TestName = "a frame that is not a page")]
    [TestCase(0x1000UL, 0x10_0000_0000_0000UL, TestName = "a frame past 52 bits")]
    public void BadAddressesAreRefusedAndMapNothing(ulong address, ulong frame)
    {
        (IommuPageTable t, FramePool pool) = Create();
        int before = pool.Allocated;
        Assert.That(t.Map(address, new PhysAddr(frame), writable: true), Is.EqualTo(IommuStatus.BadAddress));
        Assert.That(pool.Allocated, Is.EqualTo(before));
        Assert.That(t.MappedPages, Is.Zero);
    }

    [Test]
    public void APageIsMappedOnceAndUnmappedOnce()
    {
        (IommuPageTable t, _) = Create();
        Assert.That(t.Map(0x5000, new PhysAddr(0x5000), true), Is.EqualTo(IommuStatus.Ok));
        Assert.That(t.Map(0x5000, new PhysAddr(0x9000), true), Is.EqualTo(IommuStatus.InUse));
        Assert.That(t.Translate(0x5000, out PhysAddr still, out _) && still.Value == 0x5000, Is.True, "the refused call changed nothing");
        Assert.That(t.Unmap(0x5000), Is.True);
        Assert.That(t.Unmap(0x5000), Is.False);
        Assert.That(t.Unmap(0x80_0000_0000), Is.False, "past the limit");
        Assert.That(t.Translate(0x5000, out _, out _), Is.False);
        Assert.That(t.MappedPages, Is.Zero);
    }

    [Test]
    public void TablesAreMadeOnceAndRunningOutIsAStatus()
    {
        (IommuPageTable t, FramePool pool) = Create(frames: 3);
        Assert.That(t.Map(0x1000, new PhysAddr(0x1000), true), Is.EqualTo(IommuStatus.Ok));
        Assert.That(t.Tables, Is.EqualTo(3));
        Assert.That(t.Map(0x2000, new PhysAddr(0x2000), true), Is.EqualTo(IommuStatus.Ok), "the same tables hold it");
        Assert.That(t.Map(0x4000_0000, new PhysAddr(0x2000), true), Is.EqualTo(IommuStatus.OutOfTables), "a new 1 GiB needs tables there are no frames for");
        Assert.That(pool.Allocated, Is.EqualTo(3));
    }
}

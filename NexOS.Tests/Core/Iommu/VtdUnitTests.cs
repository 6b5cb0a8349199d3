using NexOS.Core.Iommu;
using NexOS.Core.Memory;
using NexOS.Tests.Core.Paging;

namespace NexOS.Tests.Core.Iommu;

/// <summary>The VT-d unit: once on, a device reaches only the frames mapped for it, a page
/// taken away is unreachable at once, and everything else faults with its source and
/// address recorded.</summary>
[TestFixture]
public sealed class VtdUnitTests
{
    private const ushort Disk = 0x0020;   // 00:04.0
    private const ushort Other = 0x00FA;  // 00:1f.2

    private static (FakeVtd Vtd, VtdUnit Unit, FakePhysicalMemory Memory, FramePool Pool) Enabled(bool cachingMode = false)
    {
        var memory = new FakePhysicalMemory(0x100_0000, 64);
        var pool = new FramePool(memory);
        var vtd = new FakeVtd(memory, cachingMode: cachingMode);
        Assert.That(VtdUnit.Enable(vtd, memory, pool, out VtdUnit? unit), Is.EqualTo(VtdStatus.Ok));
        return (vtd, unit!, memory, pool);
    }

    [Test]
    public void TurningItOnBlocksEveryDeviceUntilItHasADomain()
    {
        (FakeVtd vtd, VtdUnit unit, _, _) = Enabled();
        Assert.That(vtd.TranslationOn, Is.True);
        Assert.That(unit.Levels, Is.EqualTo(3));
        Assert.That(vtd.Access(Disk, 0x200_0000, write: true), Is.False);
        Span<VtdFault> faults = stackalloc VtdFault[4];
        Assert.That(unit.TakeFaults(faults), Is.EqualTo(1));
        Assert.That(faults[0], Is.EqualTo(new VtdFault(Disk, 0x200_0000, true, 2)));
        Assert.That(unit.TakeFaults(faults), Is.Zero, "taking faults clears them");
    }

    [Test]
    public void ADeviceReachesItsOwnBuffersAndNothingElse()
    {
        (FakeVtd vtd, VtdUnit unit, _, _) = Enabled();
        Assert.That(unit.MapIdentity(Disk, 0x300_0000, 4), Is.EqualTo(IommuStatus.Ok));
        Assert.That(vtd.Access(Disk, 0x300_0000, write: true), Is.True);
        Assert.That(vtd.Access(Disk, 0x300_3FF8, write: false), Is.True);
        Assert.That(vtd.Access(Disk, 0x300_4000, write: true), Is.False, "one page past the buffer");
        Assert.That(vtd.Access(Disk, 0x2FF_F000, write: false), Is.False, "one page before it");
        Assert.That(vtd.Access(Other, 0x300_0000, write: true), Is.False, "another device, the same frames");
        Span<VtdFault> faults = stackalloc VtdFault[4];
        Assert.That(unit.TakeFaults(faults), Is.EqualTo(3));
        Assert.That(faults[2].SourceId, Is.EqualTo(Other));
        Assert.That(unit.Domains, Is.EqualTo(1));
    }

    [Test]
    public void APageTakenAwayIsUnreachableWhenTheCallReturns()
    {
        (FakeVtd vtd, VtdUnit unit, _, _) = Enabled();
        Assert.That(unit.MapIdentity(Disk, 0x300_0000, 2), Is.EqualTo(IommuStatus.Ok));
        int before = vtd.IotlbInvalidations;
        Assert.That(unit.UnmapIdentity(Disk, 0x300_0000, 2), Is.EqualTo(2));
        Assert.That(vtd.IotlbInvalidations, Is.GreaterThan(before), "the IOTLB forgot the pages");
        Assert.That(vtd.Access(Disk, 0x300_0000, write: false), Is.False);
        Assert.That(unit.UnmapIdentity(Disk, 0x300_0000, 2), Is.Zero, "nothing left to take");
        Assert.That(unit.UnmapIdentity(Other, 0x300_0000, 2), Is.Zero, "a device without a domain");
    }

    [Test]
    public void MappingAPageTwiceIsRefusedAndTheCallTakesBackWhatItMapped()
    {
        (FakeVtd vtd, VtdUnit unit, _, _) = Enabled();
        Assert.That(unit.MapIdentity(Disk, 0x300_2000, 1), Is.EqualTo(IommuStatus.Ok));
        Assert.That(unit.MapIdentity(Disk, 0x300_0000, 4), Is.EqualTo(IommuStatus.InUse));
        Assert.That(vtd.Access(Disk, 0x300_0000, write: true), Is.False, "the pages before the clash were taken back");
        Assert.That(vtd.Access(Disk, 0x300_2000, write: true), Is.True, "the page mapped before stays");
        Assert.That(unit.DomainOf(Disk)!.MappedPages, Is.EqualTo(1));
    }

    [Test]
    public void RunningOutOfTablesIsAStatusNotAFault()
    {
        var memory = new FakePhysicalMemory(0x100_0000, 64);
        var pool = new FramePool(memory);
        Assert.That(VtdUnit.Enable(new FakeVtd(memory), memory, pool, out VtdUnit? unit), Is.EqualTo(VtdStatus.Ok));
        pool.Limit = pool.Allocated + 2; // a context table and a domain root, no more
        Assert.That(unit!.MapIdentity(Disk, 0x300_0000, 1), Is.EqualTo(IommuStatus.OutOfTables));
        pool.Limit = int.MaxValue;
        Assert.That(unit.MapIdentity(Disk, 0x300_0000, 1), Is.EqualTo(IommuStatus.Ok));
    }

    [Test]
    public void AUnitThatNeverAnswersLeavesTranslationOff()
    {
        var memory = new FakePhysicalMemory(0x100_0000, 8);
        var vtd = new FakeVtd(memory) { HangCommands = true };
        Assert.That(VtdUnit.Enable(vtd, memory, new FramePool(memory), out VtdUnit? unit), Is.EqualTo(VtdStatus.Timeout));
        Assert.That(unit, Is.Null);
        Assert.That(vtd.TranslationOn, Is.False);
    }

    [Test]
    public void AUnitWithNoUsableWidthIsRefused()
    {
        var memory = new FakePhysicalMemory(0x100_0000, 8);
        Assert.That(VtdUnit.Enable(new FakeVtd(memory, widths: 0x1), memory, new FramePool(memory), out _), Is.EqualTo(VtdStatus.NoUsableWidth));
    }

    [Test]
    public void InCachingModeANewMappingIsInvalidatedToo()
    {
        (FakeVtd vtd, VtdUnit unit, _, _) = Enabled(cachingMode: true);
        _ = unit.MapIdentity(Disk, 0x300_0000, 1);
        int before = vtd.IotlbInvalidations;
        Assert.That(unit.MapIdentity(Disk, 0x300_1000, 1), Is.EqualTo(IommuStatus.Ok));
        Assert.That(vtd.IotlbInvalidations, Is.EqualTo(before + 1));
    }
}

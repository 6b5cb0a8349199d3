using NexOS.Core.Boot;
using NexOS.Core.Memory;

namespace NexOS.Tests.Core;

[TestFixture]
public sealed class MemoryMapReaderTests
{
    private static List<MemoryRegion> ReadAll(byte[] payload)
    {
        var list = new List<MemoryRegion>();
        var reader = new MemoryMapReader(payload);
        while (reader.Next(out MemoryRegion region))
        {
            list.Add(region);
        }

        return list;
    }

    [Test]
    public void ReadsEveryEntry()
    {
        byte[] payload = BootInfoBuilder.MemoryMapPayload(24, (0, 0x9FC00, 1), (0x9FC00, 0x400, 2), (0x100000, 0x7EE0000, 1));
        List<MemoryRegion> regions = ReadAll(payload);
        Assert.That(regions, Has.Count.EqualTo(3));
        Assert.That(regions[2], Is.EqualTo(new MemoryRegion(PhysRange.FromLength(0x100000, 0x7EE0000), MemoryRegionType.Usable)));
        Assert.That(regions[1].Type, Is.EqualTo(MemoryRegionType.Reserved));
    }

    [Test]
    public void LongerEntriesAreSteppedOverByTheirDeclaredSize()
    {
        byte[] payload = BootInfoBuilder.MemoryMapPayload(40, (0x1000, 0x1000, 1), (0x5000, 0x2000, 3));
        List<MemoryRegion> regions = ReadAll(payload);
        Assert.That(regions, Has.Count.EqualTo(2));
        Assert.That(regions[1].Range.Start.Value, Is.EqualTo(0x5000UL));
        Assert.That(regions[1].Type, Is.EqualTo(MemoryRegionType.AcpiReclaimable));
    }

    [TestCase(0u)]
    [TestCase(16u)]
    [TestCase(23u)]
    [TestCase(4097u)]
    [TestCase(uint.MaxValue)]
    public void ImplausibleEntrySizeYieldsNoEntries(uint entrySize)
    {
        byte[] payload = BootInfoBuilder.MemoryMapPayload(24, (0, 0x1000, 1), (0x1000, 0x1000, 1));
        BitConverter.TryWriteBytes(payload.AsSpan(0, 4), entrySize);
        Assert.That(ReadAll(payload), Is.Empty);
    }

    [TestCase(0)]
    [TestCase(7)]
    public void PayloadShorterThanItsHeaderYieldsNoEntries(int length)
    {
        Assert.That(ReadAll(new byte[length]), Is.Empty);
    }

    [Test]
    public void TrailingPartialEntryIsIgnored()
    {
        byte[] payload = BootInfoBuilder.MemoryMapPayload(24, (0, 0x1000, 1), (0x1000, 0x1000, 1));
        Assert.That(ReadAll(payload[..^1]), Has.Count.EqualTo(1));
    }

    [Test]
    public void LengthThatWouldWrapSaturatesAtTheTopOfTheAddressSpace()
    {
        byte[] payload = BootInfoBuilder.MemoryMapPayload(24, (0xFFFF_FFFF_FFFF_0000, ulong.MaxValue, 1));
        MemoryRegion region = ReadAll(payload)[0];
        Assert.That(region.Range.End.Value, Is.EqualTo(ulong.MaxValue));
        Assert.That(region.Range.IsEmpty, Is.False);
    }

    [Test]
    public void UnknownTypesArePassedThrough()
    {
        byte[] payload = BootInfoBuilder.MemoryMapPayload(24, (0, 0x1000, 77));
        Assert.That((uint)ReadAll(payload)[0].Type, Is.EqualTo(77u));
    }
}

using NexOS.Drivers.Hardware;

namespace NexOS.Tests.Drivers.Virtio;

[TestFixture]
public sealed class HardwareRegionTests
{
    [Test]
    public void MmioWindowsRefuseAccessesOutsideThemselves()
    {
        var fake = new FakeVirtioBlk(new DmaRegion(new byte[4096], 0), 8, 0);
        var window = new MmioWindow(fake, FakeVirtioBlk.DeviceAt, 24);
        fake.Capacity = 0x1122334455667788;
        Assert.Multiple(() =>
        {
            Assert.That(window.Read32(0), Is.EqualTo(0x55667788));
            Assert.That(window.Read32(4), Is.EqualTo(0x11223344));
            Assert.That(window.Read32(24), Is.EqualTo(uint.MaxValue), "past the end");
            Assert.That(window.Read32(22), Is.EqualTo(uint.MaxValue), "straddles the end");
            Assert.That(window.Read32(2), Is.EqualTo(uint.MaxValue), "misaligned");
            Assert.That(window.Read64(ulong.MaxValue - 3), Is.EqualTo(ulong.MaxValue), "offset overflow");
            Assert.That(window.Read8(ulong.MaxValue), Is.EqualTo(0xFF));
            Assert.That(new MmioWindow(fake, 0x10000, 16).Length, Is.Zero, "a window past the parent is empty");
            Assert.That(new MmioWindow(fake, 0x3FF0, 0x100).Length, Is.EqualTo(0x10), "clipped to the parent");
        });
    }

    [Test]
    public void DmaAccessorsAreBoundsCheckedAndLittleEndian()
    {
        byte[] memory = new byte[64];
        var dma = new DmaRegion(memory, 0x1000);
        dma.WriteUInt32(4, 0x11223344);
        dma.WriteUInt16(62, 0xBEEF);
        dma.WriteUInt32(62, 0xDEADBEEF);
        dma.WriteUInt64(60, 1);
        dma.WriteUInt16(3, 0xAAAA);
        Assert.Multiple(() =>
        {
            Assert.That(memory[4], Is.EqualTo(0x44));
            Assert.That(dma.ReadUInt32(4), Is.EqualTo(0x11223344));
            Assert.That(dma.ReadUInt16(62), Is.EqualTo(0xBEEF));
            Assert.That(dma.ReadUInt32(64), Is.Zero);
            Assert.That(dma.ReadUInt32(-4), Is.Zero);
            Assert.That(dma.ReadUInt16(3), Is.Zero, "misaligned");
            Assert.That(dma.ReadByte(64), Is.Zero);
            Assert.That(dma.Fits(60, 5), Is.False);
            Assert.That(dma.Fits(int.MaxValue, 1), Is.False);
            Assert.That(dma.PhysicalAddress(8), Is.EqualTo(0x1008));
            Assert.That(memory[3], Is.Zero, "the misaligned write was dropped");
        });
    }
}

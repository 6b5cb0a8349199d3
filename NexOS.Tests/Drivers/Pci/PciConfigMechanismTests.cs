using NexOS.Core.Acpi;
using NexOS.Core.Hardware;
using NexOS.Drivers.Hardware;
using NexOS.Drivers.Pci;

namespace NexOS.Tests.Drivers.Pci;

[TestFixture]
public sealed class PciConfigMechanismTests
{
    /// <summary>Ports 0xCF8/0xCFC in front of a fake config space, the way a chipset does it.</summary>
    private sealed class PortBridge : IPortIo
    {
        private readonly FakePciConfigSpace _space;

        public PortBridge(FakePciConfigSpace space) => _space = space;

        public uint Address { get; private set; }

        public List<uint> AddressWrites { get; } = new();

        private PciAddress Target => new(0, (byte)(Address >> 16), (byte)((Address >> 11) & 31), (byte)((Address >> 8) & 7));

        private int Register => (int)(Address & 0xFC);

        public byte ReadByte(ushort port) => _space.Read8(Target, Register + (port - 0xCFC));

        public ushort ReadUInt16(ushort port) => _space.Read16(Target, Register + (port - 0xCFC));

        public uint ReadUInt32(ushort port) => port == 0xCF8 ? Address : _space.Read32(Target, Register);

        public void WriteByte(ushort port, byte value) => _space.Write8(Target, Register + (port - 0xCFC), value);

        public void WriteUInt16(ushort port, ushort value) => _space.Write16(Target, Register + (port - 0xCFC), value);

        public void WriteUInt32(ushort port, uint value)
        {
            if (port == 0xCF8)
            {
                Address = value;
                AddressWrites.Add(value);
            }
            else
            {
                _space.Write32(Target, Register, value);
            }
        }
    }

    [Test]
    public void PortMechanismEncodesTheAddressAndUsesTheRightDataPort()
    {
        FakePciConfigSpace space = QemuLikeMachine.Build();
        var ports = new PortBridge(space);
        var config = new PciPortConfigSpace(ports);
        var ahci = new PciAddress(0, 0, 0x1F, 2);
        Assert.That(config.Read32(ahci, 0), Is.EqualTo(0x2922_8086u));
        Assert.That(ports.AddressWrites[^1], Is.EqualTo(0x8000_FA00u), "enable | bus 0 | device 31 << 11 | function 2 << 8");
        Assert.That(config.Read16(ahci, 2), Is.EqualTo(0x2922));
        Assert.That(config.Read8(ahci, 0x0B), Is.EqualTo(0x01));
        Assert.That(ports.AddressWrites[^1], Is.EqualTo(0x8000_FA08u), "the low two offset bits select the data port, not the address");
        config.Write8(ahci, 0x3C, 5);
        Assert.That(config.Read8(ahci, 0x3C), Is.EqualTo(5));
    }

    [TestCase(0, 256, 1)]
    [TestCase(0, -4, 4)]
    [TestCase(0, 2, 4)]
    [TestCase(0, 1, 2)]
    [TestCase(1, 0, 4)]
    public void PortMechanismRefusesWhatItCannotReach(int segment, int offset, int size)
    {
        var ports = new PortBridge(QemuLikeMachine.Build());
        var config = new PciPortConfigSpace(ports);
        var a = new PciAddress((ushort)segment, 0, 0, 0);
        uint value = size switch
        {
            1 => config.Read8(a, offset),
            2 => config.Read16(a, offset),
            _ => config.Read32(a, offset),
        };
        Assert.That(value, Is.EqualTo(size == 1 ? 0xFFu : size == 2 ? 0xFFFFu : uint.MaxValue));
        Assert.That(ports.AddressWrites, Is.Empty, "nothing reached the ports");
        Assert.That(config.Read32(new PciAddress(0, 0, 32, 0), 0), Is.EqualTo(uint.MaxValue), "device 32 does not exist");
    }

    [Test]
    public void EcamPlacesEachFunctionAtItsOffsetInTheWindow()
    {
        var region = new MemoryMmioRegion(2 << 20);
        var ecam = new PciEcamConfigSpace();
        Assert.That(ecam.AddWindow(new McfgEntry(0xB000_0000, 0, 4, 5), region), Is.True);
        var a = new PciAddress(0, 5, 3, 1);
        ecam.Write32(a, 0xFFC, 0xDEAD_BEEF);
        Assert.That(region.Read32((1u << 20) | (3u << 15) | (1u << 12) | 0xFFC), Is.EqualTo(0xDEAD_BEEFu));
        Assert.That(ecam.Read16(a, 0xFFE), Is.EqualTo(0xDEAD));
        Assert.That(ecam.Read8(a, 0xFFC), Is.EqualTo(0xEF));
        Assert.That(ecam.Read32(new PciAddress(0, 6, 0, 0), 0), Is.EqualTo(uint.MaxValue), "bus 6 is outside the window");
        Assert.That(ecam.Read32(new PciAddress(0, 3, 0, 0), 0), Is.EqualTo(uint.MaxValue), "bus 3 is below it");
        Assert.That(ecam.Read32(new PciAddress(1, 4, 0, 0), 0), Is.EqualTo(uint.MaxValue), "segment 1 has no window");
        Assert.That(ecam.Read32(a, 4096), Is.EqualTo(uint.MaxValue));
        Assert.That(ecam.Read32(a, 2), Is.EqualTo(uint.MaxValue), "misaligned");
        Assert.That(ecam.CoversBus(0, 4) && !ecam.CoversBus(0, 6), Is.True);
    }

    [Test]
    public void EcamRefusesAMappingShorterThanTheEntry()
    {
        var ecam = new PciEcamConfigSpace();
        Assert.That(ecam.AddWindow(new McfgEntry(0, 0, 0, 1), new MemoryMmioRegion(1 << 20)), Is.False);
        Assert.That(ecam.WindowCount, Is.Zero);
    }

    [Test]
    public void MmioRegionChecksBounds()
    {
        var region = new MemoryMmioRegion(8);
        region.Write64(0, 0x0102_0304_0506_0708);
        region.Write32(6, 0xFFFF_FFFF);
        region.Write64(ulong.MaxValue - 3, 1);
        Assert.That(region.Read64(0), Is.EqualTo(0x0102_0304_0506_0708UL));
        Assert.That(region.Read32(5), Is.EqualTo(uint.MaxValue));
        Assert.That(region.Read16(ulong.MaxValue), Is.EqualTo(ushort.MaxValue));
        Assert.That(region.Read8(7), Is.EqualTo(0x01));
        Assert.That(region.Read8(8), Is.EqualTo(0xFF));
    }
}

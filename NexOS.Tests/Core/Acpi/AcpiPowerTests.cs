using NexOS.Core.Hardware;
using NexOS.Core.Acpi;

namespace NexOS.Tests.Core.Acpi;

/// <summary>I/O ports as plain registers that log every write. Writing ACPI_ENABLE to the SMI
/// command port sets SCI_EN in PM1a_CNT, as a chipset entering ACPI mode does.</summary>
internal sealed class FakePorts : IPortIo
{
    private readonly Dictionary<ushort, uint> _values = new();

    public List<(ushort Port, int Bits, uint Value)> Writes { get; } = new();

    public (ushort SmiPort, byte EnableValue, ushort Pm1a)? AcpiModeSwitch { get; set; }

    public int Reads { get; private set; }

    public void Set(ushort port, uint value) => _values[port] = value;

    public uint Get(ushort port) => _values.TryGetValue(port, out uint v) ? v : 0;

    public byte ReadByte(ushort port) => (byte)Read(port);

    public ushort ReadUInt16(ushort port) => (ushort)Read(port);

    public uint ReadUInt32(ushort port) => Read(port);

    public void WriteByte(ushort port, byte value) => Write(port, 8, value);

    public void WriteUInt16(ushort port, ushort value) => Write(port, 16, value);

    public void WriteUInt32(ushort port, uint value) => Write(port, 32, value);

    private uint Read(ushort port)
    {
        Reads++;
        return Get(port);
    }

    private void Write(ushort port, int bits, uint value)
    {
        Writes.Add((port, bits, value));
        _values[port] = value;
        if (AcpiModeSwitch is (ushort smi, byte enable, ushort pm1a) && port == smi && value == enable)
        {
            _values[pm1a] = Get(pm1a) | 1;
        }
    }
}

[TestFixture]
public sealed class AcpiPowerTests
{
    private static AcpiPowerInfo Info(ushort pm1a = 0x604, ushort pm1b = 0, byte a = 0, byte b = 0, bool hasS5 = true) =>
        new(pm1a, pm1b, a, b, null, 0, hasS5);

    [Test]
    public void ShutdownWritesSlpTypThenSlpEnToPm1a()
    {
        var ports = new FakePorts();
        ports.Set(0x604, 1);
        Assert.That(AcpiPower.Shutdown(Info(a: 5), ports), Is.True);
        Assert.That(ports.Writes, Is.EqualTo(new[] { ((ushort)0x604, 16, 1u | (5u << 10)), ((ushort)0x604, 16, 1u | (5u << 10) | (1u << 13)) }));
    }

    [Test]
    public void ShutdownOnQemuWritesTypeZeroWithSlpEn()
    {
        var ports = new FakePorts();
        ports.Set(0x604, 1);
        AcpiPower.Shutdown(Info(), ports);
        Assert.That(ports.Writes[^1], Is.EqualTo(((ushort)0x604, 16, 0x2001u)));
    }

    [Test]
    public void ShutdownAlsoWritesPm1bWhenPresent()
    {
        var ports = new FakePorts();
        ports.Set(0x604, 1);
        ports.Set(0x608, 1);
        AcpiPower.Shutdown(Info(pm1b: 0x608, a: 7, b: 3), ports);
        Assert.That(ports.Writes, Has.Count.EqualTo(4));
        Assert.That(ports.Get(0x604), Is.EqualTo(1u | (7u << 10) | (1u << 13)));
        Assert.That(ports.Get(0x608), Is.EqualTo(1u | (3u << 10) | (1u << 13)));
    }

    [Test]
    public void ShutdownKeepsOtherBitsAndMasksSlpTypToThreeBits()
    {
        var ports = new FakePorts();
        ports.Set(0x604, 0xFFFF);
        AcpiPower.Shutdown(Info(a: 0xFA), ports);
        Assert.That(ports.Get(0x604), Is.EqualTo((0xFFFFu & ~(7u << 10)) | (2u << 10)));
    }

    [Test]
    public void ShutdownEntersAcpiModeFirstWhenSciEnIsClear()
    {
        var ports = new FakePorts { AcpiModeSwitch = (0xB2, 0xF1, 0x604) };
        AcpiPowerInfo info = Info() with { SmiCommandPort = 0xB2, AcpiEnableValue = 0xF1 };
        Assert.That(AcpiPower.Shutdown(info, ports), Is.True);
        Assert.That(ports.Writes[0], Is.EqualTo(((ushort)0xB2, 8, 0xF1u)));
        Assert.That(ports.Writes[^1], Is.EqualTo(((ushort)0x604, 16, 0x2001u)));
    }

    [Test]
    public void ShutdownDoesNotWaitForeverForAcpiMode()
    {
        var ports = new FakePorts();
        AcpiPowerInfo info = Info() with { SmiCommandPort = 0xB2, AcpiEnableValue = 0xF1 };
        Assert.That(AcpiPower.Shutdown(info, ports), Is.True);
        Assert.That(ports.Reads, Is.LessThanOrEqualTo(AcpiPower.AcpiEnableSpinLimit + 10));
        Assert.That(ports.Get(0x604), Is.EqualTo(0x2000u));
    }

    [Test]
    public void ShutdownRefusesWithoutS5OrPm1a()
    {
        var ports = new FakePorts();
        Assert.That(AcpiPower.Shutdown(Info(hasS5: false), ports), Is.False);
        Assert.That(AcpiPower.Shutdown(Info(pm1a: 0), ports), Is.False);
        Assert.That(ports.Writes, Is.Empty);
    }

    [Test]
    public void ResetWritesTheValueToAnIoResetRegister()
    {
        var ports = new FakePorts();
        AcpiPowerInfo info = Info() with { ResetRegister = new AcpiGenericAddress(1, 8, 0, 1, 0xCF9), ResetValue = 6 };
        Assert.That(AcpiPower.Reset(info, ports), Is.True);
        Assert.That(ports.Writes, Is.EqualTo(new[] { ((ushort)0xCF9, 8, 6u) }));
    }

    [TestCase(0, 0xCF9UL)]
    [TestCase(2, 0xCF9UL)]
    [TestCase(1, 0x1_0000UL)]
    public void ResetRefusesRegistersItCannotReach(int space, ulong address)
    {
        var ports = new FakePorts();
        AcpiPowerInfo info = Info() with { ResetRegister = new AcpiGenericAddress((byte)space, 8, 0, 1, address), ResetValue = 6 };
        Assert.That(AcpiPower.Reset(info, ports), Is.False);
        Assert.That(AcpiPower.Reset(Info(), ports), Is.False);
        Assert.That(ports.Writes, Is.Empty);
    }

    [Test]
    public void ParsedQemuInfoShutsDownThroughPort0x604()
    {
        (byte[] rsdp, FakePhysicalMemory memory) = AcpiBuilder.QemuLike();
        AcpiPowerInfo info = AcpiParser.ReadPowerInfo(rsdp, memory).Info!;
        var ports = new FakePorts { AcpiModeSwitch = (0xB2, 0xF1, 0x604) };
        Assert.That(AcpiPower.Shutdown(info, ports), Is.True);
        Assert.That(ports.Get(0x604), Is.EqualTo(0x2001u));
    }
}

using System.Buffers.Binary;
using NexOS.Core.Acpi;
using static NexOS.Tests.Core.Acpi.AcpiBuilder;

namespace NexOS.Tests.Core.Acpi;

[TestFixture]
public sealed class AcpiParserTests
{
    [Test]
    public void QemuLikeMachineGivesPm1aAndS5()
    {
        (byte[] rsdp, FakePhysicalMemory memory) = QemuLike();
        AcpiParseResult result = AcpiParser.ReadPowerInfo(rsdp, memory);
        Assert.That(result.Error, Is.Null);
        AcpiPowerInfo info = result.Info!;
        Assert.Multiple(() =>
        {
            Assert.That(info.Pm1aControlPort, Is.EqualTo(0x604));
            Assert.That(info.Pm1bControlPort, Is.Zero);
            Assert.That(info.HasS5, Is.True);
            Assert.That(info.SlpTypA, Is.Zero);
            Assert.That(info.SlpTypB, Is.Zero);
            Assert.That(info.ResetRegister, Is.Null);
            Assert.That(info.SmiCommandPort, Is.EqualTo(0xB2));
            Assert.That(info.AcpiEnableValue, Is.EqualTo(0xF1));
            Assert.That(info.DsdtAddress, Is.EqualTo(DsdtAddress));
            Assert.That(result.UsedXsdt, Is.False);
            Assert.That(result.Tables, Has.Count.EqualTo(1));
            Assert.That(result.Tables[0], Is.EqualTo(new AcpiTableEntry("FACP", FadtAddress, 116, true)));
            Assert.That(result.Warnings, Is.Empty);
        });
    }

    [Test]
    public void ResetRegisterIsReadWhenFlaggedAndLongEnough()
    {
        byte[] fadt = Fadt(length: 244, revision: 3, flags: 1u << 10, reset: (1, 0xCF9), resetValue: 0x06);
        (byte[] rsdp, FakePhysicalMemory memory) = QemuLike(fadt);
        AcpiPowerInfo info = AcpiParser.ReadPowerInfo(rsdp, memory).Info!;
        Assert.That(info.ResetRegister, Is.Not.Null);
        Assert.That(info.ResetRegister!.Value.AddressSpaceId, Is.EqualTo(AcpiGenericAddress.SystemIo));
        Assert.That(info.ResetRegister.Value.Address, Is.EqualTo(0xCF9UL));
        Assert.That(info.ResetRegister.Value.IsIoPort, Is.True);
        Assert.That(info.ResetValue, Is.EqualTo(6));
        Assert.That(info.FadtRevision, Is.EqualTo(3));
    }

    [TestCase(244, 0u)]
    [TestCase(128, 1u << 10)]
    [TestCase(116, 1u << 10)]
    public void ResetRegisterIsAbsentWithoutFlagOrRoom(int length, uint flags)
    {
        byte[] fadt = Fadt(length: length, flags: flags, reset: (1, 0xCF9), resetValue: 6);
        (byte[] rsdp, FakePhysicalMemory memory) = QemuLike(fadt);
        Assert.That(AcpiParser.ReadPowerInfo(rsdp, memory).Info!.ResetRegister, Is.Null);
    }

    [Test]
    public void XDsdtIsPreferredFromRevisionTwo()
    {
        const ulong high = 0x1_0000_0000;
        byte[] fadt = Fadt(dsdt: 0xDEAD000, length: 244, revision: 2, xDsdt: high);
        (byte[] rsdp, FakePhysicalMemory memory) = QemuLike(fadt);
        memory.Map(high, Dsdt(S5(2, new byte[] { 0x0A, 0x05, 0x0A, 0x06 })));
        AcpiPowerInfo info = AcpiParser.ReadPowerInfo(rsdp, memory).Info!;
        Assert.That(info.DsdtAddress, Is.EqualTo(high));
        Assert.That((info.SlpTypA, info.SlpTypB), Is.EqualTo(((byte)5, (byte)6)));
    }

    [Test]
    public void XDsdtIsIgnoredInARevisionOneFadt()
    {
        byte[] fadt = Fadt(length: 244, revision: 1, xDsdt: 0x1_0000_0000);
        (byte[] rsdp, FakePhysicalMemory memory) = QemuLike(fadt);
        Assert.That(AcpiParser.ReadPowerInfo(rsdp, memory).Info!.DsdtAddress, Is.EqualTo(DsdtAddress));
    }

    [Test]
    public void XsdtIsWalkedWhenTheRsdpIsVersionTwo()
    {
        const ulong xsdtAddress = 0x2_0000_0000;
        const ulong fadtHigh = 0x2_0000_1000;
        var memory = new FakePhysicalMemory()
            .Map(xsdtAddress, Xsdt(0x2_0000_3000, fadtHigh))
            .Map(0x2_0000_3000, Table("APIC", new byte[8]))
            .Map(fadtHigh, Fadt(pm1a: 0x1804))
            .Map(DsdtAddress, Dsdt(QemuS5));
        AcpiParseResult result = AcpiParser.ReadPowerInfo(Rsdp(0xBAD, revision: 2, xsdt: xsdtAddress, v2Layout: true), memory);
        Assert.That(result.Error, Is.Null);
        Assert.That(result.UsedXsdt, Is.True);
        Assert.That(result.Info!.Pm1aControlPort, Is.EqualTo(0x1804));
        Assert.That(result.Tables.ConvertAll(t => t.Signature), Is.EqualTo(new[] { "APIC", "FACP" }));
    }

    [Test]
    public void BrokenXsdtFallsBackToTheRsdtWithAWarning()
    {
        byte[] xsdt = Xsdt(FadtAddress);
        xsdt[^1] ^= 0x10;
        (_, FakePhysicalMemory memory) = QemuLike();
        memory.Map(0x3000_0000, xsdt);
        AcpiParseResult result = AcpiParser.ReadPowerInfo(Rsdp((uint)RsdtAddress, revision: 2, xsdt: 0x3000_0000, v2Layout: true), memory);
        Assert.That(result.Success, Is.True, result.Error);
        Assert.That(result.UsedXsdt, Is.False);
        Assert.That(result.Warnings, Is.EqualTo(new[] { "XSDT checksum mismatch; using the RSDT" }));

        // With no usable RSDT either, the RSDT's problem is the error.
        result = AcpiParser.ReadPowerInfo(Rsdp(0, revision: 2, xsdt: 0x3000_0000, v2Layout: true), memory);
        Assert.That(result.Error, Is.EqualTo("RSDT address is zero"));
    }

    [Test]
    public void VersionTwoRsdpWithoutXsdtFallsBackToRsdt()
    {
        (_, FakePhysicalMemory memory) = QemuLike();
        AcpiParseResult result = AcpiParser.ReadPowerInfo(Rsdp((uint)RsdtAddress, revision: 2, xsdt: 0, v2Layout: true), memory);
        Assert.That(result.Success, Is.True, result.Error);
        Assert.That(result.UsedXsdt, Is.False);
    }

    [Test]
    public void VersionTwoRsdpCopiedAsTwentyBytesUsesTheRsdt()
    {
        (_, FakePhysicalMemory memory) = QemuLike();
        AcpiParseResult result = AcpiParser.ReadPowerInfo(Rsdp((uint)RsdtAddress, revision: 2), memory);
        Assert.That(result.Success, Is.True, result.Error);
        Assert.That(result.RsdpRevision, Is.EqualTo(2));
    }

    [Test]
    public void RsdtWithoutFadtIsAnError()
    {
        var memory = new FakePhysicalMemory().Map(RsdtAddress, Rsdt(0x5000)).Map(0x5000, Table("APIC", new byte[4]));
        AcpiParseResult result = AcpiParser.ReadPowerInfo(Rsdp((uint)RsdtAddress), memory);
        Assert.That(result.Error, Is.EqualTo("no FADT (FACP) listed in the RSDT"));
        Assert.That(result.Success, Is.False);
        Assert.That(result.Tables, Has.Count.EqualTo(1));
    }

    [Test]
    public void PortFieldsBeyondTheIoSpaceAreIgnoredWithAWarning()
    {
        (byte[] rsdp, FakePhysicalMemory memory) = QemuLike(Fadt(pm1a: 0x1_0000, pm1b: 0x8000_0000));
        AcpiParseResult result = AcpiParser.ReadPowerInfo(rsdp, memory);
        Assert.That(result.Info!.Pm1aControlPort, Is.Zero);
        Assert.That(result.Info.Pm1bControlPort, Is.Zero);
        Assert.That(result.Warnings, Has.Some.EqualTo("PM1a_CNT_BLK 0x10000 is not an I/O port; ignored"));
    }

    [Test]
    public void ExtendedPm1ControlBlockFillsAnEmptyLegacyField()
    {
        byte[] fadt = Fadt(pm1a: 0, length: 244, revision: 3);
        fadt[172] = AcpiGenericAddress.SystemIo;
        BinaryPrimitives.WriteUInt64LittleEndian(fadt.AsSpan(176), 0x404);
        (byte[] rsdp, FakePhysicalMemory memory) = QemuLike(FixChecksum(fadt));
        Assert.That(AcpiParser.ReadPowerInfo(rsdp, memory).Info!.Pm1aControlPort, Is.EqualTo(0x404));
    }

    [Test]
    public void DsdtProblemsOnlyClearHasS5()
    {
        byte[] badDsdt = Dsdt(QemuS5);
        badDsdt[40] ^= 1;
        string?[] expected = { "DSDT checksum mismatch", "no usable \\_S5_ package in the DSDT", "DSDT address is zero" };
        (byte[] Fadt, byte[] Dsdt)[] cases =
        {
            (Fadt(), badDsdt),
            (Fadt(), Dsdt(new byte[] { 0x08, 0x5F, 0x53, 0x34, 0x5F, 0x12, 0x03, 0x01, 0x00 })),
            (Fadt(dsdt: 0), Dsdt(QemuS5)),
        };
        for (int i = 0; i < cases.Length; i++)
        {
            (byte[] rsdp, FakePhysicalMemory memory) = QemuLike(cases[i].Fadt, cases[i].Dsdt);
            AcpiParseResult result = AcpiParser.ReadPowerInfo(rsdp, memory);
            Assert.That(result.Success, Is.True, result.Error);
            Assert.That(result.Info!.HasS5, Is.False);
            Assert.That(result.Warnings, Is.EqualTo(new[] { expected[i] }));
        }
    }
}

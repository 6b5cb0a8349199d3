using System.Buffers.Binary;
using NexOS.Core.Acpi;
using static NexOS.Tests.Core.Acpi.AcpiBuilder;

namespace NexOS.Tests.Core.Acpi;

[TestFixture]
public sealed class AcpiParserHostileTests
{
    [TestCase(0, "RSDP too short (0 bytes, need 20)")]
    [TestCase(19, "RSDP too short (19 bytes, need 20)")]
    public void ShortRsdpIsAnError(int length, string error)
    {
        Assert.That(Parse(new byte[length]).Error, Is.EqualTo(error));
    }

    [Test]
    public void RsdpSignatureAndChecksumsAreChecked()
    {
        byte[] badSignature = Rsdp((uint)RsdtAddress);
        badSignature[0] = (byte)'X';
        Assert.That(Parse(badSignature).Error, Is.EqualTo("RSDP signature mismatch"));

        byte[] badChecksum = Rsdp((uint)RsdtAddress);
        badChecksum[16] ^= 1;
        Assert.That(Parse(badChecksum).Error, Is.EqualTo("RSDP checksum mismatch"));

        byte[] badExtended = Rsdp((uint)RsdtAddress, revision: 2, xsdt: 0x1000, v2Layout: true);
        badExtended[24] ^= 1;
        Assert.That(Parse(badExtended).Error, Is.EqualTo("RSDP extended checksum mismatch"));
    }

    [TestCase(0u)]
    [TestCase(35u)]
    [TestCase(37u)]
    [TestCase(uint.MaxValue)]
    public void RsdpLengthFieldOutOfRangeIsAnError(uint length)
    {
        byte[] rsdp = Rsdp((uint)RsdtAddress, revision: 2, xsdt: 0x1000, v2Layout: true);
        BinaryPrimitives.WriteUInt32LittleEndian(rsdp.AsSpan(20), length);
        rsdp[8] = 0;
        rsdp[8] = (byte)(0 - AcpiTable.Checksum(rsdp.AsSpan(0, 20)));
        Assert.That(Parse(rsdp).Error, Is.EqualTo($"RSDP length field {length} is out of range"));
    }

    [Test]
    public void UnreadableOrZeroRsdtIsAnError()
    {
        Assert.That(AcpiParser.ReadPowerInfo(Rsdp(0x1234_5000), new FakePhysicalMemory()).Error, Is.EqualTo("RSDT header at 0x12345000 is not readable"));
        Assert.That(AcpiParser.ReadPowerInfo(Rsdp(0), new FakePhysicalMemory()).Error, Is.EqualTo("RSDT address is zero"));
    }

    [Test]
    public void RsdtWithTheWrongSignatureIsAnError()
    {
        var memory = new FakePhysicalMemory().Map(RsdtAddress, Table("XSDT", new byte[4]));
        Assert.That(AcpiParser.ReadPowerInfo(Rsdp((uint)RsdtAddress), memory).Error,
            Is.EqualTo("RSDT signature mismatch: expected \"RSDT\", found \"XSDT\""));
    }

    [TestCase(0u, "RSDT length 0 is shorter than its 36-byte header")]
    [TestCase(35u, "RSDT length 35 is shorter than its 36-byte header")]
    [TestCase(4194305u, "RSDT length 4194305 exceeds the 4194304 byte limit")]
    [TestCase(44u, "RSDT at 0x7fe0000 (44 bytes) runs past readable memory")]
    public void RsdtLengthIsChecked(uint length, string error)
    {
        byte[] rsdt = Rsdt(FadtAddress);
        BinaryPrimitives.WriteUInt32LittleEndian(rsdt.AsSpan(4), length);
        FixChecksum(rsdt);
        var memory = new FakePhysicalMemory().Map(RsdtAddress, rsdt);
        Assert.That(AcpiParser.ReadPowerInfo(Rsdp((uint)RsdtAddress), memory).Error, Is.EqualTo(error));
    }

    [Test]
    public void RsdtChecksumIsChecked()
    {
        byte[] rsdt = Rsdt(FadtAddress);
        rsdt[^1] ^= 0x40;
        var memory = new FakePhysicalMemory().Map(RsdtAddress, rsdt);
        Assert.That(AcpiParser.ReadPowerInfo(Rsdp((uint)RsdtAddress), memory).Error, Is.EqualTo("RSDT checksum mismatch"));
    }

    [Test]
    public void BrokenEntriesAreWarnedAboutAndSkipped()
    {
        byte[] badApic = Table("APIC", new byte[4]);
        badApic[37] ^= 1;
        var memory = new FakePhysicalMemory()
            .Map(RsdtAddress, Rsdt(0, 0xFFFF_F000, 0x5000, FadtAddress))
            .Map(0x5000, badApic)
            .Map(FadtAddress, Fadt())
            .Map(DsdtAddress, Dsdt(QemuS5));
        AcpiParseResult result = AcpiParser.ReadPowerInfo(Rsdp((uint)RsdtAddress), memory);
        Assert.That(result.Success, Is.True, result.Error);
        Assert.That(result.Warnings, Has.Count.EqualTo(3));
        Assert.That(result.Warnings, Has.Some.EqualTo("APIC at 0x5000 has a bad checksum"));
        Assert.That(result.Warnings, Has.Some.EqualTo("table 1 header at 0xfffff000 is not readable"));
    }

    [Test]
    public void FadtWithBadChecksumIsAnErrorUnlessAGoodOneFollows()
    {
        byte[] bad = Fadt(pm1a: 0x111);
        bad[100] ^= 1;
        var memory = new FakePhysicalMemory().Map(RsdtAddress, Rsdt(0x5000)).Map(0x5000, bad);
        Assert.That(AcpiParser.ReadPowerInfo(Rsdp((uint)RsdtAddress), memory).Error, Is.EqualTo("FADT checksum mismatch"));

        memory = new FakePhysicalMemory()
            .Map(RsdtAddress, Rsdt(0x5000, FadtAddress))
            .Map(0x5000, bad)
            .Map(FadtAddress, Fadt(pm1a: 0x604))
            .Map(DsdtAddress, Dsdt(QemuS5));
        Assert.That(AcpiParser.ReadPowerInfo(Rsdp((uint)RsdtAddress), memory).Info!.Pm1aControlPort, Is.EqualTo(0x604));
    }

    [Test]
    public void FadtTooShortIsAnError()
    {
        byte[] shortFadt = Table("FACP", new byte[30]);
        (byte[] rsdp, FakePhysicalMemory memory) = QemuLike(shortFadt);
        Assert.That(AcpiParser.ReadPowerInfo(rsdp, memory).Error, Is.EqualTo("FADT too short (66 bytes, need 72)"));
    }

    [Test]
    public void TooManyRootEntriesAreCapped()
    {
        ulong[] entries = new ulong[300];
        Array.Fill(entries, FadtAddress);
        var memory = new FakePhysicalMemory().Map(RsdtAddress, Rsdt(entries)).Map(FadtAddress, Fadt()).Map(DsdtAddress, Dsdt(QemuS5));
        AcpiParseResult result = AcpiParser.ReadPowerInfo(Rsdp((uint)RsdtAddress), memory);
        Assert.That(result.Tables, Has.Count.EqualTo(AcpiParser.MaxRootEntries));
        Assert.That(result.Warnings, Has.Some.Contains("300 tables"));
    }

    [Test]
    public void RandomCorruptionNeverThrows()
    {
        var random = new Random(4242);
        for (int round = 0; round < 3000; round++)
        {
            byte[] rsdt = Rsdt(FadtAddress, DsdtAddress);
            byte[] fadt = Fadt(length: random.Next(2) == 0 ? 116 : 244, revision: 3, flags: 1u << 10, reset: (1, 0xCF9));
            byte[] dsdt = Dsdt(S5(4, new byte[] { 0x0A, 0x05, 0x0A, 0x05, 0x00, 0x00 }, random.Next(1, 5)));
            byte[][] all = { rsdt, fadt, dsdt };
            for (int flips = random.Next(1, 6); flips > 0; flips--)
            {
                byte[] target = all[random.Next(all.Length)];
                target[random.Next(target.Length)] = (byte)random.Next(256);
                if (random.Next(3) > 0)
                {
                    FixChecksum(target);
                }
            }

            var memory = new FakePhysicalMemory().Map(RsdtAddress, rsdt).Map(FadtAddress, fadt).Map(DsdtAddress, dsdt);
            AcpiParseResult result = null!;
            Assert.DoesNotThrow(() => result = AcpiParser.ReadPowerInfo(Rsdp((uint)RsdtAddress), memory));
            Assert.That(result.Success != (result.Error != null), Is.True);
        }
    }

    private static AcpiParseResult Parse(byte[] rsdp) => AcpiParser.ReadPowerInfo(rsdp, new FakePhysicalMemory());
}

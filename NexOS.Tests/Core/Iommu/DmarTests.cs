using System.Buffers.Binary;
using NexOS.Core.Iommu;

namespace NexOS.Tests.Core.Iommu;

/// <summary>The DMAR table as QEMU's intel-iommu writes it, and hostile variants.</summary>
[TestFixture]
public sealed class DmarTests
{
    // Header (48), a DRHD for everything at 0xFED90000 with one I/O APIC scope, an RMRR for
    // 00:1d.0, and an ATSR that is skipped.
    private static byte[] Table(Action<byte[]>? damage = null)
    {
        var t = new List<byte>();
        t.AddRange("DMAR"u8.ToArray());
        t.AddRange(new byte[32]);
        t.Add(38);  // host address width - 1
        t.Add(1);   // interrupt remapping
        t.AddRange(new byte[10]);
        byte[] drhd = new byte[16 + 8];
        BinaryPrimitives.WriteUInt16LittleEndian(drhd, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(drhd.AsSpan(2), (ushort)drhd.Length);
        drhd[4] = 1;
        BinaryPrimitives.WriteUInt64LittleEndian(drhd.AsSpan(8), 0xFED9_0000);
        new byte[] { 3, 8, 0, 0, 0, 0xFF, 0, 0 }.CopyTo(drhd, 16);
        t.AddRange(drhd);
        byte[] rmrr = new byte[24 + 8];
        BinaryPrimitives.WriteUInt16LittleEndian(rmrr, 1);
        BinaryPrimitives.WriteUInt16LittleEndian(rmrr.AsSpan(2), (ushort)rmrr.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(rmrr.AsSpan(8), 0x000E_8000);
        BinaryPrimitives.WriteUInt64LittleEndian(rmrr.AsSpan(16), 0x000E_FFFF);
        new byte[] { 1, 8, 0, 0, 0, 0, 0x1D, 0 }.CopyTo(rmrr, 24);
        t.AddRange(rmrr);
        t.AddRange(new byte[] { 2, 0, 8, 0, 0, 0, 0, 0 });
        byte[] bytes = t.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)bytes.Length);
        damage?.Invoke(bytes);
        return bytes;
    }

    [Test]
    public void QemusTableParses()
    {
        Dmar d = Dmar.Parse(Table());
        Assert.That(d.Error, Is.Null);
        Assert.That(d.HostAddressWidth, Is.EqualTo(39));
        Assert.That(d.InterruptRemapping, Is.True);
        Assert.That(d.Units, Has.Count.EqualTo(1));
        Assert.That((d.Units[0].RegisterBase, d.Units[0].IncludeAll, d.Units[0].Devices.Count), Is.EqualTo((0xFED9_0000UL, true, 0)), "the I/O APIC scope names no PCI function");
        Assert.That(d.ReservedRegions, Has.Count.EqualTo(1));
        Assert.That(d.ReservedRegions[0].Devices, Is.EqualTo(new[] { new DmarDevice(0, 0x1D, 0) }));
        Assert.That(d.ReservedRegions[0].Devices[0].SourceId, Is.EqualTo(0x00E8));
    }

    [Test]
    public void AStructureRunningPastTheTableEndsTheWalkAndKeepsWhatCameBefore()
    {
        Dmar d = Dmar.Parse(Table(b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(48 + 24 + 2), 0x7FFF)));
        Assert.That(d.Units, Has.Count.EqualTo(1));
        Assert.That(d.ReservedRegions, Is.Empty);
        Assert.That(d.Error, Does.Contain("claims"));
    }

    [Test]
    public void AZeroLengthStructureDoesNotLoop()
    {
        Dmar d = Dmar.Parse(Table(b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(48 + 2), 0)));
        Assert.That(d.Units, Is.Empty);
        Assert.That(d.Error, Is.Not.Null);
    }

    [Test]
    public void AnUnalignedRegisterBaseIsRefused()
    {
        Dmar d = Dmar.Parse(Table(b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(48 + 8), 0xFED9_0800)));
        Assert.That(d.Units, Is.Empty);
        Assert.That(d.Error, Does.Contain("not a page"));
    }

    [Test]
    public void AnRmrrThatIsNotWholePagesIsRefused()
    {
        Dmar d = Dmar.Parse(Table(b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(48 + 24 + 16), 0x000E_0000)));
        Assert.That(d.ReservedRegions, Is.Empty);
        Assert.That(d.Units, Has.Count.EqualTo(1));
    }

    [TestCase(0)]
    [TestCase(47)]
    public void ShortOrForeignTablesAreRefused(int length)
    {
        Assert.That(Dmar.Parse(new byte[length]).Error, Is.Not.Null);
        Assert.That(Dmar.Parse(Table(b => b[0] = (byte)'X')).Error, Does.StartWith("not a DMAR"));
        Assert.That(Dmar.Parse(Table(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), 5000))).Error, Does.Contain("does not fit"));
    }

    [Test]
    public void RandomBytesNeverThrow()
    {
        var random = new Random(7);
        byte[] good = Table();
        for (int i = 0; i < 2000; i++)
        {
            byte[] b = (byte[])good.Clone();
            for (int flips = 0; flips < 4; flips++)
            {
                b[random.Next(4, b.Length)] = (byte)random.Next(256);
            }

            Assert.DoesNotThrow(() => Dmar.Parse(b));
        }
    }
}

using System.Buffers.Binary;
using NexOS.Storage;
using NexOS.Storage.Fat;

namespace NexOS.Tests.Storage.Fat;

[TestFixture]
public sealed class FatGeometryTests
{
    private const ulong DeviceBlocks = 140_000;

    /// <summary>A valid FAT32 boot sector: 512-byte sectors, 1 sector per cluster, 32 reserved,
    /// 2 FATs of 1075 sectors, 140000 sectors (137818 clusters), root at cluster 2.</summary>
    private static byte[] ValidSector(int sectorSize = 512)
    {
        var sector = new byte[sectorSize];
        sector[0] = 0xEB;
        BinaryPrimitives.WriteUInt16LittleEndian(sector.AsSpan(11), (ushort)sectorSize);
        sector[13] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(sector.AsSpan(14), 32);
        sector[16] = 2;
        BinaryPrimitives.WriteUInt32LittleEndian(sector.AsSpan(32), 140_000);
        BinaryPrimitives.WriteUInt32LittleEndian(sector.AsSpan(36), (uint)((140_000 * 4 / sectorSize) + 1));
        BinaryPrimitives.WriteUInt32LittleEndian(sector.AsSpan(44), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(sector.AsSpan(48), 1);
        sector[510] = 0x55;
        sector[511] = 0xAA;
        return sector;
    }

    [Test]
    public void ValidBootSectorGivesItsGeometry()
    {
        Assert.That(FatGeometry.Parse(ValidSector(), 512, DeviceBlocks, out FatGeometry geo), Is.EqualTo(StorageStatus.Ok));
        Assert.Multiple(() =>
        {
            Assert.That(geo.ClusterBytes, Is.EqualTo(512));
            Assert.That(geo.FirstDataSector, Is.EqualTo(32 + (2 * geo.FatSectors)));
            Assert.That(geo.ClusterCount, Is.EqualTo((uint)(140_000 - geo.FirstDataSector)));
            Assert.That(geo.FsInfoSector, Is.EqualTo(1));
        });
    }

    [Test]
    public void FourKilobyteSectorsAreAcceptedOnAFourKilobyteDevice()
    {
        byte[] sector = ValidSector(4096);
        Assert.That(FatGeometry.Parse(sector, 4096, DeviceBlocks, out _), Is.EqualTo(StorageStatus.Ok));
        Assert.That(FatGeometry.Parse(sector, 512, DeviceBlocks, out _), Is.EqualTo(StorageStatus.Unsupported), "sector size differs from the block size");
    }

    private static void Set16(byte[] s, int at, int v) => BinaryPrimitives.WriteUInt16LittleEndian(s.AsSpan(at), (ushort)v);

    private static void Set32(byte[] s, int at, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(s.AsSpan(at), v);

    private static IEnumerable<TestCaseData> BadFields()
    {
        yield return Case("no signature", s => s[510] = 0, StorageStatus.Unsupported);
        yield return Case("bytes per sector 1000", s => Set16(s, 11, 1000), StorageStatus.Unsupported);
        yield return Case("bytes per sector 0", s => Set16(s, 11, 0), StorageStatus.Unsupported);
        yield return Case("sectors per cluster 0", s => s[13] = 0, StorageStatus.Corrupt);
        yield return Case("sectors per cluster 3", s => s[13] = 3, StorageStatus.Corrupt);
        yield return Case("reserved 0", s => Set16(s, 14, 0), StorageStatus.Corrupt);
        yield return Case("no FAT", s => s[16] = 0, StorageStatus.Corrupt);
        yield return Case("9 FATs", s => s[16] = 9, StorageStatus.Corrupt);
        yield return Case("FAT16 root entries", s => Set16(s, 17, 512), StorageStatus.Unsupported);
        yield return Case("FAT16 FAT size", s => Set16(s, 22, 100), StorageStatus.Unsupported);
        yield return Case("FAT size 0", s => Set32(s, 36, 0), StorageStatus.Corrupt);
        yield return Case("FAT too small for the clusters", s => Set32(s, 36, 500), StorageStatus.Corrupt);
        yield return Case("FAT fills the volume", s => Set32(s, 36, 70_000), StorageStatus.Corrupt);
        yield return Case("version 1", s => Set16(s, 42, 1), StorageStatus.Unsupported);
        yield return Case("total sectors 0", s => Set32(s, 32, 0), StorageStatus.Corrupt);
        yield return Case("larger than the device", s => Set32(s, 32, (uint)DeviceBlocks + 1), StorageStatus.Corrupt);
        yield return Case("too few clusters for FAT32", s => Set32(s, 32, 60_000), StorageStatus.Corrupt);
        yield return Case("root cluster 0", s => Set32(s, 44, 0), StorageStatus.Corrupt);
        yield return Case("root cluster 1", s => Set32(s, 44, 1), StorageStatus.Corrupt);
        yield return Case("root cluster past the end", s => Set32(s, 44, 140_000), StorageStatus.Corrupt);
    }

    private static TestCaseData Case(string name, Action<byte[]> change, StorageStatus expected) =>
        new TestCaseData(change, expected).SetName("BadBootSectorField: " + name);

    [TestCaseSource(nameof(BadFields))]
    public void BadBootSectorFieldIsRefused(Action<byte[]> change, StorageStatus expected)
    {
        byte[] sector = ValidSector();
        change(sector);
        Assert.That(FatGeometry.Parse(sector, 512, DeviceBlocks, out _), Is.EqualTo(expected));
    }

    [Test]
    public void ClustersOver64KilobytesAreRefused()
    {
        byte[] sector = ValidSector(4096);
        sector[13] = 16;
        Set32(sector, 32, 16 * 70_000);
        Assert.That(FatGeometry.Parse(sector, 4096, 16 * 70_000, out FatGeometry geo), Is.EqualTo(StorageStatus.Ok), "64 KiB clusters");
        Assert.That(geo.ClusterBytes, Is.EqualTo(65536));
        sector[13] = 32;
        Set32(sector, 32, 32 * 70_000);
        Assert.That(FatGeometry.Parse(sector, 4096, 32 * 70_000, out _), Is.EqualTo(StorageStatus.Corrupt), "128 KiB clusters");
    }

    [Test]
    public void FsInfoOutsideTheReservedAreaMeansNone()
    {
        byte[] sector = ValidSector();
        Set16(sector, 48, 40);
        Assert.That(FatGeometry.Parse(sector, 512, DeviceBlocks, out FatGeometry geo), Is.EqualTo(StorageStatus.Ok));
        Assert.That(geo.FsInfoSector, Is.Zero);
    }

    [Test]
    public void MountRefusesDevicesItCannotUse()
    {
        Assert.That(FatFileSystem.Mount(new MemoryBlockDevice(new byte[0]), out _), Is.EqualTo(StorageStatus.Unsupported));
        Assert.That(FatFileSystem.Mount(new MemoryBlockDevice(new byte[512 * 100]), out _), Is.EqualTo(StorageStatus.Unsupported), "all zero: not FAT");
        var image = new byte[512 * 1000];
        ValidSector().CopyTo(image, 0);
        Assert.That(FatFileSystem.Mount(new MemoryBlockDevice(image), out FatFileSystem? fs), Is.EqualTo(StorageStatus.Corrupt), "volume larger than the device");
        Assert.That(fs, Is.Null);
    }
}

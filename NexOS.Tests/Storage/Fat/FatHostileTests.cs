using NexOS.Storage;
using NexOS.Storage.Fat;

namespace NexOS.Tests.Storage.Fat;

/// <summary>Specific damage a hostile image can carry: each operation ends (bounded in time)
/// with an error or with what could be read, and changes are refused once damage was seen.</summary>
[TestFixture]
public sealed class FatHostileTests
{
    private MemoryBlockDevice _device = null!;
    private FatFileSystem _fs = null!;

    [SetUp]
    public void SetUp()
    {
        _device = new MemoryBlockDevice(FatTestImages.SmallImage());
        _fs = FatTestImages.Mount(_device);
    }

    private FatGeometry Geo => _fs.Geometry;

    /// <summary>Writes a file of <paramref name="clusters"/> clusters, flushes, and returns its
    /// first cluster and the byte offset of its short entry in the root.</summary>
    private (uint First, long Entry) MakeFile(string name83, string padded, int clusters)
    {
        FatTestImages.WriteFile(_fs, "/" + name83, FatTestImages.Pattern(clusters * Geo.ClusterBytes, 5));
        Assert.That(_fs.Flush(), Is.EqualTo(StorageStatus.Ok));
        Assert.That(_fs.Stat("/" + name83, out FatStat stat), Is.EqualTo(StorageStatus.Ok));
        return (stat.FirstCluster, FatTestImages.FindShortEntry(_device, Geo, Geo.RootCluster, padded));
    }

    private void Remount() => _fs = FatTestImages.Mount(_device);

    [Test]
    public void ClusterChainLoopEndsWithCorrupt()
    {
        (uint first, long entry) = MakeFile("LOOP.BIN", "LOOP    BIN", 3);
        FatTestImages.PokeFat(_device, Geo, first + 2, first);
        FatTestImages.PokeUInt32(_device, entry + 28, 100 << 20);
        Remount();
        Assert.That(_fs.Open("/LOOP.BIN", FatOpenFlags.None, out int h), Is.EqualTo(StorageStatus.Ok));
        StorageStatus last = FatTestImages.Bounded(() =>
        {
            var buffer = new byte[1 << 16];
            for (ulong offset = 0; offset < (100 << 20); offset += (ulong)buffer.Length)
            {
                StorageStatus status = _fs.Read(h, offset, buffer, out _);
                if (status != StorageStatus.Ok)
                {
                    return status;
                }
            }
            return StorageStatus.Ok;
        });
        Assert.That(last, Is.EqualTo(StorageStatus.Corrupt), "a chain longer than the volume is a loop");
        Assert.That(_fs.CorruptionDetected, Is.True);
        Assert.That(_fs.CreateDirectory("/NEW"), Is.EqualTo(StorageStatus.Corrupt), "changes are refused after damage");
    }

    [Test]
    public void FreeingALoopedChainEnds()
    {
        (uint first, _) = MakeFile("LOOP.BIN", "LOOP    BIN", 3);
        FatTestImages.PokeFat(_device, Geo, first + 2, first);
        Remount();
        Assert.That(FatTestImages.Bounded(() => _fs.Delete("/LOOP.BIN")), Is.EqualTo(StorageStatus.Corrupt));
    }

    [TestCase(0u, TestName = "ChainThroughAFreeCluster")]
    [TestCase(1u, TestName = "ChainThroughReservedCluster1")]
    [TestCase(0x0FFFFFF7u, TestName = "ChainThroughABadCluster")]
    [TestCase(0x0FFFFFF0u, TestName = "ChainOutOfTheVolume")]
    public void BrokenLinkReadsUpToTheDamage(uint link)
    {
        (uint first, _) = MakeFile("LINK.BIN", "LINK    BIN", 3);
        FatTestImages.PokeFat(_device, Geo, first, link);
        Remount();
        Assert.That(_fs.Open("/LINK.BIN", FatOpenFlags.None, out int h), Is.EqualTo(StorageStatus.Ok));
        var buffer = new byte[3 * Geo.ClusterBytes];
        Assert.That(_fs.Read(h, 0, buffer, out int read), Is.EqualTo(StorageStatus.Corrupt));
        Assert.That(read, Is.EqualTo(Geo.ClusterBytes), "the first cluster was still read");
    }

    [Test]
    public void SizeLargerThanTheChainReadsWhatExists()
    {
        (_, long entry) = MakeFile("SIZE.BIN", "SIZE    BIN", 3);
        FatTestImages.PokeUInt32(_device, entry + 28, (uint)(10 * Geo.ClusterBytes));
        Remount();
        Assert.That(_fs.Open("/SIZE.BIN", FatOpenFlags.None, out int h), Is.EqualTo(StorageStatus.Ok));
        var buffer = new byte[10 * Geo.ClusterBytes];
        Assert.That(_fs.Read(h, 0, buffer, out int read), Is.EqualTo(StorageStatus.Corrupt));
        Assert.That(read, Is.EqualTo(3 * Geo.ClusterBytes));
        Assert.That(buffer.AsSpan(0, read).ToArray(), Is.EqualTo(FatTestImages.Pattern(3 * Geo.ClusterBytes, 5)));
    }

    [TestCase(0x0FFFFFF0u)]
    [TestCase(1u)]
    public void FirstClusterOutOfRangeIsCorrupt(uint cluster)
    {
        (_, long entry) = MakeFile("BAD.BIN", "BAD     BIN", 1);
        _device.Poke(entry + 20, (byte)(cluster >> 16));
        _device.Poke(entry + 21, (byte)(cluster >> 24));
        _device.Poke(entry + 26, (byte)cluster);
        _device.Poke(entry + 27, (byte)(cluster >> 8));
        Remount();
        Assert.That(_fs.Stat("/BAD.BIN", out _), Is.EqualTo(StorageStatus.Ok), "the entry itself is readable");
        Assert.That(_fs.Open("/BAD.BIN", FatOpenFlags.None, out _), Is.EqualTo(StorageStatus.Corrupt));
    }

    [Test]
    public void EmptyFileWithASizeIsCorruptOnRead()
    {
        (_, long entry) = MakeFile("ZERO.BIN", "ZERO    BIN", 1);
        for (int i = 20; i < 28; i++)
        {
            if (i is 20 or 21 or 26 or 27)
            {
                _device.Poke(entry + i, 0);
            }
        }
        Remount();
        Assert.That(_fs.Open("/ZERO.BIN", FatOpenFlags.None, out int h), Is.EqualTo(StorageStatus.Ok));
        Assert.That(_fs.Read(h, 0, new byte[16], out _), Is.EqualTo(StorageStatus.Corrupt));
    }

    [Test]
    public void DirectoryThatContainsItselfStaysBounded()
    {
        Assert.That(_fs.CreateDirectory("/LOOPDIR"), Is.EqualTo(StorageStatus.Ok));
        Assert.That(_fs.CreateDirectory("/LOOPDIR/SELF"), Is.EqualTo(StorageStatus.Ok));
        Assert.That(_fs.Flush(), Is.EqualTo(StorageStatus.Ok));
        Assert.That(_fs.Stat("/LOOPDIR", out FatStat loop), Is.EqualTo(StorageStatus.Ok));
        long entry = FatTestImages.FindShortEntry(_device, Geo, loop.FirstCluster, "SELF       ");
        _device.Poke(entry + 26, (byte)loop.FirstCluster);
        _device.Poke(entry + 27, (byte)(loop.FirstCluster >> 8));
        Remount();
        Assert.That(_fs.Stat("/LOOPDIR/SELF/SELF/SELF/SELF/SELF", out FatStat deep), Is.EqualTo(StorageStatus.Ok));
        Assert.That(deep.FirstCluster, Is.EqualTo(loop.FirstCluster));
        Assert.That(_fs.RemoveDirectory("/LOOPDIR"), Is.EqualTo(StorageStatus.NotEmpty));
        Assert.That(_fs.Rename("/LOOPDIR", "/LOOPDIR/SELF/INNER"), Is.EqualTo(StorageStatus.BadArgument));
        Assert.That(FatTestImages.List(_fs, "/LOOPDIR/SELF/SELF"), Has.Count.EqualTo(1));
    }

    [Test]
    public void DotDotLoopEndsWhenCheckingAMove()
    {
        _fs.CreateDirectory("/A");
        _fs.CreateDirectory("/A/B");
        _fs.CreateDirectory("/C");
        _fs.Flush();
        _fs.Stat("/A/B", out FatStat b);
        long start = ((long)Geo.FirstDataSector + ((b.FirstCluster - 2) * Geo.SectorsPerCluster)) * Geo.BytesPerSector;
        _device.Poke(start + 32 + 26, (byte)b.FirstCluster);
        _device.Poke(start + 32 + 27, (byte)(b.FirstCluster >> 8));
        Remount();
        Assert.That(FatTestImages.Bounded(() => _fs.Rename("/C", "/A/B/C")), Is.EqualTo(StorageStatus.Corrupt));
    }

    [Test]
    public void DirectoryChainLoopStaysBounded()
    {
        // The root's first cluster holds the label and 15 entries; linking it to itself makes
        // a directory with no end marker and no end of chain.
        int perCluster = Geo.ClusterBytes / 32;
        for (int i = 1; i < perCluster; i++)
        {
            FatTestImages.WriteFile(_fs, $"/F{i:D2}", []);
        }
        _fs.Flush();
        FatTestImages.PokeFat(_device, Geo, Geo.RootCluster, Geo.RootCluster);
        Remount();
        Assert.That(FatTestImages.Bounded(() => _fs.Stat("/NOPE", out _)), Is.EqualTo(StorageStatus.NotFound));
        Assert.That(FatTestImages.Bounded(() => _fs.Open("/NEW", FatOpenFlags.Create, out _)), Is.EqualTo(StorageStatus.NoSpace));
        Assert.That(FatTestImages.Bounded(() => FatTestImages.List(_fs, "/").Count), Is.LessThanOrEqualTo(65536));
    }

    [Test]
    public void BadFsInfoHintsAreIgnored()
    {
        _device.Poke((512 * 1) + 488 + 3, 0x7F);
        _device.Poke((512 * 1) + 492 + 3, 0x7F);
        Remount();
        Assert.That(_fs.GetSpace(out _, out ulong free), Is.EqualTo(StorageStatus.Ok));
        Assert.That(free, Is.EqualTo((ulong)(Geo.ClusterCount - 1) * 512), "counted from the FAT (the root takes one cluster)");
        FatTestImages.WriteFile(_fs, "/after", [1, 2, 3]);
        Assert.That(FatTestImages.ReadFile(_fs, "/after"), Is.EqualTo(new byte[] { 1, 2, 3 }));
    }
}

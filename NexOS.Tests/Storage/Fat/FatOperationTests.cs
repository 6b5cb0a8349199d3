using NexOS.Storage;
using NexOS.Storage.Fat;

namespace NexOS.Tests.Storage.Fat;

[TestFixture]
public sealed class FatOperationTests
{
    private MemoryBlockDevice _device = null!;
    private FatFileSystem _fs = null!;

    [SetUp]
    public void SetUp()
    {
        _device = new MemoryBlockDevice(FatTestImages.SmallImage());
        _fs = FatTestImages.Mount(_device);
    }

    private FatFileSystem Remount()
    {
        Assert.That(_fs.Flush(), Is.EqualTo(StorageStatus.Ok));
        _fs = FatTestImages.Mount(_device);
        return _fs;
    }

    [Test]
    public void FilesOfEdgeSizesReadBackAfterRemount()
    {
        int[] sizes = [0, 1, 511, 512, 513, 5 * 512 + 7, 70_000];
        foreach (int size in sizes)
        {
            FatTestImages.WriteFile(_fs, $"/file {size} with a long name.bin", FatTestImages.Pattern(size, size));
        }
        Remount();
        foreach (int size in sizes)
        {
            Assert.That(FatTestImages.ReadFile(_fs, $"/FILE {size} WITH A LONG NAME.BIN"), Is.EqualTo(FatTestImages.Pattern(size, size)));
        }
    }

    [Test]
    public void WritePastTheEndZeroFillsTheGapAndTruncateCutsAndGrows()
    {
        Assert.That(_fs.Open("/gap.bin", FatOpenFlags.Create | FatOpenFlags.Write, out int h), Is.EqualTo(StorageStatus.Ok));
        Assert.That(_fs.Write(h, 0, new byte[] { 1, 2, 3 }, out _), Is.EqualTo(StorageStatus.Ok));
        Assert.That(_fs.Write(h, 2000, new byte[] { 9 }, out _), Is.EqualTo(StorageStatus.Ok));
        var expected = new byte[2001];
        expected[0] = 1;
        expected[1] = 2;
        expected[2] = 3;
        expected[2000] = 9;
        Assert.That(FatTestImages.ReadFile(_fs, "/gap.bin"), Is.EqualTo(expected));
        Assert.That(_fs.Truncate(h, 1), Is.EqualTo(StorageStatus.Ok));
        Assert.That(_fs.Truncate(h, 1500), Is.EqualTo(StorageStatus.Ok));
        var grown = new byte[1500];
        grown[0] = 1;
        Assert.That(FatTestImages.ReadFile(_fs, "/gap.bin"), Is.EqualTo(grown), "bytes past the old end read as zero");
        _fs.Close(h);
    }

    [Test]
    public void TruncateAndDeleteGiveTheClustersBack()
    {
        Assert.That(_fs.GetSpace(out ulong total, out ulong free0), Is.EqualTo(StorageStatus.Ok));
        Assert.That(total, Is.EqualTo((ulong)_fs.Geometry.ClusterCount * 512));
        FatTestImages.WriteFile(_fs, "/big.bin", FatTestImages.Pattern(10 * 512, 1));
        _fs.GetSpace(out _, out ulong free1);
        Assert.That(free0 - free1, Is.EqualTo(10UL * 512));
        Assert.That(_fs.Open("/big.bin", FatOpenFlags.Write, out int h), Is.EqualTo(StorageStatus.Ok));
        Assert.That(_fs.Truncate(h, 1025), Is.EqualTo(StorageStatus.Ok));
        _fs.GetSpace(out _, out ulong free2);
        Assert.That(free0 - free2, Is.EqualTo(3UL * 512));
        Assert.That(_fs.Delete("/big.bin"), Is.EqualTo(StorageStatus.InUse));
        _fs.Close(h);
        Assert.That(_fs.Delete("/big.bin"), Is.EqualTo(StorageStatus.Ok));
        _fs.GetSpace(out _, out ulong free3);
        Assert.That(free3, Is.EqualTo(free0));
        Remount().GetSpace(out _, out ulong free4);
        Assert.That(free4, Is.EqualTo(free0), "FSInfo carries the count across a remount");
    }

    [Test]
    public void DirectoriesNestRemoveOnlyWhenEmptyAndListLongNames()
    {
        Assert.That(_fs.CreateDirectory("/Projects"), Is.EqualTo(StorageStatus.Ok));
        Assert.That(_fs.CreateDirectory("/Projects/A rather long directory name"), Is.EqualTo(StorageStatus.Ok));
        Assert.That(_fs.CreateDirectory("/projects"), Is.EqualTo(StorageStatus.Exists), "lookup ignores case");
        FatTestImages.WriteFile(_fs, "/Projects/A rather long directory name/notes.txt", [1, 2]);
        Assert.That(_fs.RemoveDirectory("/Projects"), Is.EqualTo(StorageStatus.NotEmpty));
        Assert.That(_fs.RemoveDirectory("/Projects/a RATHER long directory name/notes.txt"), Is.EqualTo(StorageStatus.NotADirectory));
        Assert.That(_fs.Delete("/Projects"), Is.EqualTo(StorageStatus.IsADirectory));
        Remount();
        List<(string Name, FatStat Stat)> list = FatTestImages.List(_fs, "/Projects");
        Assert.That(list.ConvertAll(e => e.Name), Is.EqualTo(new[] { "A rather long directory name" }));
        Assert.That(list[0].Stat.IsDirectory, Is.True);
        List<(string Name, FatStat Stat)> inner = FatTestImages.List(_fs, "/Projects/A rather long directory name");
        Assert.That(inner.ConvertAll(e => e.Name), Is.EqualTo(new[] { "notes.txt" }), "a lower-case 8.3 name keeps its case");
        Assert.That(inner[0].Stat.Size, Is.EqualTo(2));
        Assert.That(_fs.Delete("/Projects/A rather long directory name/NOTES.TXT"), Is.EqualTo(StorageStatus.Ok));
        Assert.That(_fs.RemoveDirectory("/Projects/A rather long directory name"), Is.EqualTo(StorageStatus.Ok));
        Assert.That(_fs.RemoveDirectory("/Projects"), Is.EqualTo(StorageStatus.Ok));
        Assert.That(FatTestImages.List(_fs, "/"), Is.Empty);
    }

    [Test]
    public void ShortAliasesAreUniqueAndFindTheFile()
    {
        for (int i = 0; i < 12; i++)
        {
            FatTestImages.WriteFile(_fs, $"/Long Name Number {i}.text", [(byte)i]);
        }
        Assert.That(_fs.Stat("/LONGNA~1.TEX", out FatStat first), Is.EqualTo(StorageStatus.Ok));
        Assert.That(_fs.Stat("/LONGNA~9.TEX", out _), Is.EqualTo(StorageStatus.Ok));
        Assert.That(_fs.Stat("/LONGN~10.TEX", out _), Is.EqualTo(StorageStatus.Ok));
        Assert.That(FatTestImages.ReadFile(_fs, "/LONGNA~1.TEX"), Is.EqualTo(new byte[] { 0 }));
        Assert.That(first.Size, Is.EqualTo(1));
    }

    [Test]
    public void DirectoryGrowsPastOneClusterAndReusesDeletedSlots()
    {
        Assert.That(_fs.CreateDirectory("/many"), Is.EqualTo(StorageStatus.Ok));
        for (int i = 0; i < 100; i++)
        {
            FatTestImages.WriteFile(_fs, $"/many/entry with a long name {i:D3}", []);
        }
        Remount();
        Assert.That(FatTestImages.List(_fs, "/many"), Has.Count.EqualTo(100));
        _fs.GetSpace(out _, out ulong before);
        for (int i = 0; i < 50; i++)
        {
            Assert.That(_fs.Delete($"/many/entry with a long name {i:D3}"), Is.EqualTo(StorageStatus.Ok));
        }
        for (int i = 0; i < 50; i++)
        {
            FatTestImages.WriteFile(_fs, $"/many/another long name {i:D3}", []);
        }
        _fs.GetSpace(out _, out ulong after);
        Assert.That(after, Is.EqualTo(before), "new entries went into the freed slots, the directory did not grow");
        Assert.That(FatTestImages.List(_fs, "/many"), Has.Count.EqualTo(100));
    }

    [Test]
    public void RenameMovesFilesAndDirectoriesAndReplacesFiles()
    {
        _fs.CreateDirectory("/a");
        _fs.CreateDirectory("/a/sub");
        _fs.CreateDirectory("/b");
        FatTestImages.WriteFile(_fs, "/a/sub/data.bin", [7, 7, 7]);
        FatTestImages.WriteFile(_fs, "/old", [1]);
        Assert.That(_fs.Rename("/a/sub", "/b/Moved Sub"), Is.EqualTo(StorageStatus.Ok));
        Assert.That(_fs.Rename("/b", "/b/Moved Sub/x"), Is.EqualTo(StorageStatus.BadArgument), "into its own subtree");
        Assert.That(_fs.Rename("/b", "/b"), Is.EqualTo(StorageStatus.Ok), "renaming to itself changes nothing");
        Assert.That(FatTestImages.ReadFile(_fs, "/b/moved sub/data.bin"), Is.EqualTo(new byte[] { 7, 7, 7 }));
        Assert.That(_fs.Stat("/a/sub", out _), Is.EqualTo(StorageStatus.NotFound));
        Assert.That(_fs.Rename("/old", "/b/Moved Sub/data.bin"), Is.EqualTo(StorageStatus.Ok));
        Assert.That(FatTestImages.ReadFile(_fs, "/b/Moved Sub/data.bin"), Is.EqualTo(new byte[] { 1 }));
        Assert.That(_fs.Rename("/b/Moved Sub/data.bin", "/b/Moved Sub/DATA.bin"), Is.EqualTo(StorageStatus.Ok));
        Assert.That(FatTestImages.List(_fs, "/b/Moved Sub").ConvertAll(e => e.Name), Is.EqualTo(new[] { "DATA.bin" }));
        FatTestImages.WriteFile(_fs, "/a/keep", [2]);
        Assert.That(_fs.Rename("/b/Moved Sub", "/a"), Is.EqualTo(StorageStatus.NotEmpty));
        Assert.That(_fs.CreateDirectory("/empty"), Is.EqualTo(StorageStatus.Ok));
        Assert.That(_fs.Rename("/b/Moved Sub", "/empty"), Is.EqualTo(StorageStatus.Ok), "an empty directory is replaced");
        Assert.That(FatTestImages.ReadFile(_fs, "/empty/DATA.bin"), Is.EqualTo(new byte[] { 1 }));
        Assert.That(_fs.Rename("/empty/DATA.bin", "/a"), Is.EqualTo(StorageStatus.IsADirectory));
        Assert.That(_fs.Rename("/empty", "/a/keep"), Is.EqualTo(StorageStatus.NotADirectory));
        Assert.That(_fs.Rename("/", "/c"), Is.EqualTo(StorageStatus.BadArgument));
    }

    [TestCase("")]
    [TestCase("/")]
    [TestCase("/.")]
    [TestCase("/..")]
    [TestCase("/a*b")]
    [TestCase("/a?b")]
    [TestCase("/a:b")]
    [TestCase("/a<b")]
    [TestCase("/a|b")]
    [TestCase("/a\"b")]
    [TestCase("/a\\b")]
    [TestCase("/trailing.")]
    [TestCase("/trailing ")]
    [TestCase("/tab\tname")]
    public void BadNamesAreRefused(string path)
    {
        Assert.That(_fs.Open(path, FatOpenFlags.Create | FatOpenFlags.Write, out _), Is.EqualTo(StorageStatus.BadName));
        Assert.That(_fs.CreateDirectory(path), Is.EqualTo(StorageStatus.BadName));
    }

    [Test]
    public void NameLengthLimitIs255()
    {
        string longest = "/" + new string('n', 255);
        FatTestImages.WriteFile(_fs, longest, [5]);
        Assert.That(FatTestImages.List(_fs, "/")[0].Name, Is.EqualTo(longest[1..]));
        Assert.That(_fs.Open("/" + new string('n', 256), FatOpenFlags.Create, out _), Is.EqualTo(StorageStatus.BadName));
        Assert.That(_fs.Stat("/" + new string('x', 5000), out _), Is.EqualTo(StorageStatus.BadName));
    }

    [Test]
    public void OpenFlagsAreHonoured()
    {
        Assert.That(_fs.Open("/none", FatOpenFlags.None, out _), Is.EqualTo(StorageStatus.NotFound));
        FatTestImages.WriteFile(_fs, "/f", [1, 2, 3]);
        Assert.That(_fs.Open("/f", FatOpenFlags.Create | FatOpenFlags.Exclusive, out _), Is.EqualTo(StorageStatus.Exists));
        Assert.That(_fs.Open("/f", FatOpenFlags.None, out int reader), Is.EqualTo(StorageStatus.Ok));
        Assert.That(_fs.Write(reader, 0, [1], out _), Is.EqualTo(StorageStatus.ReadOnly));
        Assert.That(_fs.Open("/f/x", FatOpenFlags.None, out _), Is.EqualTo(StorageStatus.NotADirectory));
        Assert.That(_fs.Open("/", FatOpenFlags.None, out _), Is.EqualTo(StorageStatus.BadName));
        _fs.CreateDirectory("/d");
        Assert.That(_fs.Open("/d", FatOpenFlags.None, out _), Is.EqualTo(StorageStatus.IsADirectory));
        Assert.That(_fs.Open("/f", FatOpenFlags.Truncate, out int writer), Is.EqualTo(StorageStatus.Ok));
        Assert.That(_fs.GetSize(reader, out ulong size), Is.EqualTo(StorageStatus.Ok));
        Assert.That(size, Is.Zero, "both handles see the truncation");
        Assert.That(_fs.Close(writer), Is.EqualTo(StorageStatus.Ok));
        Assert.That(_fs.Close(writer), Is.EqualTo(StorageStatus.BadArgument));
        Assert.That(_fs.Read(-1, 0, new byte[4], out _), Is.EqualTo(StorageStatus.BadArgument));
        Assert.That(_fs.Write(reader + 1000, 0, new byte[4], out _), Is.EqualTo(StorageStatus.BadArgument));
    }

    [Test]
    public void HandleTableHasALimit()
    {
        FatTestImages.WriteFile(_fs, "/f", [1]);
        for (int i = 0; i < FatFileSystem.MaxOpenFiles; i++)
        {
            Assert.That(_fs.Open("/f", FatOpenFlags.None, out _), Is.EqualTo(StorageStatus.Ok));
        }
        Assert.That(_fs.Open("/f", FatOpenFlags.None, out _), Is.EqualTo(StorageStatus.LimitReached));
    }

    [Test]
    public void ReadOnlyDeviceRefusesChangesButReads()
    {
        FatTestImages.WriteFile(_fs, "/f", [4, 2]);
        _fs.Flush();
        var device = new MemoryBlockDevice(FatTestImages.SmallImage(), readOnly: true);
        byte[] image = new byte[_device.BlockCount * 512];
        _device.Read(0, image);
        _fs = FatTestImages.Mount(new MemoryBlockDevice(image, readOnly: true));
        Assert.That(_fs.IsReadOnly, Is.True);
        Assert.That(FatTestImages.ReadFile(_fs, "/f"), Is.EqualTo(new byte[] { 4, 2 }));
        Assert.That(_fs.Open("/g", FatOpenFlags.Create, out _), Is.EqualTo(StorageStatus.ReadOnly));
        Assert.That(_fs.CreateDirectory("/d"), Is.EqualTo(StorageStatus.ReadOnly));
        Assert.That(_fs.Delete("/f"), Is.EqualTo(StorageStatus.ReadOnly));
        Assert.That(_fs.Rename("/f", "/g"), Is.EqualTo(StorageStatus.ReadOnly));
        Assert.That(device.Writes, Is.Zero);
    }

    [Test]
    public void FullVolumeGivesNoSpaceAndKeepsWhatFit()
    {
        _fs.GetSpace(out _, out ulong free);
        Assert.That(_fs.Open("/fill", FatOpenFlags.Create | FatOpenFlags.Write, out int h), Is.EqualTo(StorageStatus.Ok));
        var chunk = new byte[1 << 20];
        ulong offset = 0;
        StorageStatus status = StorageStatus.Ok;
        for (int i = 0; i < 64 && status == StorageStatus.Ok; i++)
        {
            status = _fs.Write(h, offset, chunk, out int written);
            offset += (ulong)written;
        }
        Assert.That(status, Is.EqualTo(StorageStatus.NoSpace));
        Assert.That(offset, Is.EqualTo(free));
        Assert.That(_fs.CreateDirectory("/d"), Is.EqualTo(StorageStatus.NoSpace));
        Assert.That(_fs.Truncate(h, 0), Is.EqualTo(StorageStatus.Ok));
        Assert.That(_fs.CreateDirectory("/d"), Is.EqualTo(StorageStatus.Ok));
    }

    [Test]
    public void ContiguousClustersMoveInOneRequest()
    {
        FatTestImages.WriteFile(_fs, "/warm", [1]);
        byte[] data = FatTestImages.Pattern(64 * 1024, 9);
        long before = _device.Requests;
        FatTestImages.WriteFile(_fs, "/big", data);
        Assert.That(_device.Requests - before, Is.LessThanOrEqualTo(4), "128 free clusters in a row are written at once");
        Assert.That(_fs.Flush(), Is.EqualTo(StorageStatus.Ok));
        before = _device.Requests;
        Assert.That(FatTestImages.ReadFile(_fs, "/big"), Is.EqualTo(data));
        Assert.That(_device.Requests - before, Is.LessThanOrEqualTo(4));
    }

    [Test]
    public void CreateWriteCloseDeleteIsCheap()
    {
        FatTestImages.WriteFile(_fs, "/warm", [1]);
        Assert.That(_fs.Flush(), Is.EqualTo(StorageStatus.Ok));
        long reads = _device.Reads;
        long writes = _device.Writes;
        byte[] data = FatTestImages.Pattern(4096, 3);
        for (int i = 0; i < 10; i++)
        {
            FatTestImages.WriteFile(_fs, "/bench file.dat", data);
            Assert.That(_fs.Delete("/bench file.dat"), Is.EqualTo(StorageStatus.Ok));
        }
        Assert.That(_fs.Flush(), Is.EqualTo(StorageStatus.Ok));
        // 8 data sectors per round; metadata stays in the cache until the flush (2 FAT copies,
        // one directory sector, FSInfo).
        Assert.That(_device.Writes - writes, Is.LessThanOrEqualTo((10 * 8) + 6));
        Assert.That(_device.Reads - reads, Is.LessThanOrEqualTo(4), "FAT and directory sectors stay cached");
    }
}

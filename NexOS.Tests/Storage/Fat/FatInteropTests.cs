using System.IO;
using NexOS.Storage;
using NexOS.Storage.Fat;

namespace NexOS.Tests.Storage.Fat;

/// <summary>Both directions against the host tools: images made by mkfs.fat and filled by
/// mtools read back byte-exact; after the library's changes fsck.fat finds nothing and
/// mtools reads every file and lists every name.</summary>
[TestFixture]
public sealed class FatInteropTests
{
    private const string Deep = "/Top Level Directory/Second level dir/third";

    private static readonly (string Path, int Size)[] s_files =
    [
        ("/empty.bin", 0),
        ("/one byte.txt", 1),
        ("/A Long File Name With Spaces.dat", 511),
        ("/X512.BIN", 512),
        ("/Top Level Directory/five hundred thirteen.bin", 513),
        ("/Top Level Directory/Second level dir/several clusters.bin", 20_000),
        (Deep + "/megabyte file.bin", 1 << 20),
    ];

    [TestCase(64, 1, 512)]
    [TestCase(300, 8, 512)]
    [TestCase(300, 1, 4096)]
    public void MtoolsImageReadsBackAndLibraryChangesPassFsck(int megabytes, int sectorsPerCluster, int sectorSize)
    {
        using var temp = new HostTools.TempDir();
        string image = temp.File("vol.img");
        HostTools.Format(image, megabytes, sectorsPerCluster, sectorSize);
        HostTools.Require("mmd", "-i", image, "::/Top Level Directory", "::/Top Level Directory/Second level dir", "::" + Deep);
        var expected = new Dictionary<string, byte[]>();
        foreach ((string path, int size) in s_files)
        {
            byte[] data = FatTestImages.Pattern(size, size + 1);
            string host = temp.File("in" + expected.Count);
            File.WriteAllBytes(host, data);
            HostTools.Require("mcopy", "-i", image, host, "::" + path);
            expected[path] = data;
        }

        using (var device = new FileBlockDevice(image, sectorSize))
        {
            FatFileSystem fs = FatTestImages.Mount(device);
            foreach ((string path, byte[] data) in expected)
            {
                Assert.That(FatTestImages.ReadFile(fs, path), Is.EqualTo(data), path);
                Assert.That(fs.Stat(path.ToUpperInvariant(), out FatStat stat), Is.EqualTo(StorageStatus.Ok));
                Assert.That(stat.Size, Is.EqualTo(data.Length));
            }
            List<string> root = FatTestImages.List(fs, "/").ConvertAll(e => e.Name);
            Assert.That(root, Is.EquivalentTo(new[] { "empty.bin", "one byte.txt", "A Long File Name With Spaces.dat", "X512.BIN", "Top Level Directory" }));

            ChangeThroughLibrary(fs, expected);
            Assert.That(fs.Flush(), Is.EqualTo(StorageStatus.Ok));
        }

        (int code, string report) = HostTools.Run("/usr/sbin/fsck.fat", "-n", image);
        Assert.That(code, Is.Zero, report);
        string listing = HostTools.Require("mdir", "-i", image, "-/", "-b", "-a", "::");
        int index = 0;
        foreach ((string path, byte[] data) in expected)
        {
            Assert.That(listing, Does.Contain("::" + path + "\n"), "mdir lists " + path);
            string host = temp.File("out" + index++);
            HostTools.Require("mcopy", "-i", image, "::" + path, host);
            Assert.That(File.ReadAllBytes(host), Is.EqualTo(data), "mcopy reads " + path);
        }
        Assert.That(listing, Does.Not.Contain("empty.bin"));
        Assert.That(listing, Does.Contain("::/Directory Made By NexOS/Moved Second Level/third/\n"));
    }

    private static void ChangeThroughLibrary(FatFileSystem fs, Dictionary<string, byte[]> expected)
    {
        byte[] created = FatTestImages.Pattern(5000, 77);
        FatTestImages.WriteFile(fs, "/Top Level Directory/Created by NexOS with a long name.txt", created);
        expected["/Top Level Directory/Created by NexOS with a long name.txt"] = created;
        FatTestImages.WriteFile(fs, "/SHORT.TXT", [65, 66]);
        expected["/SHORT.TXT"] = [65, 66];

        Assert.That(fs.CreateDirectory("/Directory Made By NexOS"), Is.EqualTo(StorageStatus.Ok));
        Assert.That(fs.CreateDirectory("/Directory Made By NexOS/nested"), Is.EqualTo(StorageStatus.Ok));
        Assert.That(fs.CreateDirectory("/scratch dir"), Is.EqualTo(StorageStatus.Ok));
        Assert.That(fs.RemoveDirectory("/scratch dir"), Is.EqualTo(StorageStatus.Ok));

        Assert.That(fs.Rename("/X512.BIN", "/Directory Made By NexOS/nested/Moved 512 file.bin"), Is.EqualTo(StorageStatus.Ok));
        expected["/Directory Made By NexOS/nested/Moved 512 file.bin"] = expected["/X512.BIN"];
        expected.Remove("/X512.BIN");

        // Moving a directory with content to another parent rewrites its "..".
        Assert.That(fs.Rename("/Top Level Directory/Second level dir", "/Directory Made By NexOS/Moved Second Level"), Is.EqualTo(StorageStatus.Ok));
        foreach (string key in new List<string>(expected.Keys))
        {
            if (key.StartsWith("/Top Level Directory/Second level dir/", StringComparison.Ordinal))
            {
                expected["/Directory Made By NexOS/Moved Second Level/" + key["/Top Level Directory/Second level dir/".Length..]] = expected[key];
                expected.Remove(key);
            }
        }
        Assert.That(fs.Rename("/one byte.txt", "/one byte renamed in place.txt"), Is.EqualTo(StorageStatus.Ok));
        expected["/one byte renamed in place.txt"] = expected["/one byte.txt"];
        expected.Remove("/one byte.txt");

        string mega = "/Directory Made By NexOS/Moved Second Level/third/megabyte file.bin";
        Assert.That(fs.Open(mega, FatOpenFlags.Write, out int h), Is.EqualTo(StorageStatus.Ok));
        Assert.That(fs.Truncate(h, 700), Is.EqualTo(StorageStatus.Ok));
        Assert.That(fs.Write(h, 100, new byte[] { 1, 2, 3 }, out _), Is.EqualTo(StorageStatus.Ok));
        Assert.That(fs.Write(h, 3000, new byte[] { 9 }, out _), Is.EqualTo(StorageStatus.Ok));
        fs.Close(h);
        byte[] cut = new byte[3001];
        expected[mega].AsSpan(0, 700).CopyTo(cut);
        cut[100] = 1;
        cut[101] = 2;
        cut[102] = 3;
        cut[3000] = 9;
        expected[mega] = cut;

        Assert.That(fs.Delete("/empty.bin"), Is.EqualTo(StorageStatus.Ok));
        expected.Remove("/empty.bin");
        Assert.That(fs.Delete("/A Long File Name With Spaces.dat"), Is.EqualTo(StorageStatus.Ok));
        expected.Remove("/A Long File Name With Spaces.dat");
        for (int i = 0; i < 40; i++)
        {
            byte[] small = FatTestImages.Pattern(i * 37, i);
            string path = $"/Directory Made By NexOS/nested/generated file number {i}.bin";
            FatTestImages.WriteFile(fs, path, small);
            expected[path] = small;
        }
    }

    [Test]
    public void VolumeInsideAnMbrPartitionMounts()
    {
        byte[] volume = FatTestImages.SharedSmallImage;
        const int start = 2048;
        var disk = new byte[(start * 512) + volume.Length + (64 * 512)];
        volume.CopyTo(disk, start * 512);
        disk[446 + 16 + 4] = 0x0C;
        BitConverter.TryWriteBytes(disk.AsSpan(446 + 16 + 8), (uint)start);
        BitConverter.TryWriteBytes(disk.AsSpan(446 + 16 + 12), (uint)(volume.Length / 512));
        disk[510] = 0x55;
        disk[511] = 0xAA;
        var device = new MemoryBlockDevice(disk);
        Assert.That(FatFileSystem.Mount(device, out _), Is.Not.EqualTo(StorageStatus.Ok), "block 0 is an MBR, not a boot sector");
        Assert.That(MbrPartitions.FindFat32(device, out ulong first, out ulong count), Is.EqualTo(StorageStatus.Ok));
        Assert.That(first, Is.EqualTo(start));
        Assert.That(count, Is.EqualTo((ulong)(volume.Length / 512)));
        Assert.That(FatFileSystem.MountVolumeOrPartition(device, out FatFileSystem? fs), Is.EqualTo(StorageStatus.Ok));
        FatTestImages.WriteFile(fs!, "/in partition", [3]);
        Assert.That(fs!.Flush(), Is.EqualTo(StorageStatus.Ok));
        Assert.That(disk.AsSpan(0, start * 512).IndexOfAnyExcept((byte)0), Is.EqualTo(446 + 16 + 4), "nothing before the partition changed but the table");

        // A partition that runs past the disk is not offered.
        BitConverter.TryWriteBytes(disk.AsSpan(446 + 16 + 12), (uint)(disk.Length / 512));
        Assert.That(MbrPartitions.FindFat32(device, out _, out _), Is.EqualTo(StorageStatus.NotFound));
        var window = new OffsetBlockDevice(device, 10, 5);
        Assert.That(window.Read(5, new byte[512]), Is.EqualTo(StorageStatus.BadArgument));
        Assert.That(window.Read(4, new byte[512]), Is.EqualTo(StorageStatus.Ok));
        Assert.That(window.Write(3, new byte[1024]), Is.EqualTo(StorageStatus.Ok));
        Assert.That(window.Write(4, new byte[1024]), Is.EqualTo(StorageStatus.BadArgument));
    }
}

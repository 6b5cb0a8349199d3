using System.IO;
using System.Threading.Tasks;
using NexOS.Storage;
using NexOS.Storage.Fat;

namespace NexOS.Tests.Storage.Fat;

/// <summary>Formatted images shared by the tests (made once with mkfs.fat, copied per test)
/// and small helpers to drive a mounted volume.</summary>
internal static class FatTestImages
{
    private static readonly Lazy<byte[]> s_small = new(() => MakeImage(34, 1));

    /// <summary>A fresh copy of an empty 34 MiB FAT32 volume with 512-byte clusters.</summary>
    public static byte[] SmallImage() => (byte[])s_small.Value.Clone();

    /// <summary>The shared empty image itself (callers must not change it).</summary>
    public static byte[] SharedSmallImage => s_small.Value;

    private static byte[] MakeImage(int megabytes, int sectorsPerCluster)
    {
        using var temp = new HostTools.TempDir();
        string path = temp.File("base.img");
        HostTools.Format(path, megabytes, sectorsPerCluster);
        return File.ReadAllBytes(path);
    }

    public static FatFileSystem Mount(IBlockDevice device)
    {
        StorageStatus status = FatFileSystem.Mount(device, out FatFileSystem? fs);
        Assert.That(status, Is.EqualTo(StorageStatus.Ok));
        return fs!;
    }

    public static byte[] Pattern(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static void WriteFile(FatFileSystem fs, string path, byte[] data)
    {
        Assert.That(fs.Open(path, FatOpenFlags.Create | FatOpenFlags.Truncate | FatOpenFlags.Write, out int handle), Is.EqualTo(StorageStatus.Ok), path);
        Assert.That(fs.Write(handle, 0, data, out int written), Is.EqualTo(StorageStatus.Ok), path);
        Assert.That(written, Is.EqualTo(data.Length));
        Assert.That(fs.Close(handle), Is.EqualTo(StorageStatus.Ok));
    }

    public static byte[] ReadFile(FatFileSystem fs, string path)
    {
        Assert.That(fs.Open(path, FatOpenFlags.None, out int handle), Is.EqualTo(StorageStatus.Ok), path);
        Assert.That(fs.GetSize(handle, out ulong size), Is.EqualTo(StorageStatus.Ok));
        var data = new byte[size];
        Assert.That(fs.Read(handle, 0, data, out int read), Is.EqualTo(StorageStatus.Ok), path);
        Assert.That(read, Is.EqualTo(data.Length));
        fs.Close(handle);
        return data;
    }

    public static List<(string Name, FatStat Stat)> List(FatFileSystem fs, string path)
    {
        Assert.That(fs.OpenDirectory(path, out uint id), Is.EqualTo(StorageStatus.Ok), path);
        var result = new List<(string, FatStat)>();
        var name = new char[FatNames.MaxLongName];
        int cookie = 0;
        for (int guard = 0; guard < 100_000; guard++)
        {
            Assert.That(fs.ReadDirectory(id, ref cookie, name, out int length, out FatStat stat, out bool end), Is.EqualTo(StorageStatus.Ok));
            if (end)
            {
                return result;
            }
            result.Add((new string(name, 0, length), stat));
        }
        Assert.Fail("directory listing did not end");
        return result;
    }

    /// <summary>The byte offset of the short entry named <paramref name="shortName"/> (11 bytes,
    /// padded) in the first cluster of directory <paramref name="dirCluster"/>.</summary>
    public static long FindShortEntry(MemoryBlockDevice device, FatGeometry geo, uint dirCluster, string shortName)
    {
        long start = ((long)geo.FirstDataSector + ((long)(dirCluster - 2) * geo.SectorsPerCluster)) * geo.BytesPerSector;
        for (long offset = start; offset < start + geo.ClusterBytes; offset += 32)
        {
            bool match = true;
            for (int i = 0; i < 11 && match; i++)
            {
                match = device.Peek(offset + i) == shortName[i];
            }
            if (match)
            {
                return offset;
            }
        }
        Assert.Fail($"no entry {shortName}");
        return -1;
    }

    public static void PokeUInt32(MemoryBlockDevice device, long offset, uint value)
    {
        for (int i = 0; i < 4; i++)
        {
            device.Poke(offset + i, (byte)(value >> (8 * i)));
        }
    }

    /// <summary>Sets FAT entry <paramref name="cluster"/> in every FAT copy.</summary>
    public static void PokeFat(MemoryBlockDevice device, FatGeometry geo, uint cluster, uint value)
    {
        for (int copy = 0; copy < geo.FatCount; copy++)
        {
            long fat = ((long)geo.ReservedSectors + ((long)copy * geo.FatSectors)) * geo.BytesPerSector;
            PokeUInt32(device, fat + (cluster * 4L), value);
        }
    }

    /// <summary>Runs <paramref name="action"/> on a worker and fails the test when it has not
    /// ended within <paramref name="milliseconds"/> (a hang in the code under test).</summary>
    public static T Bounded<T>(Func<T> action, int milliseconds = 10_000)
    {
        Task<T> task = Task.Run(action);
        Assert.That(task.Wait(milliseconds), Is.True, "the operation did not end in time");
        return task.Result;
    }
}

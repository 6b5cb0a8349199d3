using System.Diagnostics;
using NexOS.Storage;
using NexOS.Storage.Fat;

namespace NexOS.Tests.Storage.Fat;

/// <summary>Seeded fuzzing: a small populated volume gets random bit and byte changes in its
/// boot sector, FSInfo, FATs and directories, then is mounted, walked, read and changed.
/// Nothing may throw, every case must end quickly, and every result must be a status.</summary>
[TestFixture]
public sealed class FatFuzzTests
{
    private const int Cases = 3000;
    private static readonly Lazy<(byte[] Image, long[] Sectors)> s_base = new(MakeBase);

    private static (byte[] Image, long[] Sectors) MakeBase()
    {
        byte[] image = FatTestImages.SmallImage();
        var device = new MemoryBlockDevice(image);
        FatFileSystem fs = FatTestImages.Mount(device);
        fs.CreateDirectory("/docs");
        fs.CreateDirectory("/docs/A Long Directory Name");
        fs.CreateDirectory("/docs/A Long Directory Name/deeper");
        FatTestImages.WriteFile(fs, "/README.TXT", FatTestImages.Pattern(700, 1));
        FatTestImages.WriteFile(fs, "/docs/notes with a long name.md", FatTestImages.Pattern(3000, 2));
        FatTestImages.WriteFile(fs, "/docs/A Long Directory Name/data.bin", FatTestImages.Pattern(9000, 3));
        FatTestImages.WriteFile(fs, "/docs/A Long Directory Name/deeper/empty", []);
        for (int i = 0; i < 20; i++)
        {
            FatTestImages.WriteFile(fs, $"/docs/generated entry {i}.txt", FatTestImages.Pattern(i * 50, i));
        }
        Assert.That(fs.Flush(), Is.EqualTo(StorageStatus.Ok));
        FatGeometry geo = fs.Geometry;
        var sectors = new List<long> { 0, geo.FsInfoSector };
        for (int copy = 0; copy < geo.FatCount; copy++)
        {
            long fat = geo.ReservedSectors + ((long)copy * geo.FatSectors);
            sectors.Add(fat);
            sectors.Add(fat + 1);
        }
        // The first clusters hold the root, the directories and the files made above.
        for (long c = 0; c < 80; c++)
        {
            sectors.Add((long)geo.FirstDataSector + c);
        }
        return (image, sectors.ToArray());
    }

    [TestCase(false, TestName = "RandomDamageNeverThrowsOrHangs")]
    [TestCase(true, TestName = "RandomBootSectorDamageNeverThrowsOrHangs")]
    public void RandomDamageNeverThrowsOrHangs(bool bootSectorOnly)
    {
        (byte[] image, long[] sectors) = s_base.Value;
        var outcomes = new Dictionary<StorageStatus, int>();
        var stopwatch = new Stopwatch();
        long slowest = 0;
        FatTestImages.Bounded(() =>
        {
            for (int seed = 0; seed < Cases; seed++)
            {
                var random = new Random(seed);
                var device = new MemoryBlockDevice(image, copyOnWrite: true);
                int flips = random.Next(1, 9);
                for (int i = 0; i < flips; i++)
                {
                    long offset = bootSectorOnly ? random.Next(11, 64) : (sectors[random.Next(sectors.Length)] * 512) + random.Next(512);
                    byte old = device.Peek(offset);
                    device.Poke(offset, random.Next(2) == 0 ? (byte)(old ^ (1 << random.Next(8))) : (byte)random.Next(256));
                }
                stopwatch.Restart();
                StorageStatus result;
                try
                {
                    result = Exercise(device);
                }
                catch (Exception e)
                {
                    Assert.Fail($"seed {seed}: {e}");
                    return 0;
                }
                slowest = Math.Max(slowest, stopwatch.ElapsedMilliseconds);
                outcomes[result] = outcomes.GetValueOrDefault(result) + 1;
            }
            return 0;
        }, 120_000);
        TestContext.Out.WriteLine($"slowest case {slowest} ms; outcomes: {string.Join(", ", outcomes)}");
        Assert.That(slowest, Is.LessThan(2000));
        Assert.That(outcomes.GetValueOrDefault(StorageStatus.Ok), Is.GreaterThan(Cases / 20), "some damage still mounts");
        Assert.That(outcomes.GetValueOrDefault(StorageStatus.Corrupt), Is.GreaterThan(Cases / 100), "damage is noticed");
    }

    /// <summary>Mounts, walks every directory (depth-limited: directories may contain themselves),
    /// reads each file (up to 64 KiB: sizes may be damaged), then makes changes. Returns the
    /// first status that was not Ok (or Ok).</summary>
    private static StorageStatus Exercise(MemoryBlockDevice device)
    {
        StorageStatus status = FatFileSystem.Mount(device, out FatFileSystem? fs);
        if (status != StorageStatus.Ok)
        {
            Assert.That(fs, Is.Null);
            return status;
        }
        StorageStatus first = StorageStatus.Ok;
        int budget = 400;
        Walk(fs!, "/", 0, ref budget, ref first);
        first = Note(first, fs!.GetSpace(out _, out _));
        first = Note(first, fs.Open("/fuzz new file.txt", FatOpenFlags.Create | FatOpenFlags.Write, out int h));
        if (h >= 0)
        {
            first = Note(first, fs.Write(h, 10, new byte[1500], out _));
            first = Note(first, fs.Truncate(h, 100));
            first = Note(first, fs.Close(h));
        }
        first = Note(first, fs.CreateDirectory("/docs/fuzz dir"));
        first = Note(first, fs.Rename("/README.TXT", "/docs/fuzz dir/readme moved.txt"));
        first = Note(first, fs.Rename("/docs/A Long Directory Name", "/moved dir"));
        first = Note(first, fs.Delete("/docs/notes with a long name.md"));
        first = Note(first, fs.Delete("/moved dir/deeper/empty"));
        first = Note(first, fs.RemoveDirectory("/moved dir/deeper"));
        first = Note(first, fs.Flush());
        return first;
    }

    private static StorageStatus Note(StorageStatus first, StorageStatus next) => first != StorageStatus.Ok ? first : next;

    private static void Walk(FatFileSystem fs, string path, int depth, ref int budget, ref StorageStatus first)
    {
        StorageStatus status = fs.OpenDirectory(path, out uint id);
        if (status != StorageStatus.Ok || depth > 6)
        {
            first = Note(first, status);
            return;
        }
        var name = new char[FatNames.MaxLongName];
        var buffer = new byte[4096];
        int cookie = 0;
        while (budget-- > 0)
        {
            status = fs.ReadDirectory(id, ref cookie, name, out int length, out FatStat stat, out bool end);
            if (status != StorageStatus.Ok || end)
            {
                first = Note(first, status);
                return;
            }
            string child = (path == "/" ? "/" : path + "/") + new string(name, 0, length);
            first = Note(first, fs.Stat(child, out _));
            if (stat.IsDirectory)
            {
                Walk(fs, child, depth + 1, ref budget, ref first);
                continue;
            }
            status = fs.Open(child, FatOpenFlags.None, out int h);
            first = Note(first, status);
            if (status != StorageStatus.Ok)
            {
                continue;
            }
            for (ulong offset = 0; offset < Math.Min(stat.Size, 65536UL); offset += (ulong)buffer.Length)
            {
                status = fs.Read(h, offset, buffer, out _);
                first = Note(first, status);
                if (status != StorageStatus.Ok)
                {
                    break;
                }
            }
            fs.Close(h);
        }
    }
}

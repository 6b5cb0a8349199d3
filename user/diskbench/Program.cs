using NexOS.Abi;
using NexOS.Storage;
using NexOS.UserLib;

namespace NexOS.Programs.DiskBench;

/// <summary>
/// The storage benchmarks, the same as Linux's bench/linux/disk.c on the same disk layout: an
/// MBR whose first partition holds the FAT32 file system the file-system service mounts, and
/// free space after it (from the partition's end rounded up to 1 MiB to the disk's end). The
/// shell's `diskbench` starts it with the disk driver's endpoint (slot 1, send and grant) and
/// a file-system endpoint of its own (slot 2). The raw figures use the first 32 MiB of the
/// free space through the block protocol, which has no cache; nothing inside the partition is
/// written. Figures (one JSON line each, per operation, each sample timed alone):
///   disk_seq_write, disk_flush: 512 writes of 64 KiB in order, then one Flush
///   disk_seq_read: 512 reads of 64 KiB over the same 32 MiB
///   disk_rand_read_qd1: 2000 reads of 4 KiB at random 4 KiB-aligned offsets
///   disk_rand_read_qd32: 200 batches of 32 such reads, each one ReadBatch call that the
///     driver keeps in flight together; a sample is the batch's time over 32
///   file_cycle: 1000 cycles of create, write 4 KiB, close and delete of an upper-case 8.3
///     name at the file system's root; then one sync
/// A failing call prints the figure's error line and the program goes on to the next figure.
/// It ends with `diskbench: done`; exit code 0, or 1 when some figure failed.
/// </summary>
public static class Program
{
    private const int DiskSlot = 1;
    private const int FilesSlot = 2;
    private const ulong Mib = 1024 * 1024;
    private const ulong Region = 32 * Mib;
    private const int SeqBytes = 64 * 1024;
    private const int RandomBytes = 4096;
    private const int RandomCalls = 2000;
    private const int Depth = BlockProtocol.MaxBatch;
    private const int Batches = 200;
    private const int FileCycles = 1000;

    private static readonly string[] s_rawNames = ["disk_seq_write", "disk_flush", "disk_seq_read", "disk_rand_read_qd1", "disk_rand_read_qd32"];
    private static ulong s_random = 0x9E3779B97F4A7C15;
    private static int s_failed;

    public static int Main()
    {
        RemoteDisk? disk = RemoteDisk.Connect(DiskSlot, out string reason);
        string? why = disk == null ? reason : FindRegion(disk, out ulong first) ?? Raw(disk, first);
        if (why != null)
        {
            foreach (string name in s_rawNames)
            {
                Print(BenchSamples.Error(name, why));
            }
        }

        FileCycle(new FileClient(FilesSlot));
        Log.WriteLine("diskbench: done");
        return s_failed == 0 ? 0 : 1;
    }

    /// <summary>The first block of the free region after the first partition; null, or why
    /// there is none.</summary>
    private static string? FindRegion(RemoteDisk disk, out ulong firstBlock)
    {
        firstBlock = 0;
        byte[] mbr = new byte[disk.BlockSize];
        if (disk.Read(0, mbr) != StorageStatus.Ok)
        {
            return "cannot read the MBR";
        }

        if (mbr[510] != 0x55 || mbr[511] != 0xAA)
        {
            return "no MBR on the disk";
        }

        // A file system that starts at sector 0 (the whole-disk image of ./nexos run) ends its
        // boot sector with the same signature, and its boot code lies where the partition
        // table would: taking that for a table could point the writes into the file system.
        bool fatBootSector = mbr[0] is 0xEB or 0xE9
            && (mbr.AsSpan(82, 3).SequenceEqual("FAT"u8) || mbr.AsSpan(54, 3).SequenceEqual("FAT"u8));
        if (fatBootSector)
        {
            return "the disk is one file system from its first sector, with no room outside it";
        }

        ReadOnlySpan<byte> entry = mbr.AsSpan(446, 16);
        ulong start = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(entry[8..]);
        ulong count = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(entry[12..]);
        if (entry[0] is not (0x00 or 0x80) || entry[4] == 0 || start == 0 || count == 0 || start + count > disk.BlockCount * (ulong)disk.BlockSize / 512)
        {
            return "no first partition in the MBR";
        }

        ulong size = disk.BlockCount * (ulong)disk.BlockSize;
        ulong first = ((start + count) * 512 + Mib - 1) / Mib * Mib;
        if (first > size || size - first < Region)
        {
            return "less than 32 MiB after the partition";
        }

        firstBlock = first / (ulong)disk.BlockSize;
        return null;
    }

    private static string? Raw(RemoteDisk disk, ulong first)
    {
        byte[] buffer = new byte[Depth * RandomBytes];
        Array.Fill(buffer, (byte)0xA5);
        int seqCalls = (int)(Region / SeqBytes);
        if (Timed("disk_seq_write", disk, first, buffer.AsSpan(0, SeqBytes), seqCalls, write: true, random: false))
        {
            var flush = new BenchSamples(1);
            ulong start = Time.MonotonicNs;
            StorageStatus flushed = disk.Flush();
            flush.Add(Time.MonotonicNs - start);
            Print(flushed == StorageStatus.Ok ? flush.Json("disk_flush") : BenchSamples.Error("disk_flush", FileClient.Describe(flushed)));
        }
        else
        {
            Print(BenchSamples.Error("disk_flush", "no writes to flush"));
        }

        Timed("disk_seq_read", disk, first, buffer.AsSpan(0, SeqBytes), seqCalls, write: false, random: false);
        Timed("disk_rand_read_qd1", disk, first, buffer.AsSpan(0, RandomBytes), RandomCalls, write: false, random: true);
        RandomBatches(disk, first, buffer);
        return null;
    }

    /// <summary>Calls of one buffer each, timed alone, in order from the region's start or at
    /// random blocks of it. True when every call succeeded.</summary>
    private static bool Timed(string name, RemoteDisk disk, ulong first, Span<byte> buffer, int calls, bool write, bool random)
    {
        var samples = new BenchSamples(calls);
        ulong perCall = (ulong)(buffer.Length / disk.BlockSize);
        for (int i = 0; i < calls; i++)
        {
            ulong block = first + (random ? RandomBlock(disk) : (ulong)i * perCall);
            ulong start = Time.MonotonicNs;
            StorageStatus status = write ? disk.Write(block, buffer) : disk.Read(block, buffer);
            samples.Add(Time.MonotonicNs - start);
            if (status != StorageStatus.Ok)
            {
                Print(BenchSamples.Error(name, (write ? "write: " : "read: ") + FileClient.Describe(status)));
                return false;
            }
        }

        Print(samples.Json(name));
        return true;
    }

    private static void RandomBatches(RemoteDisk disk, ulong first, byte[] buffer)
    {
        var samples = new BenchSamples(Batches, Depth);
        ulong[] blocks = new ulong[Depth];
        for (int b = 0; b < Batches; b++)
        {
            for (int i = 0; i < Depth; i++)
            {
                blocks[i] = first + RandomBlock(disk);
            }

            ulong start = Time.MonotonicNs;
            StorageStatus status = disk.ReadBatch(blocks, buffer);
            samples.Add(Time.MonotonicNs - start);
            if (status != StorageStatus.Ok)
            {
                Print(BenchSamples.Error("disk_rand_read_qd32", "read batch: " + FileClient.Describe(status)));
                return;
            }
        }

        Print(samples.Json("disk_rand_read_qd32"));
    }

    /// <summary>A random 4 KiB-aligned offset in the region, as a block number: xorshift64 with
    /// disk.c's seed, so both systems read the same blocks.</summary>
    private static ulong RandomBlock(RemoteDisk disk)
    {
        s_random ^= s_random << 13;
        s_random ^= s_random >> 7;
        s_random ^= s_random << 17;
        return s_random % (Region / RandomBytes) * RandomBytes / (ulong)disk.BlockSize;
    }

    private static void FileCycle(FileClient files)
    {
        byte[] data = new byte[4096];
        Array.Fill(data, (byte)0x5A);
        var samples = new BenchSamples(FileCycles);
        for (int i = 0; i < FileCycles; i++)
        {
            string path = "/C" + i.ToString().PadLeft(7, '0') + ".BIN";
            ulong start = Time.MonotonicNs;
            string? failed = OneCycle(files, path, data, out StorageStatus status);
            samples.Add(Time.MonotonicNs - start);
            if (failed != null)
            {
                _ = files.Sync();
                Print(BenchSamples.Error("file_cycle", failed + ": " + FileClient.Describe(status)));
                return;
            }
        }

        _ = files.Sync();
        Print(samples.Json("file_cycle"));
    }

    private static string? OneCycle(FileClient files, string path, byte[] data, out StorageStatus status)
    {
        status = files.Open(path, FileProtocol.OpenFlags.Write | FileProtocol.OpenFlags.Create | FileProtocol.OpenFlags.Truncate, out int fd);
        if (status != StorageStatus.Ok)
        {
            return "open";
        }

        status = files.Write(fd, data, out int written);
        status = status == StorageStatus.Ok && written != data.Length ? StorageStatus.IoError : status;
        StorageStatus closed = files.Close(fd);
        if (status != StorageStatus.Ok)
        {
            _ = files.Delete(path);
            return "write";
        }

        status = closed;
        if (status != StorageStatus.Ok)
        {
            return "close";
        }

        status = files.Delete(path);
        return status != StorageStatus.Ok ? "unlink" : null;
    }

    private static void Print(string line)
    {
        s_failed += line.Contains("\"error\"") ? 1 : 0;
        Log.WriteLine(line);
    }
}

using NexOS.Abi;
using NexOS.Storage;
using NexOS.Storage.Block;
using NexOS.Storage.Fat;
using NexOS.Storage.Vfs;
using NexOS.UserLib;

namespace NexOS.Programs.Fs;

/// <summary>
/// The file-system service (docs/services.md). Slot 1 is the `disk` endpoint the first disk's
/// driver serves, slot 2 the receive side of `files`, slot 3 the device manager's endpoint
/// without the grant right (enough to ask which disks there are), slots 4-6 the `disk1` to
/// `disk3` endpoints of further disks. It asks the manager first, since a call to a disk
/// nobody serves would wait for ever; it mounts the FAT volume on each disk (whole disk or
/// first MBR partition) through the block layer (a write-back cache over the deadline I/O
/// scheduler, one per disk): the first at `/`, each other at `/diskN` (N its endpoint's
/// number; the directory is made on the root volume when missing), and then serves the file protocol
/// (NexOS.Abi.FileProtocol). Without a disk, or with one it cannot mount, it says so and
/// serves anyway: every path is NotFound, and nothing persists.
/// </summary>
public static class Program
{
    private const int FilesSlot = 2;
    private const int DevicesSlot = 3;
    private static readonly int[] s_diskSlots = [1, 4, 5, 6];
    private const int CacheBlocks = 2048;
    private const int ReadAheadBlocks = 16;
    private const int DiskWaitPolls = 200;
    private const ulong DiskWaitPollNs = 50_000_000;

    public static int Main()
    {
        var vfs = new VirtualFileSystem();
        var metrics = new BlockMetrics(new NexOS.Core.Metrics.MetricsRegistry(), "disk");
        var mounts = new List<(string Path, IFileSystem FileSystem, string Description)>();
        string? problem = Mount(vfs, metrics, mounts);
        Log.WriteLine(problem == null ? $"fs: mounted {mounts[0].Description} at /" : $"fs: {problem}; nothing will persist");
        var server = new FileServer(vfs, mounts, metrics);
        SyscallStatus ended = server.Run(FilesSlot);
        Log.WriteLine($"fs: serving ended (status {(int)ended})");
        return 1;
    }

    private static string? Mount(VirtualFileSystem vfs, BlockMetrics metrics, List<(string, IFileSystem, string)> mounts)
    {
        // Ask until the disk drivers serve, or none is left starting: a driver may still be
        // setting its device up, or find no disk on it.
        Message disks = default;
        SyscallStatus asked = SyscallStatus.Ok;
        for (int i = 0; i < DiskWaitPolls; i++)
        {
            disks = new Message { Label = DeviceProtocol.Disks };
            asked = Ipc.Call(DevicesSlot, ref disks);
            if (asked != SyscallStatus.Ok || disks.Label != 0 || disks.W1 == 0)
            {
                break;
            }

            _ = Time.Sleep(DiskWaitPollNs);
        }

        if (asked != SyscallStatus.Ok || disks.Label != 0 || disks.W0 == 0)
        {
            return asked != SyscallStatus.Ok ? $"the device manager did not answer (status {(int)asked})"
                : disks.W1 != 0 ? "the disk driver did not get ready in 10 s" : "no disk";
        }

        string? first = null;
        for (int index = 0; index < s_diskSlots.Length; index++)
        {
            if ((disks.W2 & (1UL << index)) == 0)
            {
                continue;
            }

            // The first disk with a volume is the root; the others are mounted on a directory
            // of it named after their endpoint, made when missing, as a mount point is.
            string path = mounts.Count == 0 ? "/" : $"/disk{index}";
            string? problem = MountDisk(vfs, metrics, mounts, s_diskSlots[index], path);
            first ??= problem;
            if (problem != null && mounts.Count > 0)
            {
                Log.WriteLine($"fs: disk{index}: {problem}");
            }
        }

        if (mounts.Count > 1)
        {
            for (int i = 1; i < mounts.Count; i++)
            {
                Log.WriteLine($"fs: mounted {mounts[i].Item3} at {mounts[i].Item1}");
            }
        }

        return mounts.Count > 0 ? null : first;
    }

    private static string? MountDisk(VirtualFileSystem vfs, BlockMetrics metrics, List<(string, IFileSystem, string)> mounts, int slot, string path)
    {
        RemoteDisk? disk = RemoteDisk.Connect(slot, out string reason);
        if (disk == null)
        {
            return reason;
        }

        var scheduler = new IoScheduler(disk, new DeadlineIoPolicy(), new MonotonicClock(), metrics: metrics);
        var cache = new BlockCache(scheduler, CacheBlocks, ReadAheadBlocks, metrics);
        StorageStatus status = FatFileSystem.MountVolumeOrPartition(cache, out FatFileSystem? fat);
        if (status != StorageStatus.Ok)
        {
            return $"the disk holds no FAT volume NexOS can mount ({status})";
        }

        if (path != "/")
        {
            StorageStatus made = vfs.CreateDirectory(path);
            if (made != StorageStatus.Ok && made != StorageStatus.Exists)
            {
                return $"{path} cannot be made on the root volume ({made})";
            }
        }

        status = vfs.Mounts.Mount(path, fat!);
        if (status != StorageStatus.Ok)
        {
            return $"mounting failed ({status})";
        }

        ulong mib = disk.BlockCount * (ulong)disk.BlockSize >> 20;
        string which = path == "/" ? "the disk" : path[1..];
        mounts.Add((path, fat!, $"fat32 on {which} ({mib} MiB{(fat!.IsReadOnly ? ", read-only" : "")})"));
        return null;
    }

    private sealed class MonotonicClock : IClock
    {
        public ulong NowNanoseconds => Time.MonotonicNs;
    }
}

using NexOS.Abi;
using NexOS.Storage;
using NexOS.Storage.Block;
using NexOS.Storage.Fat;
using NexOS.Storage.Vfs;
using NexOS.UserLib;

namespace NexOS.Programs.Fs;

/// <summary>
/// The file-system service (docs/services.md). Slot 1 is the `disk` endpoint a disk driver
/// serves, slot 2 the receive side of `files`, slot 3 the device manager's endpoint without
/// the grant right (enough to ask how many disks there are). It asks the manager first, since
/// a call to a disk nobody serves would wait for ever; with a disk it mounts the FAT volume on
/// it (whole disk or first MBR partition) at `/` through the block layer (a write-back cache
/// over the deadline I/O scheduler), and then serves the file protocol
/// (NexOS.Abi.FileProtocol). Without a disk, or with one it cannot mount, it says so and
/// serves anyway: every path is NotFound, and nothing persists.
/// </summary>
public static class Program
{
    private const int DiskSlot = 1;
    private const int FilesSlot = 2;
    private const int DevicesSlot = 3;
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
        // Ask until a disk driver serves, or none is left starting: a driver may still be
        // setting its device up, or find no disk on it.
        Message disks = default;
        SyscallStatus asked = SyscallStatus.Ok;
        for (int i = 0; i < DiskWaitPolls; i++)
        {
            disks = new Message { Label = DeviceProtocol.Disks };
            asked = Ipc.Call(DevicesSlot, ref disks);
            if (asked != SyscallStatus.Ok || disks.Label != 0 || disks.W0 != 0 || disks.W1 == 0)
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

        RemoteDisk? disk = RemoteDisk.Connect(DiskSlot, out string reason);
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

        status = vfs.Mounts.Mount("/", fat!);
        if (status != StorageStatus.Ok)
        {
            return $"mounting failed ({status})";
        }

        ulong mib = disk.BlockCount * (ulong)disk.BlockSize >> 20;
        mounts.Add(("/", fat!, $"fat32 on the disk ({mib} MiB{(fat!.IsReadOnly ? ", read-only" : "")})"));
        return null;
    }

    private sealed class MonotonicClock : IClock
    {
        public ulong NowNanoseconds => Time.MonotonicNs;
    }
}

using NexOS.Storage.Vfs;

namespace NexOS.Storage.Fat;

/// <summary>The FAT volume behind the VFS: the interface methods map onto the FAT ones.</summary>
public sealed partial class FatFileSystem : IFileSystem
{
    /// <inheritdoc/>
    StorageStatus IFileSystem.Stat(ReadOnlySpan<char> path, out VfsStat stat)
    {
        StorageStatus status = Stat(path, out FatStat fat);
        stat = new VfsStat { Size = fat.Size, IsDirectory = fat.IsDirectory, WriteDate = fat.WriteDate, WriteTime = fat.WriteTime };
        return status;
    }

    /// <inheritdoc/>
    StorageStatus IFileSystem.Open(ReadOnlySpan<char> path, VfsOpenFlags flags, out int handle) =>
        Open(path, (FatOpenFlags)(int)flags, out handle);
}

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
    StorageStatus IFileSystem.ReadDirectory(ReadOnlySpan<char> path, ref int cookie, Span<char> name, out int nameLength, out VfsStat stat, out bool end)
    {
        nameLength = 0;
        stat = default;
        end = false;
        StorageStatus status = OpenDirectory(path, out uint directory);
        if (status == StorageStatus.Ok)
        {
            status = ReadDirectory(directory, ref cookie, name, out nameLength, out FatStat fat, out end);
            stat = new VfsStat { Size = fat.Size, IsDirectory = fat.IsDirectory, WriteDate = fat.WriteDate, WriteTime = fat.WriteTime };
        }

        return status;
    }

    /// <inheritdoc/>
    StorageStatus IFileSystem.Open(ReadOnlySpan<char> path, VfsOpenFlags flags, out int handle) =>
        Open(path, (FatOpenFlags)(int)flags, out handle);
}

namespace NexOS.Storage.Vfs;

/// <summary>What the VFS reports about a file or directory.</summary>
public struct VfsStat
{
    /// <summary>Bytes in the file (0 for directories).</summary>
    public ulong Size;

    /// <summary>True for a directory.</summary>
    public bool IsDirectory;

    /// <summary>Last write date in FAT format (year-1980, month, day), 0 when unknown.</summary>
    public ushort WriteDate;

    /// <summary>Last write time in FAT format (hours, minutes, seconds/2), 0 when unknown.</summary>
    public ushort WriteTime;
}

/// <summary>How a file is opened; the values match the FAT driver's flags.</summary>
[Flags]
public enum VfsOpenFlags
{
    /// <summary>Open an existing file for reading.</summary>
    None = 0,

    /// <summary>Allow writes.</summary>
    Write = 1,

    /// <summary>Create the file when missing.</summary>
    Create = 2,

    /// <summary>With Create: Exists when the file is there.</summary>
    Exclusive = 4,

    /// <summary>Cut the file to 0 bytes.</summary>
    Truncate = 8,
}

/// <summary>A mounted file system as the VFS calls it. Paths are relative to the file system's
/// root, '/'-separated and already normalised (no "." or ".." components). Every method returns
/// a status and never throws; handles are the file system's own small integers.</summary>
public interface IFileSystem
{
    /// <summary>Stat of a path ("" or "/" is the root).</summary>
    StorageStatus Stat(ReadOnlySpan<char> path, out VfsStat stat);

    /// <summary>Opens or creates a file; LimitReached when the file system has no free handle.</summary>
    StorageStatus Open(ReadOnlySpan<char> path, VfsOpenFlags flags, out int handle);

    /// <summary>Reads from an offset; 0 bytes at the end.</summary>
    StorageStatus Read(int handle, ulong offset, Span<byte> buffer, out int read);

    /// <summary>Writes at an offset, growing the file (gaps read as zeros).</summary>
    StorageStatus Write(int handle, ulong offset, ReadOnlySpan<byte> data, out int written);

    /// <summary>Sets a file's size.</summary>
    StorageStatus Truncate(int handle, ulong size);

    /// <summary>The size of an open file.</summary>
    StorageStatus GetSize(int handle, out ulong size);

    /// <summary>Releases a handle.</summary>
    StorageStatus Close(int handle);

    /// <summary>Creates a directory.</summary>
    StorageStatus CreateDirectory(ReadOnlySpan<char> path);

    /// <summary>Removes a file.</summary>
    StorageStatus Delete(ReadOnlySpan<char> path);

    /// <summary>Removes an empty directory.</summary>
    StorageStatus RemoveDirectory(ReadOnlySpan<char> path);

    /// <summary>Renames or moves within the file system.</summary>
    StorageStatus Rename(ReadOnlySpan<char> from, ReadOnlySpan<char> to);

    /// <summary>Writes all cached changes to stable storage.</summary>
    StorageStatus Flush();

    /// <summary>The next entry of the directory at <paramref name="path"/> after
    /// <paramref name="cookie"/> (start with 0): its name in <paramref name="name"/> (room for
    /// 255 characters) and its stat; <paramref name="end"/> when none is left. "." and ".."
    /// are not listed.</summary>
    StorageStatus ReadDirectory(ReadOnlySpan<char> path, ref int cookie, Span<char> name, out int nameLength, out VfsStat stat, out bool end);

    /// <summary>Total and free bytes.</summary>
    StorageStatus GetSpace(out ulong totalBytes, out ulong freeBytes);
}

namespace NexOS.Abi;

/// <summary>
/// The file-system service's protocol (user/fs, docs/services.md), on the `files` endpoint.
/// Each client is known by its capability's badge: its open files live in a table of its own
/// (the holder of the unbadged capability, the shell, mints a badged copy for each program it
/// starts and ends the table with Forget when the program ends). Paths are UTF-8, absolute
/// ('/'-separated, at most <see cref="MaxPath"/> bytes) and travel in a read grant; data
/// travels in a grant of the caller's buffer. The answer's Label is a NexOS.Storage
/// StorageStatus value (0: Ok); a failed IPC call is the kernel's status instead.
/// <list type="bullet">
/// <item>Open: path grant, W0 = <see cref="OpenFlags"/>; answers W0 = a descriptor.</item>
/// <item>Close: W0 = descriptor.</item>
/// <item>Read: W0 = descriptor, a write grant; answers W0 = bytes read (0 at the end).</item>
/// <item>Write: W0 = descriptor, a read grant; answers W0 = bytes written.</item>
/// <item>Seek: W0 = descriptor, W1 = offset (two's complement), W2 = 0 start, 1 current, 2
/// end; answers W0 = the new position.</item>
/// <item>Stat: path grant; answers W0 = size, W1 = 1 for a directory, W2 = FAT date and time
/// (date in bits 16-31).</item>
/// <item>List: a read-write grant holding the directory's path (W0 = its length) and W1 = a
/// cookie (0 first); the service writes entries over the grant, each a byte of flags (1: a
/// directory), the size as 8 bytes little-endian, the name's length as 2 bytes and the UTF-8 name,
/// and answers W0 = bytes written, W1 = entries, W2 = the cookie to go on with (0: no more).</item>
/// <item>MakeDirectory, Delete (a file), RemoveDirectory (an empty one): path grant.</item>
/// <item>Rename: a read grant holding both paths, W0 = the first one's length.</item>
/// <item>Sync: W0 = a descriptor to flush, or ulong.MaxValue for everything.</item>
/// <item>Space: path grant; answers W0 = total bytes, W1 = free bytes.</item>
/// <item>Mounts: a write grant; one line per mount (`/ fat32 64 MiB`); answers W0 = bytes.</item>
/// <item>Forget: W0 = a badge whose open files are closed; unbadged callers only.</item>
/// </list>
/// </summary>
public static class FileProtocol
{
    public const ulong Open = 1;
    public const ulong Close = 2;
    public const ulong Read = 3;
    public const ulong Write = 4;
    public const ulong Seek = 5;
    public const ulong Stat = 6;
    public const ulong List = 7;
    public const ulong MakeDirectory = 8;
    public const ulong Delete = 9;
    public const ulong RemoveDirectory = 10;
    public const ulong Rename = 11;
    public const ulong Sync = 12;
    public const ulong Space = 13;
    public const ulong Mounts = 14;
    public const ulong Forget = 15;

    /// <summary>The longest path in bytes.</summary>
    public const int MaxPath = 1024;

    /// <summary>How Open opens a file (the values match NexOS.Storage's VfsOpenFlags).</summary>
    [System.Flags]
    public enum OpenFlags : ulong
    {
        Read = 0,
        Write = 1,
        Create = 2,
        Exclusive = 4,
        Truncate = 8,
    }
}

/// <summary>
/// The state keeper's protocol (user/keeper, docs/services.md), on the `state` endpoint.
/// Save: writes every kind of kernel state to the disk now and syncs it; answers Label 0, or a
/// NexOS.Storage StorageStatus value when a file could not be written. Report: a write grant;
/// the keeper writes what it restored at boot and saved since, one line each, and answers
/// W0 = the bytes written.
/// </summary>
public static class StateProtocol
{
    public const ulong Save = 1;
    public const ulong Report = 2;
}

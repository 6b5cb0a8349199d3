using System.Buffers.Binary;
using System.Text;
using NexOS.Abi;
using NexOS.Storage;
using NexOS.Storage.Block;
using NexOS.Storage.Vfs;
using NexOS.UserLib;

namespace NexOS.Programs.Fs;

/// <summary>
/// Answers the file protocol (NexOS.Abi.FileProtocol), one request at a time. Every request is
/// decoded and checked (lengths, descriptors, UTF-8 paths) before the file system is touched;
/// a failure is a status in the answer and the service goes on. Each badge has its own table
/// of open files, made on its first Open; at most <see cref="MaxClients"/> tables exist.
/// </summary>
internal sealed partial class FileServer
{
    /// <summary>Clients with open files at one time.</summary>
    public const int MaxClients = 64;

    /// <summary>Open files per client.</summary>
    public const int FilesPerClient = 32;

    private const int ChunkBytes = 16 * 1024;

    private readonly VirtualFileSystem _vfs;
    private readonly List<(string Path, IFileSystem FileSystem, string Description)> _mounts;
    private readonly BlockMetrics _metrics;
    private readonly Dictionary<ulong, FileDescriptorTable> _clients = new();
    private readonly byte[] _bytes = new byte[ChunkBytes];
    private readonly char[] _path = new char[FileProtocol.MaxPath];
    private readonly char[] _second = new char[FileProtocol.MaxPath];

    public FileServer(VirtualFileSystem vfs, List<(string, IFileSystem, string)> mounts, BlockMetrics metrics)
    {
        _vfs = vfs;
        _mounts = mounts;
        _metrics = metrics;
    }

    /// <summary>Serves until receiving fails; returns that status.</summary>
    public SyscallStatus Run(int endpoint)
    {
        SyscallStatus status = Ipc.Receive(endpoint, out Message request, out ulong badge);
        while (status == SyscallStatus.Ok)
        {
            Message answer = Answer(in request, badge);
            status = Ipc.ReplyReceive(endpoint, ref answer, out badge);
            if (status != SyscallStatus.Ok)
            {
                // A one-way message has no reply capability to answer: drop it and go on.
                status = Ipc.Receive(endpoint, out answer, out badge);
            }

            request = answer;
        }

        return status;
    }

    private Message Answer(in Message request, ulong badge)
    {
        Stamp();
        int granted = Ipc.GrantedLength(in request);
        return (request.Label & ~UserAbi.GrantFlag) switch
        {
            FileProtocol.Open => Open(badge, granted, request.W0),
            FileProtocol.Close => WithTable(badge, request.W0, out FileDescriptorTable? t) ?? Status(t!.Close((int)request.W0)),
            FileProtocol.Read => Read(badge, request.W0, granted),
            FileProtocol.Write => Write(badge, request.W0, granted),
            FileProtocol.Seek => Seek(badge, request.W0, (long)request.W1, request.W2),
            FileProtocol.Stat => Stat(granted),
            FileProtocol.List => List(granted, (int)Math.Min(request.W0, int.MaxValue), request.W1),
            FileProtocol.MakeDirectory => PathCall(granted, p => _vfs.CreateDirectory(p)),
            FileProtocol.Delete => PathCall(granted, p => _vfs.Delete(p)),
            FileProtocol.RemoveDirectory => PathCall(granted, p => _vfs.RemoveDirectory(p)),
            FileProtocol.Rename => Rename(granted, (int)Math.Min(request.W0, int.MaxValue)),
            FileProtocol.Sync => Sync(badge, request.W0),
            FileProtocol.Space => Space(granted),
            FileProtocol.Mounts => Mounts(granted),
            FileProtocol.Forget => badge != 0 ? Status(StorageStatus.BadArgument) : Forget(request.W0),
            _ => Status(StorageStatus.BadArgument),
        };
    }

    private static Message Status(StorageStatus status) => new() { Label = (ulong)status };

    // What this request creates or changes carries the time of day (UTC, as the machine's
    // clock keeps it), in FAT's two-second resolution; with no clock, FAT's default stays.
    private void Stamp()
    {
        DateTime? now = Time.UtcNow;
        if (now is not { Year: >= 1980 and <= 2107 } t)
        {
            return;
        }

        ushort date = (ushort)(((t.Year - 1980) << 9) | (t.Month << 5) | t.Day);
        ushort time = (ushort)((t.Hour << 11) | (t.Minute << 5) | (t.Second / 2));
        foreach ((_, IFileSystem fs, _) in _mounts)
        {
            if (fs is NexOS.Storage.Fat.FatFileSystem fat)
            {
                fat.DosDate = date;
                fat.DosTime = time;
            }
        }
    }

    private static Message Value(ulong w0, ulong w1 = 0, ulong w2 = 0) => new() { W0 = w0, W1 = w1, W2 = w2 };

    // The caller's table when the descriptor could name an open file in it; otherwise the
    // failure to answer with (BadArgument: no such descriptor).
    private Message? WithTable(ulong badge, ulong descriptor, out FileDescriptorTable? table)
    {
        return _clients.TryGetValue(badge, out table) && descriptor < FilesPerClient ? null : Status(StorageStatus.BadArgument);
    }

    private Message Open(ulong badge, int granted, ulong flags)
    {
        if (flags > 15)
        {
            return Status(StorageStatus.BadArgument);
        }

        StorageStatus status = ReadPath(granted, 0, _path, out int length);
        if (status != StorageStatus.Ok)
        {
            return Status(status);
        }

        if (!_clients.TryGetValue(badge, out FileDescriptorTable? table))
        {
            if (_clients.Count >= MaxClients)
            {
                return Status(StorageStatus.LimitReached);
            }

            table = new FileDescriptorTable(_vfs, FilesPerClient);
            _clients[badge] = table;
        }

        status = table.Open(_path.AsSpan(0, length), (VfsOpenFlags)(int)flags, out int descriptor);
        return status == StorageStatus.Ok ? Value((ulong)descriptor) : Status(status);
    }

    private Message Read(ulong badge, ulong descriptor, int granted)
    {
        Message? refused = WithTable(badge, descriptor, out FileDescriptorTable? table);
        if (refused != null)
        {
            return refused.Value;
        }

        int total = 0;
        while (total < granted)
        {
            StorageStatus status = table!.Read((int)descriptor, _bytes.AsSpan(0, Math.Min(ChunkBytes, granted - total)), out int read);
            if (status != StorageStatus.Ok)
            {
                return total > 0 ? Value((ulong)total) : Status(status);
            }

            if (read == 0)
            {
                break;
            }

            if (Ipc.WriteGrant((ulong)total, _bytes.AsSpan(0, read)) != SyscallStatus.Ok)
            {
                return Status(StorageStatus.BadArgument);
            }

            total += read;
        }

        return Value((ulong)total);
    }

    private Message Write(ulong badge, ulong descriptor, int granted)
    {
        Message? refused = WithTable(badge, descriptor, out FileDescriptorTable? table);
        if (refused != null)
        {
            return refused.Value;
        }

        int total = 0;
        while (total < granted)
        {
            int chunk = Math.Min(ChunkBytes, granted - total);
            if (Ipc.ReadGrant((ulong)total, _bytes.AsSpan(0, chunk)) != SyscallStatus.Ok)
            {
                return Status(StorageStatus.BadArgument);
            }

            StorageStatus status = table!.Write((int)descriptor, _bytes.AsSpan(0, chunk), out int written);
            total += written;
            if (status != StorageStatus.Ok)
            {
                return total > 0 ? Value((ulong)total) : Status(status);
            }
        }

        return Value((ulong)total);
    }

    private Message Seek(ulong badge, ulong descriptor, long offset, ulong origin)
    {
        Message? refused = WithTable(badge, descriptor, out FileDescriptorTable? table);
        if (refused != null || origin > 2)
        {
            return refused ?? Status(StorageStatus.BadArgument);
        }

        StorageStatus status = table!.Seek((int)descriptor, offset, (VfsSeekOrigin)(int)origin, out ulong position);
        return status == StorageStatus.Ok ? Value(position) : Status(status);
    }

    private Message Stat(int granted)
    {
        StorageStatus status = ReadPath(granted, 0, _path, out int length);
        VfsStat stat = default;
        if (status == StorageStatus.Ok)
        {
            status = _vfs.Stat(_path.AsSpan(0, length), out stat);
        }

        return status == StorageStatus.Ok
            ? Value(stat.Size, stat.IsDirectory ? 1UL : 0, ((ulong)stat.WriteDate << 16) | stat.WriteTime)
            : Status(status);
    }

    private Message PathCall(int granted, Func<ReadOnlySpan<char>, StorageStatus> call)
    {
        StorageStatus status = ReadPath(granted, 0, _path, out int length);
        return Status(status == StorageStatus.Ok ? call(_path.AsSpan(0, length)) : status);
    }

    private Message Rename(int granted, int firstLength)
    {
        if (firstLength <= 0 || firstLength >= granted)
        {
            return Status(StorageStatus.BadArgument);
        }

        StorageStatus status = ReadPath(firstLength, 0, _path, out int from);
        if (status == StorageStatus.Ok)
        {
            status = ReadPath(granted - firstLength, firstLength, _second, out int to);
            status = status == StorageStatus.Ok ? _vfs.Rename(_path.AsSpan(0, from), _second.AsSpan(0, to)) : status;
        }

        return Status(status);
    }

    // Everything written so far reaches the disk: every mounted file system's changes, then
    // the disk's own cache (the file systems flush through the block cache, which flushes
    // the device). A descriptor flushes the same way: FAT keeps one set of changes per volume.
    private Message Sync(ulong badge, ulong descriptor)
    {
        if (descriptor != ulong.MaxValue && WithTable(badge, descriptor, out _) != null)
        {
            return Status(StorageStatus.BadArgument);
        }

        StorageStatus status = StorageStatus.Ok;
        foreach ((_, IFileSystem fs, _) in _mounts)
        {
            StorageStatus flushed = fs.Flush();
            status = status == StorageStatus.Ok ? flushed : status;
        }

        return Status(status);
    }

    private Message Space(int granted)
    {
        StorageStatus status = ReadPath(granted, 0, _path, out int length);
        IFileSystem? fs = null;
        if (status == StorageStatus.Ok)
        {
            status = _vfs.Route(_path.AsSpan(0, length), out fs, out _);
        }

        ulong total = 0, free = 0;
        if (status == StorageStatus.Ok)
        {
            status = fs!.GetSpace(out total, out free);
        }

        return status == StorageStatus.Ok ? Value(total, free) : Status(status);
    }

    private Message Mounts(int granted)
    {
        var text = new StringBuilder();
        foreach ((string path, _, string description) in _mounts)
        {
            text.Append(path).Append(' ').Append(description).Append('\n');
        }

        text.Append($"disk cache: {_metrics.CacheHits.Value} hits, {_metrics.CacheMisses.Value} misses, {_metrics.BytesRead.Value} bytes read, {_metrics.BytesWritten.Value} written\n");
        byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
        int n = Math.Min(bytes.Length, granted);
        return n == 0 || Ipc.WriteGrant(0, bytes.AsSpan(0, n)) == SyscallStatus.Ok ? Value((ulong)n) : Status(StorageStatus.BadArgument);
    }

    private Message Forget(ulong badge)
    {
        if (_clients.Remove(badge, out FileDescriptorTable? table))
        {
            _ = table.CloseAll();
        }

        return Value(0);
    }

    // Copies a path of `length` bytes from offset `at` of the grant and decodes it: BadName
    // for an empty, overlong or non-UTF-8 path.
    private StorageStatus ReadPath(int length, int at, char[] into, out int chars)
    {
        chars = 0;
        if (length <= 0 || length > FileProtocol.MaxPath)
        {
            return StorageStatus.BadName;
        }

        Span<byte> raw = _bytes.AsSpan(0, length);
        if (Ipc.ReadGrant((ulong)at, raw) != SyscallStatus.Ok)
        {
            return StorageStatus.BadArgument;
        }

        try
        {
            chars = new UTF8Encoding(false, true).GetChars(raw, into);
        }
        catch (DecoderFallbackException)
        {
            return StorageStatus.BadName;
        }

        return StorageStatus.Ok;
    }
}

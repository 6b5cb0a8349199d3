using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using NexOS.Abi;
using NexOS.Storage;

namespace NexOS.UserLib;

/// <summary>What <see cref="FileClient.Stat"/> and <see cref="FileClient.List"/> report.</summary>
public readonly record struct FileEntry(string Name, ulong Size, bool IsDirectory);

/// <summary>
/// The client side of the file-system service (NexOS.Abi.FileProtocol): open files are small
/// numbers in the service's table for this program; paths and data travel in grants of the
/// caller's memory. Every call returns a <see cref="StorageStatus"/>; a call the service never
/// answered (it died, or the capability is wrong) is IoError.
/// </summary>
public sealed class FileClient
{
    private const int Chunk = (int)UserAbi.MaxGrantLength;
    private readonly int _endpoint;

    /// <summary>A client of the service behind the endpoint capability in <paramref name="endpoint"/>
    /// (it needs the send and grant rights).</summary>
    public FileClient(int endpoint) => _endpoint = endpoint;

    /// <summary>Opens <paramref name="path"/>; the descriptor in <paramref name="descriptor"/>.</summary>
    public StorageStatus Open(string path, FileProtocol.OpenFlags flags, out int descriptor)
    {
        var m = new Message { Label = FileProtocol.Open, W0 = (ulong)flags };
        StorageStatus status = WithPath(path, ref m);
        descriptor = status == StorageStatus.Ok ? (int)m.W0 : -1;
        return status;
    }

    /// <summary>Closes a descriptor.</summary>
    public StorageStatus Close(int descriptor) => Plain(FileProtocol.Close, (ulong)descriptor, out _);

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes; 0 in
    /// <paramref name="read"/> at the end of the file.</summary>
    public StorageStatus Read(int descriptor, Span<byte> buffer, out int read)
    {
        read = 0;
        while (read < buffer.Length)
        {
            int length = Math.Min(Chunk, buffer.Length - read);
            var m = new Message { Label = FileProtocol.Read, W0 = (ulong)descriptor };
            StorageStatus status = Granting(ref m, buffer.Slice(read, length), GrantAccess.Write);
            if (status != StorageStatus.Ok)
            {
                return read > 0 ? StorageStatus.Ok : status;
            }

            int got = (int)Math.Min(m.W0, (ulong)length);
            read += got;
            if (got < length)
            {
                break;
            }
        }

        return StorageStatus.Ok;
    }

    /// <summary>Writes <paramref name="data"/> at the file's position.</summary>
    public StorageStatus Write(int descriptor, ReadOnlySpan<byte> data, out int written)
    {
        written = 0;

        // The service only reads a write's grant: the span is not changed.
        Span<byte> bytes = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(data), data.Length);
        while (written < data.Length)
        {
            int length = Math.Min(Chunk, data.Length - written);
            var m = new Message { Label = FileProtocol.Write, W0 = (ulong)descriptor };
            StorageStatus status = Granting(ref m, bytes.Slice(written, length), GrantAccess.Read);
            if (status != StorageStatus.Ok)
            {
                return status;
            }

            written += (int)Math.Min(m.W0, (ulong)length);
            if (m.W0 < (ulong)length)
            {
                return StorageStatus.NoSpace;
            }
        }

        return StorageStatus.Ok;
    }

    /// <summary>Moves the position (origin 0 start, 1 current, 2 end).</summary>
    public StorageStatus Seek(int descriptor, long offset, int origin, out ulong position)
    {
        var m = new Message { Label = FileProtocol.Seek, W0 = (ulong)descriptor, W1 = (ulong)offset, W2 = (ulong)origin };
        StorageStatus status = Call(ref m);
        position = m.W0;
        return status;
    }

    /// <summary>What is at <paramref name="path"/>.</summary>
    public StorageStatus Stat(string path, out FileEntry entry)
    {
        var m = new Message { Label = FileProtocol.Stat };
        StorageStatus status = WithPath(path, ref m);
        entry = new FileEntry(path, m.W0, m.W1 == 1);
        return status;
    }

    /// <summary>Appends the entries of the directory at <paramref name="path"/> to <paramref name="entries"/>.</summary>
    public StorageStatus List(string path, List<FileEntry> entries)
    {
        byte[] buffer = new byte[16 * 1024];
        int pathLength = Encoding.UTF8.GetBytes(path, buffer);
        ulong cookie = 0;
        do
        {
            Encoding.UTF8.GetBytes(path, buffer);
            var m = new Message { Label = FileProtocol.List, W0 = (ulong)pathLength, W1 = cookie };
            StorageStatus status = Granting(ref m, buffer, GrantAccess.Read | GrantAccess.Write);
            if (status != StorageStatus.Ok)
            {
                return status;
            }

            int at = 0, end = (int)Math.Min(m.W0, (ulong)buffer.Length);
            while (at + 11 <= end)
            {
                int length = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(at + 9));
                if (at + 11 + length > end)
                {
                    return StorageStatus.Corrupt;
                }

                entries.Add(new FileEntry(Encoding.UTF8.GetString(buffer, at + 11, length), BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(at + 1)), buffer[at] == 1));
                at += 11 + length;
            }

            cookie = m.W2;
        }
        while (cookie != 0);
        return StorageStatus.Ok;
    }

    /// <summary>Creates a directory.</summary>
    public StorageStatus MakeDirectory(string path) => PathOnly(FileProtocol.MakeDirectory, path);

    /// <summary>Removes a file.</summary>
    public StorageStatus Delete(string path) => PathOnly(FileProtocol.Delete, path);

    /// <summary>Removes an empty directory.</summary>
    public StorageStatus RemoveDirectory(string path) => PathOnly(FileProtocol.RemoveDirectory, path);

    /// <summary>Renames or moves a file or directory within its file system.</summary>
    public StorageStatus Rename(string from, string to)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(from + to);
        int first = Encoding.UTF8.GetByteCount(from);
        if (bytes.Length > 2 * FileProtocol.MaxPath || first == 0 || first == bytes.Length)
        {
            return StorageStatus.BadName;
        }

        var m = new Message { Label = FileProtocol.Rename, W0 = (ulong)first };
        return Granting(ref m, bytes, GrantAccess.Read);
    }

    /// <summary>Writes everything changed so far to the disk (<paramref name="descriptor"/> -1: every file).</summary>
    public StorageStatus Sync(int descriptor = -1) =>
        Plain(FileProtocol.Sync, descriptor < 0 ? ulong.MaxValue : (ulong)descriptor, out _);

    /// <summary>Total and free bytes of the file system holding <paramref name="path"/>.</summary>
    public StorageStatus Space(string path, out ulong total, out ulong free)
    {
        var m = new Message { Label = FileProtocol.Space };
        StorageStatus status = WithPath(path, ref m);
        total = m.W0;
        free = m.W1;
        return status;
    }

    /// <summary>The service's mount table and disk-cache figures, one line each.</summary>
    public StorageStatus Mounts(out string text)
    {
        byte[] buffer = new byte[4096];
        var m = new Message { Label = FileProtocol.Mounts };
        StorageStatus status = Granting(ref m, buffer, GrantAccess.Write);
        text = status == StorageStatus.Ok ? Encoding.UTF8.GetString(buffer, 0, (int)Math.Min(m.W0, (ulong)buffer.Length)) : "";
        return status;
    }

    /// <summary>Closes every file the client with <paramref name="badge"/> left open (only the
    /// holder of the unbadged capability may).</summary>
    public StorageStatus Forget(ulong badge) => Plain(FileProtocol.Forget, badge, out _);

    /// <summary>A status as a short phrase for error messages.</summary>
    public static string Describe(StorageStatus status) => status switch
    {
        StorageStatus.NotFound => "no such file or directory",
        StorageStatus.Exists => "already exists",
        StorageStatus.NotADirectory => "not a directory",
        StorageStatus.IsADirectory => "is a directory",
        StorageStatus.NotEmpty => "directory not empty",
        StorageStatus.NoSpace => "no space left on the disk",
        StorageStatus.BadName => "not a valid name",
        StorageStatus.ReadOnly => "read-only",
        StorageStatus.IoError => "input/output error",
        StorageStatus.Corrupt => "the file system is damaged",
        StorageStatus.LimitReached => "too many open files",
        StorageStatus.InUse => "in use",
        StorageStatus.TooLarge => "file too large",
        StorageStatus.BadArgument => "invalid argument",
        StorageStatus.Unsupported => "not supported",
        _ => status.ToString(),
    };

    private StorageStatus PathOnly(ulong label, string path)
    {
        var m = new Message { Label = label };
        return WithPath(path, ref m);
    }

    private StorageStatus WithPath(string path, ref Message m)
    {
        int count = Encoding.UTF8.GetByteCount(path);
        if (count == 0 || count > FileProtocol.MaxPath)
        {
            return StorageStatus.BadName;
        }

        Span<byte> bytes = stackalloc byte[count];
        Encoding.UTF8.GetBytes(path, bytes);
        return Granting(ref m, bytes, GrantAccess.Read);
    }

    private StorageStatus Plain(ulong label, ulong w0, out Message answer)
    {
        answer = new Message { Label = label, W0 = w0 };
        return Call(ref answer);
    }

    private StorageStatus Call(ref Message m) =>
        Ipc.Call(_endpoint, ref m) != SyscallStatus.Ok ? StorageStatus.IoError : (StorageStatus)m.Label;

    private StorageStatus Granting(ref Message m, Span<byte> buffer, GrantAccess access) =>
        Ipc.CallGranting(_endpoint, ref m, buffer, access) != SyscallStatus.Ok ? StorageStatus.IoError : (StorageStatus)m.Label;
}

using System.Buffers.Binary;
using System.Text;
using NexOS.Abi;
using NexOS.Storage;
using NexOS.Storage.Vfs;
using NexOS.UserLib;

namespace NexOS.Programs.Fs;

/// <summary>Directory listing: entries packed into the caller's grant.</summary>
internal sealed partial class FileServer
{
    private const int EntryHeader = 11;

    private readonly char[] _name = new char[255];

    // The grant holds the path (pathLength bytes) and receives the entries; an entry that
    // does not fit ends this answer, and the cookie lets the caller go on.
    private Message List(int granted, int pathLength, ulong cookie)
    {
        if (pathLength > granted || cookie > int.MaxValue)
        {
            return Status(StorageStatus.BadArgument);
        }

        StorageStatus status = ReadPath(pathLength, 0, _path, out int length);
        if (status != StorageStatus.Ok)
        {
            return Status(status);
        }

        int position = (int)cookie, written = 0, entries = 0;
        Span<byte> entry = stackalloc byte[EntryHeader + (255 * 3)];
        while (true)
        {
            int next = position;
            status = _vfs.ReadDirectory(_path.AsSpan(0, length), ref next, _name, out int nameLength, out VfsStat stat, out bool end);
            if (status != StorageStatus.Ok)
            {
                return entries > 0 ? Value((ulong)written, (ulong)entries, (ulong)position) : Status(status);
            }

            if (end)
            {
                return Value((ulong)written, (ulong)entries, 0);
            }

            int nameBytes = Encoding.UTF8.GetBytes(_name.AsSpan(0, nameLength), entry[EntryHeader..]);
            entry[0] = stat.IsDirectory ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteUInt64LittleEndian(entry[1..], stat.Size);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[9..], (ushort)nameBytes);
            int size = EntryHeader + nameBytes;
            if (written + size > granted)
            {
                return entries > 0 ? Value((ulong)written, (ulong)entries, (ulong)position) : Status(StorageStatus.LimitReached);
            }

            if (Ipc.WriteGrant((ulong)written, entry[..size]) != SyscallStatus.Ok)
            {
                return Status(StorageStatus.BadArgument);
            }

            written += size;
            entries++;
            position = next;
        }
    }
}

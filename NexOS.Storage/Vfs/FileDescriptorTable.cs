namespace NexOS.Storage.Vfs;

/// <summary>Where <see cref="FileDescriptorTable.Seek"/> counts from.</summary>
public enum VfsSeekOrigin
{
    /// <summary>From the start of the file.</summary>
    Start,

    /// <summary>From the current position.</summary>
    Current,

    /// <summary>From the end of the file.</summary>
    End,
}

/// <summary>One client's open files: small integers naming (file system, handle, position).
/// The table is fixed in size; reads and writes move the position.</summary>
public sealed class FileDescriptorTable
{
    private readonly VirtualFileSystem _vfs;
    private readonly IFileSystem?[] _systems;
    private readonly int[] _handles;
    private readonly ulong[] _positions;

    /// <summary>A table of <paramref name="capacity"/> descriptors (at least 1) over <paramref name="vfs"/>.</summary>
    public FileDescriptorTable(VirtualFileSystem vfs, int capacity)
    {
        _vfs = vfs;
        capacity = Math.Max(1, capacity);
        _systems = new IFileSystem?[capacity];
        _handles = new int[capacity];
        _positions = new ulong[capacity];
    }

    /// <summary>Descriptors in use.</summary>
    public int OpenCount
    {
        get
        {
            int count = 0;
            foreach (IFileSystem? fs in _systems)
            {
                count += fs != null ? 1 : 0;
            }
            return count;
        }
    }

    /// <summary>Opens <paramref name="path"/> at position 0. LimitReached when the table is full;
    /// the failures of the VFS and file system otherwise.</summary>
    public StorageStatus Open(ReadOnlySpan<char> path, VfsOpenFlags flags, out int descriptor)
    {
        descriptor = Array.IndexOf(_systems, null);
        if (descriptor < 0)
        {
            return StorageStatus.LimitReached;
        }
        StorageStatus status = _vfs.Open(path, flags, out IFileSystem? fs, out int handle);
        if (status != StorageStatus.Ok)
        {
            descriptor = -1;
            return status;
        }
        _systems[descriptor] = fs;
        _handles[descriptor] = handle;
        _positions[descriptor] = 0;
        return StorageStatus.Ok;
    }

    /// <summary>Reads at the position and advances it. BadArgument for a closed descriptor.</summary>
    public StorageStatus Read(int descriptor, Span<byte> buffer, out int read)
    {
        read = 0;
        if (!Valid(descriptor))
        {
            return StorageStatus.BadArgument;
        }
        StorageStatus status = _systems[descriptor]!.Read(_handles[descriptor], _positions[descriptor], buffer, out read);
        _positions[descriptor] += (ulong)Math.Max(0, read);
        return status;
    }

    /// <summary>Writes at the position and advances it. BadArgument for a closed descriptor.</summary>
    public StorageStatus Write(int descriptor, ReadOnlySpan<byte> data, out int written)
    {
        written = 0;
        if (!Valid(descriptor))
        {
            return StorageStatus.BadArgument;
        }
        StorageStatus status = _systems[descriptor]!.Write(_handles[descriptor], _positions[descriptor], data, out written);
        _positions[descriptor] += (ulong)Math.Max(0, written);
        return status;
    }

    /// <summary>Moves the position. BadArgument for a closed descriptor or a position that would be
    /// negative or overflow; a position past the end is allowed (a later write fills the gap).</summary>
    public StorageStatus Seek(int descriptor, long offset, VfsSeekOrigin origin, out ulong position)
    {
        position = 0;
        if (!Valid(descriptor))
        {
            return StorageStatus.BadArgument;
        }
        ulong basis = _positions[descriptor];
        if (origin == VfsSeekOrigin.Start)
        {
            basis = 0;
        }
        else if (origin == VfsSeekOrigin.End)
        {
            StorageStatus status = _systems[descriptor]!.GetSize(_handles[descriptor], out basis);
            if (status != StorageStatus.Ok)
            {
                return status;
            }
        }
        else if (origin != VfsSeekOrigin.Current)
        {
            return StorageStatus.BadArgument;
        }
        if ((offset < 0 && (ulong)(-(offset + 1)) + 1 > basis) || (offset > 0 && (ulong)offset > ulong.MaxValue - basis))
        {
            return StorageStatus.BadArgument;
        }
        position = offset < 0 ? basis - ((ulong)(-(offset + 1)) + 1) : basis + (ulong)offset;
        _positions[descriptor] = position;
        return StorageStatus.Ok;
    }

    /// <summary>The size of the open file. BadArgument for a closed descriptor.</summary>
    public StorageStatus GetSize(int descriptor, out ulong size)
    {
        size = 0;
        return Valid(descriptor) ? _systems[descriptor]!.GetSize(_handles[descriptor], out size) : StorageStatus.BadArgument;
    }

    /// <summary>Closes a descriptor. BadArgument when it is not open.</summary>
    public StorageStatus Close(int descriptor)
    {
        if (!Valid(descriptor))
        {
            return StorageStatus.BadArgument;
        }
        StorageStatus status = _systems[descriptor]!.Close(_handles[descriptor]);
        _systems[descriptor] = null;
        return status;
    }

    /// <summary>Closes every descriptor (the client ended); returns the first failure.</summary>
    public StorageStatus CloseAll()
    {
        StorageStatus result = StorageStatus.Ok;
        for (int i = 0; i < _systems.Length; i++)
        {
            if (_systems[i] != null)
            {
                StorageStatus status = Close(i);
                result = result == StorageStatus.Ok ? status : result;
            }
        }
        return result;
    }

    private bool Valid(int descriptor) => descriptor >= 0 && descriptor < _systems.Length && _systems[descriptor] != null;
}

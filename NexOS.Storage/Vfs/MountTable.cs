namespace NexOS.Storage.Vfs;

/// <summary>Maps normalised path prefixes to file systems; a path goes to the mount with the
/// longest prefix that ends at a component boundary.</summary>
public sealed class MountTable
{
    /// <summary>Mounts the table can hold.</summary>
    public const int MaxMounts = 16;

    private readonly string?[] _prefixes = new string?[MaxMounts];
    private readonly IFileSystem?[] _systems = new IFileSystem?[MaxMounts];

    /// <summary>Mounts <paramref name="fileSystem"/> at <paramref name="prefix"/> (normalised first).
    /// Exists when the prefix is taken, LimitReached when the table is full, BadName for a bad path.</summary>
    public StorageStatus Mount(ReadOnlySpan<char> prefix, IFileSystem fileSystem)
    {
        Span<char> buffer = stackalloc char[VfsPath.MaxLength];
        StorageStatus status = VfsPath.Normalize(prefix, buffer, out int length);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        int free = -1;
        for (int i = 0; i < MaxMounts; i++)
        {
            if (_prefixes[i] == null)
            {
                free = free < 0 ? i : free;
            }
            else if (buffer[..length].SequenceEqual(_prefixes[i]))
            {
                return StorageStatus.Exists;
            }
        }
        if (free < 0)
        {
            return StorageStatus.LimitReached;
        }
        _prefixes[free] = new string(buffer[..length]);
        _systems[free] = fileSystem;
        return StorageStatus.Ok;
    }

    /// <summary>Removes the mount at <paramref name="prefix"/>; NotFound when there is none.</summary>
    public StorageStatus Unmount(ReadOnlySpan<char> prefix)
    {
        Span<char> buffer = stackalloc char[VfsPath.MaxLength];
        StorageStatus status = VfsPath.Normalize(prefix, buffer, out int length);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        for (int i = 0; i < MaxMounts; i++)
        {
            if (_prefixes[i] != null && buffer[..length].SequenceEqual(_prefixes[i]))
            {
                _prefixes[i] = null;
                _systems[i] = null;
                return StorageStatus.Ok;
            }
        }
        return StorageStatus.NotFound;
    }

    /// <summary>Finds the file system for a normalised path and where the path inside it starts
    /// (<c>path[relativeStart..]</c>, empty for the mount point itself). NotFound when no mount
    /// covers the path.</summary>
    public StorageStatus Resolve(ReadOnlySpan<char> normalized, out IFileSystem? fileSystem, out int relativeStart)
    {
        fileSystem = null;
        relativeStart = 0;
        int best = -1;
        for (int i = 0; i < MaxMounts; i++)
        {
            string? prefix = _prefixes[i];
            if (prefix == null || (best >= 0 && prefix.Length <= _prefixes[best]!.Length))
            {
                continue;
            }
            bool covers = prefix.Length == 1
                || (normalized.StartsWith(prefix) && (normalized.Length == prefix.Length || normalized[prefix.Length] == '/'));
            if (covers)
            {
                best = i;
            }
        }
        if (best < 0)
        {
            return StorageStatus.NotFound;
        }
        fileSystem = _systems[best];
        relativeStart = _prefixes[best]!.Length == 1 ? 0 : _prefixes[best]!.Length;
        return StorageStatus.Ok;
    }
}

namespace NexOS.Storage.Vfs;

/// <summary>Path operations over the mount table: each path is normalised, routed to its file
/// system and passed on relative to that file system's root. Uses preallocated buffers, so one
/// instance serves one request at a time (the file-system service is single-threaded).</summary>
public sealed class VirtualFileSystem
{
    private readonly char[] _first = new char[VfsPath.MaxLength];
    private readonly char[] _second = new char[VfsPath.MaxLength];

    /// <summary>The mounts this VFS routes to.</summary>
    public MountTable Mounts { get; } = new();

    /// <summary>Normalises and routes <paramref name="path"/>: the file system and the path inside
    /// it. BadName for a bad path, NotFound when nothing is mounted there.</summary>
    public StorageStatus Route(ReadOnlySpan<char> path, out IFileSystem? fileSystem, out ReadOnlySpan<char> inner) =>
        Route(path, _first, out fileSystem, out inner);

    private StorageStatus Route(ReadOnlySpan<char> path, char[] buffer, out IFileSystem? fileSystem, out ReadOnlySpan<char> inner)
    {
        inner = default;
        fileSystem = null;
        StorageStatus status = VfsPath.Normalize(path, buffer, out int length);
        if (status == StorageStatus.Ok)
        {
            status = Mounts.Resolve(buffer.AsSpan(0, length), out fileSystem, out int start);
            inner = buffer.AsSpan(start, length - start);
        }
        return status;
    }

    /// <summary>Stat through the owning file system; the failures of <see cref="Route"/> or of it.</summary>
    public StorageStatus Stat(ReadOnlySpan<char> path, out VfsStat stat)
    {
        stat = default;
        StorageStatus status = Route(path, out IFileSystem? fs, out ReadOnlySpan<char> inner);
        return status == StorageStatus.Ok ? fs!.Stat(inner, out stat) : status;
    }

    /// <summary>mkdir through the owning file system.</summary>
    public StorageStatus CreateDirectory(ReadOnlySpan<char> path)
    {
        StorageStatus status = Route(path, out IFileSystem? fs, out ReadOnlySpan<char> inner);
        return status == StorageStatus.Ok ? fs!.CreateDirectory(inner) : status;
    }

    /// <summary>unlink through the owning file system.</summary>
    public StorageStatus Delete(ReadOnlySpan<char> path)
    {
        StorageStatus status = Route(path, out IFileSystem? fs, out ReadOnlySpan<char> inner);
        return status == StorageStatus.Ok ? fs!.Delete(inner) : status;
    }

    /// <summary>rmdir through the owning file system; InUse for a mount point.</summary>
    public StorageStatus RemoveDirectory(ReadOnlySpan<char> path)
    {
        StorageStatus status = Route(path, out IFileSystem? fs, out ReadOnlySpan<char> inner);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        return inner.Length == 0 ? StorageStatus.InUse : fs!.RemoveDirectory(inner);
    }

    /// <summary>Rename within one file system; BadArgument when the paths lie on different mounts
    /// (a copy is the caller's business) or either is a mount point.</summary>
    public StorageStatus Rename(ReadOnlySpan<char> from, ReadOnlySpan<char> to)
    {
        StorageStatus status = Route(from, _first, out IFileSystem? source, out ReadOnlySpan<char> sourceInner);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        status = Route(to, _second, out IFileSystem? target, out ReadOnlySpan<char> targetInner);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        if (!ReferenceEquals(source, target) || sourceInner.Length == 0 || targetInner.Length == 0)
        {
            return StorageStatus.BadArgument;
        }
        return source!.Rename(sourceInner, targetInner);
    }

    /// <summary>Opens a file through its file system (used by <see cref="FileDescriptorTable"/>).</summary>
    public StorageStatus Open(ReadOnlySpan<char> path, VfsOpenFlags flags, out IFileSystem? fileSystem, out int handle)
    {
        handle = -1;
        StorageStatus status = Route(path, out fileSystem, out ReadOnlySpan<char> inner);
        return status == StorageStatus.Ok ? fileSystem!.Open(inner, flags, out handle) : status;
    }

    /// <summary>The next entry of a directory through its file system (see
    /// <see cref="IFileSystem.ReadDirectory"/>).</summary>
    public StorageStatus ReadDirectory(ReadOnlySpan<char> path, ref int cookie, Span<char> name, out int nameLength, out VfsStat stat, out bool end)
    {
        nameLength = 0;
        stat = default;
        end = false;
        StorageStatus status = Route(path, out IFileSystem? fs, out ReadOnlySpan<char> inner);
        return status == StorageStatus.Ok ? fs!.ReadDirectory(inner, ref cookie, name, out nameLength, out stat, out end) : status;
    }
}

namespace NexOS.Storage.Fat;

/// <summary>Path resolution ('/'-separated, relative to the volume's root, empty components
/// ignored; "." and ".." are refused with BadName because the VFS normalises paths before
/// they reach a file system) and the read-only path operations.</summary>
public sealed partial class FatFileSystem
{
    /// <summary>The longest path accepted, in UTF-16 units.</summary>
    public const int MaxPathLength = 4096;

    private DirEntry RootEntry => new() { IsRoot = true, Attributes = 0x10, FirstCluster = _geo.RootCluster };

    /// <summary>Size, kind, attributes and timestamps of the entry at <paramref name="path"/>
    /// ("/" is the root). NotFound, NotADirectory (a parent is a file), BadName, Corrupt.</summary>
    public StorageStatus Stat(ReadOnlySpan<char> path, out FatStat stat)
    {
        stat = default;
        StorageStatus status = Resolve(path, out DirEntry entry);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        return FillStat(entry, out stat);
    }

    /// <summary>Gives the id of the directory at <paramref name="path"/> for
    /// <see cref="ReadDirectory"/>. NotADirectory for a file; the failures of <see cref="Stat"/>.</summary>
    public StorageStatus OpenDirectory(ReadOnlySpan<char> path, out uint directoryId)
    {
        directoryId = 0;
        StorageStatus status = Resolve(path, out DirEntry entry);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        if (!entry.IsDirectory)
        {
            return StorageStatus.NotADirectory;
        }
        return DirectoryCluster(entry, out directoryId);
    }

    /// <summary>Returns the next entry of a directory after <paramref name="cookie"/> (start with
    /// 0): its long name (or short name) in <paramref name="name"/>, which needs room for 255
    /// units, and its stat. "." and ".." are skipped. <paramref name="end"/> is set when no entry
    /// is left. BadArgument for an id that is not a cluster or a cookie out of range or a short
    /// name buffer; Corrupt or IoError when the directory cannot be read.</summary>
    public StorageStatus ReadDirectory(uint directoryId, ref int cookie, Span<char> name, out int nameLength, out FatStat stat, out bool end)
    {
        nameLength = 0;
        stat = default;
        end = false;
        if (!ValidCluster(directoryId) || cookie < 0 || cookie > MaxDirEntries)
        {
            return StorageStatus.BadArgument;
        }
        DirScan scan = NewScan(directoryId);
        scan.Index = cookie;
        for (int guard = 0; guard <= MaxDirEntries; guard++)
        {
            StorageStatus status = NextEntry(ref scan, out DirEntry entry, out end);
            if (status != StorageStatus.Ok)
            {
                return status;
            }
            cookie = scan.Index;
            if (end)
            {
                return StorageStatus.Ok;
            }
            if (entry.IsDot)
            {
                continue;
            }
            ReadOnlySpan<char> display = DisplayName;
            if (display.Length > name.Length)
            {
                return StorageStatus.BadArgument;
            }
            display.CopyTo(name);
            nameLength = display.Length;
            return FillStat(entry, out stat);
        }
        end = true;
        return StorageStatus.Ok;
    }

    private StorageStatus FillStat(in DirEntry entry, out FatStat stat)
    {
        stat = new FatStat
        {
            Size = entry.IsDirectory ? 0 : entry.Size,
            IsDirectory = entry.IsDirectory,
            Attributes = entry.Attributes,
            FirstCluster = entry.FirstCluster,
        };
        if (entry.IsRoot)
        {
            return StorageStatus.Ok;
        }
        StorageStatus status = _cache.Get(entry.Lba, true, out int slot);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        ReadOnlySpan<byte> raw = _cache.Data(slot).Slice(entry.Offset, EntrySize);
        stat.CreateTime = (ushort)(raw[14] | (raw[15] << 8));
        stat.CreateDate = (ushort)(raw[16] | (raw[17] << 8));
        stat.WriteTime = (ushort)(raw[22] | (raw[23] << 8));
        stat.WriteDate = (ushort)(raw[24] | (raw[25] << 8));
        return StorageStatus.Ok;
    }

    private StorageStatus DirectoryCluster(in DirEntry entry, out uint cluster)
    {
        cluster = entry.IsRoot ? _geo.RootCluster : entry.FirstCluster;
        return ValidCluster(cluster) ? StorageStatus.Ok : MarkCorrupt();
    }

    private static bool NextComponent(ReadOnlySpan<char> path, ref int position, out ReadOnlySpan<char> component)
    {
        while (position < path.Length && path[position] == '/')
        {
            position++;
        }
        int start = position;
        while (position < path.Length && path[position] != '/')
        {
            position++;
        }
        component = path[start..position];
        return component.Length > 0;
    }

    private static bool IsDotName(ReadOnlySpan<char> name) => name.SequenceEqual(".") || name.SequenceEqual("..");

    /// <summary>Follows every component of <paramref name="path"/> from the root. Each step moves
    /// forward in the path, so the walk ends even when directories contain themselves.</summary>
    private StorageStatus Resolve(ReadOnlySpan<char> path, out DirEntry entry)
    {
        entry = RootEntry;
        if (path.Length > MaxPathLength)
        {
            return StorageStatus.BadName;
        }
        int position = 0;
        while (NextComponent(path, ref position, out ReadOnlySpan<char> component))
        {
            if (IsDotName(component))
            {
                return StorageStatus.BadName;
            }
            if (!entry.IsDirectory)
            {
                return StorageStatus.NotADirectory;
            }
            StorageStatus status = DirectoryCluster(entry, out uint dir);
            if (status == StorageStatus.Ok)
            {
                status = Find(dir, component, out entry);
            }
            if (status != StorageStatus.Ok)
            {
                return status;
            }
        }
        return StorageStatus.Ok;
    }

    /// <summary>Resolves all but the last component, which must be a directory, and returns the
    /// last one in <paramref name="leaf"/>. BadName for the root itself or a "."/".." leaf.</summary>
    private StorageStatus ResolveParent(ReadOnlySpan<char> path, out uint parent, out ReadOnlySpan<char> leaf)
    {
        parent = 0;
        leaf = default;
        if (path.Length > MaxPathLength)
        {
            return StorageStatus.BadName;
        }
        ReadOnlySpan<char> trimmed = path.TrimEnd('/');
        int slash = trimmed.LastIndexOf('/');
        leaf = trimmed[(slash + 1)..];
        if (leaf.Length == 0 || IsDotName(leaf))
        {
            return StorageStatus.BadName;
        }
        StorageStatus status = Resolve(slash < 0 ? ReadOnlySpan<char>.Empty : trimmed[..slash], out DirEntry dir);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        if (!dir.IsDirectory)
        {
            return StorageStatus.NotADirectory;
        }
        return DirectoryCluster(dir, out parent);
    }
}

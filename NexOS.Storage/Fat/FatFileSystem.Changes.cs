namespace NexOS.Storage.Fat;

/// <summary>Path operations that change the volume: mkdir, unlink, rmdir and rename/move.
/// Each checks first that the volume accepts changes (ReadOnly, Corrupt).</summary>
public sealed partial class FatFileSystem
{
    private readonly byte[] _template = new byte[EntrySize];

    /// <summary>Creates the directory <paramref name="path"/> with its "." and ".." entries.
    /// Exists, BadName, NotFound/NotADirectory (parent), NoSpace, ReadOnly, Corrupt.</summary>
    public StorageStatus CreateDirectory(ReadOnlySpan<char> path)
    {
        StorageStatus status = CanWrite();
        if (status == StorageStatus.Ok)
        {
            status = ResolveParent(path, out uint parent, out ReadOnlySpan<char> leaf);
            if (status == StorageStatus.Ok)
            {
                status = MakeDirectory(parent, leaf);
            }
        }
        return status;
    }

    private StorageStatus MakeDirectory(uint parent, ReadOnlySpan<char> leaf)
    {
        if (!FatNames.IsValidLongName(leaf))
        {
            return StorageStatus.BadName;
        }
        StorageStatus status = Find(parent, leaf, out _);
        if (status != StorageStatus.NotFound)
        {
            return status == StorageStatus.Ok ? StorageStatus.Exists : status;
        }
        status = AllocateCluster(0, out uint cluster);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        status = ZeroCluster(cluster);
        if (status == StorageStatus.Ok)
        {
            status = _cache.Get(ClusterToSector(cluster), false, out int slot);
            if (status == StorageStatus.Ok)
            {
                Span<byte> sector = _cache.Data(slot);
                MakeTemplate(sector, 0x10, cluster);
                sector[..11].Fill((byte)' ');
                sector[0] = (byte)'.';
                // ".." of a directory in the root records cluster 0, not the root's cluster.
                MakeTemplate(sector.Slice(EntrySize), 0x10, parent == _geo.RootCluster ? 0 : parent);
                sector.Slice(EntrySize, 11).Fill((byte)' ');
                sector[EntrySize] = (byte)'.';
                sector[EntrySize + 1] = (byte)'.';
                _cache.MarkDirty(slot);
                MakeTemplate(_template, 0x10, cluster);
                status = AddEntry(parent, leaf, _template, out _);
            }
        }
        if (status != StorageStatus.Ok)
        {
            FreeChain(cluster);
        }
        return status;
    }

    /// <summary>Removes the file at <paramref name="path"/> and frees its clusters. IsADirectory,
    /// InUse (open), NotFound, ReadOnly, Corrupt.</summary>
    public StorageStatus Delete(ReadOnlySpan<char> path)
    {
        StorageStatus status = ResolveForChange(path, out DirEntry entry);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        if (entry.IsDirectory)
        {
            return StorageStatus.IsADirectory;
        }
        if (IsEntryOpen(entry))
        {
            return StorageStatus.InUse;
        }
        return RemoveAndFree(entry);
    }

    /// <summary>The entry a change names, once the volume may be written: ReadOnly or Corrupt
    /// first, then what resolving the path says.</summary>
    private StorageStatus ResolveForChange(ReadOnlySpan<char> path, out DirEntry entry)
    {
        entry = default;
        StorageStatus status = CanWrite();
        return status != StorageStatus.Ok ? status : Resolve(path, out entry);
    }

    private StorageStatus RemoveAndFree(in DirEntry entry)
    {
        StorageStatus status = RemoveEntry(entry);
        if (status != StorageStatus.Ok || entry.FirstCluster == 0)
        {
            return status;
        }
        return ValidCluster(entry.FirstCluster) ? FreeChain(entry.FirstCluster) : MarkCorrupt();
    }

    /// <summary>Removes the empty directory at <paramref name="path"/>. NotEmpty, NotADirectory,
    /// BadArgument for the root, NotFound, ReadOnly, Corrupt.</summary>
    public StorageStatus RemoveDirectory(ReadOnlySpan<char> path)
    {
        StorageStatus status = ResolveForChange(path, out DirEntry entry);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        if (entry.IsRoot)
        {
            return StorageStatus.BadArgument;
        }
        if (!entry.IsDirectory)
        {
            return StorageStatus.NotADirectory;
        }
        status = CheckEmpty(entry);
        return status == StorageStatus.Ok ? RemoveAndFree(entry) : status;
    }

    private StorageStatus CheckEmpty(in DirEntry directory)
    {
        StorageStatus status = DirectoryCluster(directory, out uint cluster);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        DirScan scan = NewScan(cluster);
        for (int guard = 0; guard <= MaxDirEntries; guard++)
        {
            status = NextEntry(ref scan, out DirEntry child, out bool end);
            if (status != StorageStatus.Ok || end)
            {
                return status;
            }
            if (!child.IsDot)
            {
                return StorageStatus.NotEmpty;
            }
        }
        return StorageStatus.Ok;
    }
}

namespace NexOS.Storage.Fat;

/// <summary>Open files: a fixed table of handles. Each remembers where its short entry lives
/// (changes to size and first cluster are written there at once, through the cache) and the
/// last cluster it reached, so sequential reads and writes do not walk the chain again.</summary>
public sealed partial class FatFileSystem
{
    /// <summary>Handles that may be open at once.</summary>
    public const int MaxOpenFiles = 64;

    private readonly OpenFile[] _files;
    private long _dataWrites;

    private struct OpenFile
    {
        public bool Used;
        public bool Writable;
        public uint FirstCluster;
        public uint Size;
        public ulong EntryLba;
        public int EntryOffset;
        public uint PositionIndex;
        public uint PositionCluster;
    }

    /// <summary>Opens (or with <see cref="FatOpenFlags.Create"/> creates) the file at
    /// <paramref name="path"/>. NotFound, IsADirectory, NotADirectory (a parent is a file),
    /// Exists (Create|Exclusive), BadName, LimitReached (no free handle), ReadOnly/Corrupt for
    /// changes on a volume that refuses them.</summary>
    public StorageStatus Open(ReadOnlySpan<char> path, FatOpenFlags flags, out int handle)
    {
        handle = -1;
        bool writable = (flags & (FatOpenFlags.Write | FatOpenFlags.Create | FatOpenFlags.Truncate)) != 0;
        if (writable)
        {
            StorageStatus allowed = CanWrite();
            if (allowed != StorageStatus.Ok)
            {
                return allowed;
            }
        }
        int free = -1;
        for (int i = 0; i < _files.Length && free < 0; i++)
        {
            free = _files[i].Used ? -1 : i;
        }
        if (free < 0)
        {
            return StorageStatus.LimitReached;
        }
        StorageStatus status = ResolveParent(path, out uint parent, out ReadOnlySpan<char> leaf);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        status = Find(parent, leaf, out DirEntry entry);
        if (status == StorageStatus.NotFound && (flags & FatOpenFlags.Create) != 0)
        {
            Span<byte> template = stackalloc byte[EntrySize];
            MakeTemplate(template, 0x20, 0);
            status = AddEntry(parent, leaf, template, out entry);
        }
        else if (status == StorageStatus.Ok && (flags & (FatOpenFlags.Create | FatOpenFlags.Exclusive)) == (FatOpenFlags.Create | FatOpenFlags.Exclusive))
        {
            return StorageStatus.Exists;
        }
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        if (entry.IsDirectory)
        {
            return StorageStatus.IsADirectory;
        }
        if (entry.FirstCluster != 0 && !ValidCluster(entry.FirstCluster))
        {
            return MarkCorrupt();
        }
        _files[free] = new OpenFile
        {
            Used = true,
            Writable = writable,
            FirstCluster = entry.FirstCluster,
            Size = entry.Size,
            EntryLba = entry.Lba,
            EntryOffset = entry.Offset,
        };
        // Another handle on the same file may have changed it already; share its view.
        for (int i = 0; i < _files.Length; i++)
        {
            if (i != free && SameFile(i, free))
            {
                _files[free].FirstCluster = _files[i].FirstCluster;
                _files[free].Size = _files[i].Size;
                break;
            }
        }
        handle = free;
        if ((flags & FatOpenFlags.Truncate) != 0 && _files[free].Size != 0)
        {
            status = Truncate(free, 0);
            if (status != StorageStatus.Ok)
            {
                _files[free].Used = false;
                handle = -1;
                return status;
            }
        }
        return StorageStatus.Ok;
    }

    /// <summary>Releases a handle. BadArgument for a handle that is not open.</summary>
    public StorageStatus Close(int handle)
    {
        if (!IsOpen(handle))
        {
            return StorageStatus.BadArgument;
        }
        _files[handle] = default;
        return StorageStatus.Ok;
    }

    /// <summary>The size of an open file. BadArgument for a handle that is not open.</summary>
    public StorageStatus GetSize(int handle, out ulong size)
    {
        size = 0;
        if (!IsOpen(handle))
        {
            return StorageStatus.BadArgument;
        }
        size = _files[handle].Size;
        return StorageStatus.Ok;
    }

    private bool IsOpen(int handle) => handle >= 0 && handle < _files.Length && _files[handle].Used;

    private bool SameFile(int a, int b) =>
        _files[a].Used && _files[b].Used && _files[a].EntryLba == _files[b].EntryLba && _files[a].EntryOffset == _files[b].EntryOffset;

    private bool IsEntryOpen(in DirEntry entry)
    {
        for (int i = 0; i < _files.Length; i++)
        {
            if (_files[i].Used && _files[i].EntryLba == entry.Lba && _files[i].EntryOffset == entry.Offset)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Writes a handle's size and first cluster to its entry and to every other handle
    /// on the same file.</summary>
    private StorageStatus Publish(int handle)
    {
        ref OpenFile file = ref _files[handle];
        for (int i = 0; i < _files.Length; i++)
        {
            if (i != handle && SameFile(i, handle))
            {
                if (_files[i].FirstCluster != file.FirstCluster)
                {
                    _files[i].PositionCluster = 0;
                    _files[i].PositionIndex = 0;
                }
                _files[i].FirstCluster = file.FirstCluster;
                _files[i].Size = file.Size;
            }
        }
        return UpdateEntry(file.EntryLba, file.EntryOffset, file.FirstCluster, file.Size);
    }

    /// <summary>The cluster holding cluster index <paramref name="index"/> of a file, starting from
    /// the handle's remembered position. With <paramref name="grow"/> missing clusters are
    /// allocated; without it a chain shorter than needed is Corrupt (the size claims more).</summary>
    private StorageStatus ClusterAt(int handle, uint index, bool grow, out uint cluster)
    {
        ref OpenFile file = ref _files[handle];
        cluster = 0;
        if (file.FirstCluster == 0)
        {
            if (!grow)
            {
                return MarkCorrupt();
            }
            StorageStatus allocated = AllocateCluster(0, out uint first);
            if (allocated != StorageStatus.Ok)
            {
                return allocated;
            }
            file.FirstCluster = first;
            file.PositionIndex = 0;
            file.PositionCluster = first;
            allocated = Publish(handle);
            if (allocated != StorageStatus.Ok)
            {
                return allocated;
            }
        }
        if (file.PositionCluster == 0 || file.PositionIndex > index)
        {
            file.PositionIndex = 0;
            file.PositionCluster = file.FirstCluster;
        }
        // No file holds as many clusters as the volume (the root takes one): an index that far
        // along can only be reached through a loop in the chain.
        if (index >= _geo.ClusterCount)
        {
            return MarkCorrupt();
        }
        while (file.PositionIndex < index)
        {
            StorageStatus status = NextCluster(file.PositionCluster, out uint next, out bool end);
            if (status == StorageStatus.Ok && end)
            {
                status = grow ? AllocateCluster(file.PositionCluster, out next) : MarkCorrupt();
            }
            if (status != StorageStatus.Ok)
            {
                return status;
            }
            file.PositionCluster = next;
            file.PositionIndex++;
        }
        cluster = file.PositionCluster;
        return StorageStatus.Ok;
    }
}

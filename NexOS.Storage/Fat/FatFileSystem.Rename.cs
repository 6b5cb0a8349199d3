using System.Buffers.Binary;

namespace NexOS.Storage.Fat;

/// <summary>Rename and move: the new entry is written before the old one is removed, a moved
/// directory's ".." follows it, and a move into the directory's own subtree is refused.</summary>
public sealed partial class FatFileSystem
{
    /// <summary>Renames or moves a file or directory; an existing target file (or empty target
    /// directory, when moving a directory) is replaced. Moving a directory updates its "..".
    /// BadArgument for the root or a move into the directory's own subtree, InUse for an open
    /// target, IsADirectory/NotADirectory for a kind mismatch, NotEmpty, BadName, NoSpace,
    /// NotFound, ReadOnly, Corrupt.</summary>
    public StorageStatus Rename(ReadOnlySpan<char> from, ReadOnlySpan<char> to)
    {
        StorageStatus status = CanWrite();
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        status = Resolve(from, out DirEntry source);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        if (source.IsRoot)
        {
            return StorageStatus.BadArgument;
        }
        status = ResolveParent(to, out uint parent, out ReadOnlySpan<char> leaf);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        if (!FatNames.IsValidLongName(leaf))
        {
            return StorageStatus.BadName;
        }
        if (source.IsDirectory && parent != source.DirCluster)
        {
            status = CheckNotInside(source.FirstCluster, parent);
            if (status != StorageStatus.Ok)
            {
                return status;
            }
        }
        status = Find(parent, leaf, out DirEntry existing);
        bool sameEntry = status == StorageStatus.Ok && existing.Lba == source.Lba && existing.Offset == source.Offset;
        if (status == StorageStatus.Ok && !sameEntry)
        {
            status = ReplaceTarget(source, existing);
        }
        else if (status == StorageStatus.NotFound || sameEntry)
        {
            status = StorageStatus.Ok;
        }
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        status = _cache.Get(source.Lba, true, out int slot);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        _cache.Data(slot).Slice(source.Offset, EntrySize).CopyTo(_template);
        // A new name for the same entry (a change of case) frees the old slots first; otherwise
        // the new entry is written before the old one goes, so a crash leaves two names, not none.
        if (sameEntry)
        {
            status = RemoveEntry(source);
        }
        DirEntry created = default;
        if (status == StorageStatus.Ok)
        {
            status = AddEntry(parent, leaf, _template, out created);
        }
        if (status == StorageStatus.Ok && !sameEntry)
        {
            status = RemoveEntry(source);
        }
        if (status == StorageStatus.Ok && source.IsDirectory && parent != source.DirCluster)
        {
            status = SetDotDot(source.FirstCluster, parent);
        }
        for (int i = 0; i < _files.Length && status == StorageStatus.Ok; i++)
        {
            if (_files[i].Used && _files[i].EntryLba == source.Lba && _files[i].EntryOffset == source.Offset)
            {
                _files[i].EntryLba = created.Lba;
                _files[i].EntryOffset = created.Offset;
            }
        }
        return status;
    }

    private StorageStatus ReplaceTarget(in DirEntry source, in DirEntry existing)
    {
        if (source.IsDirectory != existing.IsDirectory)
        {
            return existing.IsDirectory ? StorageStatus.IsADirectory : StorageStatus.NotADirectory;
        }
        if (existing.IsDirectory)
        {
            StorageStatus empty = CheckEmpty(existing);
            if (empty != StorageStatus.Ok)
            {
                return empty;
            }
        }
        else if (IsEntryOpen(existing))
        {
            return StorageStatus.InUse;
        }
        return RemoveAndFree(existing);
    }

    /// <summary>BadArgument when <paramref name="target"/> is <paramref name="directory"/> or lies
    /// below it, found by climbing ".." entries to the root (bounded by the cluster count).</summary>
    private StorageStatus CheckNotInside(uint directory, uint target)
    {
        uint current = target;
        for (uint guard = 0; guard <= _geo.ClusterCount; guard++)
        {
            if (current == directory)
            {
                return StorageStatus.BadArgument;
            }
            if (current == _geo.RootCluster)
            {
                return StorageStatus.Ok;
            }
            StorageStatus status = DotDotEntry(current, out int slot, out int offset);
            if (status != StorageStatus.Ok)
            {
                return status;
            }
            ReadOnlySpan<byte> raw = _cache.Data(slot).Slice(offset, EntrySize);
            uint up = ((uint)BinaryPrimitives.ReadUInt16LittleEndian(raw[20..]) << 16) | BinaryPrimitives.ReadUInt16LittleEndian(raw[26..]);
            current = up == 0 ? _geo.RootCluster : up;
        }
        return MarkCorrupt();
    }

    private StorageStatus SetDotDot(uint directory, uint parent)
    {
        StorageStatus status = DotDotEntry(directory, out int slot, out int offset);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        uint value = parent == _geo.RootCluster ? 0 : parent;
        Span<byte> raw = _cache.Data(slot).Slice(offset, EntrySize);
        BinaryPrimitives.WriteUInt16LittleEndian(raw[20..], (ushort)(value >> 16));
        BinaryPrimitives.WriteUInt16LittleEndian(raw[26..], (ushort)value);
        _cache.MarkDirty(slot);
        return StorageStatus.Ok;
    }

    /// <summary>Finds the ".." entry (the second slot) of a directory in the cache; Corrupt when
    /// the slot holds something else.</summary>
    private StorageStatus DotDotEntry(uint directory, out int slot, out int offset)
    {
        slot = -1;
        DirScan scan = NewScan(directory);
        StorageStatus status = Locate(ref scan, 1, out ulong lba, out offset);
        if (status == StorageStatus.Ok)
        {
            status = _cache.Get(lba, true, out slot);
        }
        if (status != StorageStatus.Ok)
        {
            return status == StorageStatus.NotFound ? MarkCorrupt() : status;
        }
        ReadOnlySpan<byte> raw = _cache.Data(slot).Slice(offset, EntrySize);
        if (raw[0] != '.' || raw[1] != '.' || raw[2] != ' ' || (raw[11] & 0x10) == 0)
        {
            return MarkCorrupt();
        }
        return StorageStatus.Ok;
    }
}

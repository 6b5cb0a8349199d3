using System.Buffers.Binary;

namespace NexOS.Storage.Fat;

/// <summary>Changing directories: adding an entry (long-name entries plus a unique short
/// name, reusing deleted slots, growing the directory by zeroed clusters), removing one,
/// and updating a short entry's cluster, size and write time.</summary>
public sealed partial class FatFileSystem
{
    private const int MaxShortNameTail = 9999;

    private readonly byte[] _shortBytes = new byte[11];

    /// <summary>Adds <paramref name="name"/> to a directory with the short entry's other fields
    /// taken from <paramref name="template"/> (32 bytes). BadName, Exists, NoSpace (directory
    /// full or no cluster to grow it), or a device/corruption status.</summary>
    private StorageStatus AddEntry(uint dirCluster, ReadOnlySpan<char> name, ReadOnlySpan<byte> template, out DirEntry created)
    {
        created = default;
        if (!FatNames.IsValidLongName(name))
        {
            return StorageStatus.BadName;
        }
        StorageStatus status = Find(dirCluster, name, out _);
        if (status == StorageStatus.Ok)
        {
            return StorageStatus.Exists;
        }
        if (status != StorageStatus.NotFound)
        {
            return status;
        }
        byte[] shortName = _shortBytes;
        bool needLong = !FatNames.TryExactShortName(name, shortName, out byte caseFlags);
        if (needLong)
        {
            caseFlags = 0;
            bool found = false;
            for (int tail = 1; tail <= MaxShortNameTail && !found; tail++)
            {
                FatNames.MakeShortName(name, tail, shortName);
                status = ShortNameTaken(dirCluster, shortName, out bool taken);
                if (status != StorageStatus.Ok)
                {
                    return status;
                }
                found = !taken;
            }
            if (!found)
            {
                return StorageStatus.NoSpace;
            }
        }
        int longParts = needLong ? (name.Length + 12) / 13 : 0;
        int slots = longParts + 1;
        status = FindFreeRun(dirCluster, slots, out int start);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        byte checksum = FatNames.Checksum(shortName);
        DirScan scan = NewScan(dirCluster);
        for (int i = 0; i < slots; i++)
        {
            status = Locate(ref scan, start + i, out ulong lba, out int offset);
            if (status == StorageStatus.Ok)
            {
                status = _cache.Get(lba, true, out int slot);
                if (status == StorageStatus.Ok)
                {
                    Span<byte> raw = _cache.Data(slot).Slice(offset, EntrySize);
                    if (i < longParts)
                    {
                        WriteLongPart(raw, name, longParts - i, longParts, checksum);
                    }
                    else
                    {
                        template[..EntrySize].CopyTo(raw);
                        shortName.CopyTo(raw);
                        raw[12] = caseFlags;
                        created = new DirEntry
                        {
                            DirCluster = dirCluster,
                            Index = start + i,
                            FirstSlot = start,
                            Lba = lba,
                            Offset = offset,
                            Attributes = raw[11],
                            FirstCluster = ((uint)BinaryPrimitives.ReadUInt16LittleEndian(raw[20..]) << 16) | BinaryPrimitives.ReadUInt16LittleEndian(raw[26..]),
                            Size = BinaryPrimitives.ReadUInt32LittleEndian(raw[28..]),
                        };
                    }
                    _cache.MarkDirty(slot);
                }
            }
            if (status != StorageStatus.Ok)
            {
                return status == StorageStatus.NotFound ? MarkCorrupt() : status;
            }
        }
        return StorageStatus.Ok;
    }

    private static void WriteLongPart(Span<byte> raw, ReadOnlySpan<char> name, int sequence, int parts, byte checksum)
    {
        raw.Clear();
        raw[0] = (byte)(sequence | (sequence == parts ? 0x40 : 0));
        raw[11] = 0x0F;
        raw[13] = checksum;
        int position = (sequence - 1) * 13;
        for (int i = 0; i < 13; i++)
        {
            int at = position + i;
            ushort unit = at < name.Length ? name[at] : at == name.Length ? (ushort)0 : (ushort)0xFFFF;
            BinaryPrimitives.WriteUInt16LittleEndian(raw[s_lfnOffsets[i]..], unit);
        }
    }

    /// <summary>Finds <paramref name="slots"/> consecutive free entries, growing the directory by
    /// zeroed clusters when it has none. Everything after an end marker counts as free; when the
    /// run is placed there the slot after it becomes the new end marker.</summary>
    private StorageStatus FindFreeRun(uint dirCluster, int slots, out int start)
    {
        start = -1;
        DirScan scan = NewScan(dirCluster);
        int run = 0;
        bool pastEnd = false;
        int index = 0;
        for (; index < MaxDirEntries; index++)
        {
            StorageStatus status = Locate(ref scan, index, out ulong lba, out int offset);
            if (status == StorageStatus.NotFound)
            {
                break;
            }
            if (status == StorageStatus.Ok)
            {
                status = _cache.Get(lba, true, out int slot);
                if (status == StorageStatus.Ok)
                {
                    byte first = _cache.Data(slot)[offset];
                    pastEnd |= first == 0;
                    run = pastEnd || first == 0xE5 ? run + 1 : 0;
                }
            }
            if (status != StorageStatus.Ok)
            {
                return status;
            }
            if (run == slots)
            {
                start = index - slots + 1;
                return pastEnd ? MarkEnd(ref scan, index + 1) : StorageStatus.Ok;
            }
        }
        start = index - run;
        if (start + slots > MaxDirEntries)
        {
            return StorageStatus.NoSpace;
        }
        // The chain ended at `index` entries; add clusters until the run fits.
        int perCluster = _geo.ClusterBytes / EntrySize;
        uint last = scan.Cluster;
        for (int have = index; have < start + slots; have += perCluster)
        {
            StorageStatus status = AllocateCluster(last, out uint cluster);
            if (status == StorageStatus.Ok)
            {
                status = ZeroCluster(cluster);
            }
            if (status != StorageStatus.Ok)
            {
                return status;
            }
            last = cluster;
        }
        return StorageStatus.Ok;
    }

    private StorageStatus MarkEnd(ref DirScan scan, int index)
    {
        StorageStatus status = Locate(ref scan, index, out ulong lba, out int offset);
        if (status == StorageStatus.NotFound)
        {
            return StorageStatus.Ok;
        }
        if (status == StorageStatus.Ok)
        {
            status = _cache.Get(lba, true, out int slot);
            if (status == StorageStatus.Ok && _cache.Data(slot)[offset] != 0)
            {
                _cache.Data(slot)[offset] = 0;
                _cache.MarkDirty(slot);
            }
        }
        return status;
    }

    /// <summary>Marks an entry's long-name slots and its short slot deleted.</summary>
    private StorageStatus RemoveEntry(in DirEntry entry)
    {
        DirScan scan = NewScan(entry.DirCluster);
        for (int index = entry.FirstSlot; index <= entry.Index && index - entry.FirstSlot <= 20; index++)
        {
            StorageStatus status = Locate(ref scan, index, out ulong lba, out int offset);
            if (status == StorageStatus.Ok)
            {
                status = _cache.Get(lba, true, out int slot);
                if (status == StorageStatus.Ok)
                {
                    _cache.Data(slot)[offset] = 0xE5;
                    _cache.MarkDirty(slot);
                }
            }
            if (status != StorageStatus.Ok)
            {
                return status == StorageStatus.NotFound ? MarkCorrupt() : status;
            }
        }
        return StorageStatus.Ok;
    }

    /// <summary>Writes a short entry's first cluster and size and stamps its write time.</summary>
    private StorageStatus UpdateEntry(ulong lba, int offset, uint firstCluster, uint size)
    {
        StorageStatus status = _cache.Get(lba, true, out int slot);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        Span<byte> raw = _cache.Data(slot).Slice(offset, EntrySize);
        BinaryPrimitives.WriteUInt16LittleEndian(raw[20..], (ushort)(firstCluster >> 16));
        BinaryPrimitives.WriteUInt16LittleEndian(raw[26..], (ushort)firstCluster);
        BinaryPrimitives.WriteUInt32LittleEndian(raw[28..], size);
        BinaryPrimitives.WriteUInt16LittleEndian(raw[22..], DosTime);
        BinaryPrimitives.WriteUInt16LittleEndian(raw[24..], DosDate);
        BinaryPrimitives.WriteUInt16LittleEndian(raw[18..], DosDate);
        raw[11] |= (byte)((raw[11] & 0x10) == 0 ? 0x20 : 0);
        _cache.MarkDirty(slot);
        return StorageStatus.Ok;
    }

    /// <summary>Fills a 32-byte short-entry template for a new file or directory.</summary>
    private void MakeTemplate(Span<byte> raw, byte attributes, uint firstCluster)
    {
        raw[..EntrySize].Clear();
        raw[11] = attributes;
        BinaryPrimitives.WriteUInt16LittleEndian(raw[14..], DosTime);
        BinaryPrimitives.WriteUInt16LittleEndian(raw[16..], DosDate);
        BinaryPrimitives.WriteUInt16LittleEndian(raw[18..], DosDate);
        BinaryPrimitives.WriteUInt16LittleEndian(raw[20..], (ushort)(firstCluster >> 16));
        BinaryPrimitives.WriteUInt16LittleEndian(raw[22..], DosTime);
        BinaryPrimitives.WriteUInt16LittleEndian(raw[24..], DosDate);
        BinaryPrimitives.WriteUInt16LittleEndian(raw[26..], (ushort)firstCluster);
    }
}


using System.Buffers.Binary;

namespace NexOS.Storage.Fat;

/// <summary>Reading directories: locating entry slots along a directory's chain, and a scan
/// that joins long-name entries (checked by sequence and checksum) to their short entry.
/// A directory holds at most 65536 entries (FAT's 2 MiB limit), which bounds every scan
/// even when the directory's chain loops.</summary>
public sealed partial class FatFileSystem
{
    private const int MaxDirEntries = 65536;
    private const int EntrySize = 32;
    private static readonly int[] s_lfnOffsets = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30];

    private readonly char[] _longName = new char[20 * 13];
    private readonly char[] _shortName = new char[12];
    private int _longLength;
    private int _shortLength;

    private ReadOnlySpan<char> DisplayName =>
        _longLength > 0 ? _longName.AsSpan(0, _longLength) : _shortName.AsSpan(0, _shortLength);

    private static DirScan NewScan(uint dirCluster) => new() { FirstCluster = dirCluster, Cluster = dirCluster };

    /// <summary>Finds the sector and offset of entry <paramref name="index"/>. NotFound past the
    /// end of the chain, Corrupt on a bad link.</summary>
    private StorageStatus Locate(ref DirScan scan, int index, out ulong lba, out int offset)
    {
        lba = 0;
        offset = 0;
        if (index < 0 || index >= MaxDirEntries)
        {
            return StorageStatus.NotFound;
        }
        long byteOffset = (long)index * EntrySize;
        int clusterIndex = (int)(byteOffset / _geo.ClusterBytes);
        if (clusterIndex < scan.ClusterIndex || scan.Cluster == 0)
        {
            scan.Cluster = scan.FirstCluster;
            scan.ClusterIndex = 0;
        }
        if (!ValidCluster(scan.Cluster))
        {
            return MarkCorrupt();
        }
        while (scan.ClusterIndex < clusterIndex)
        {
            StorageStatus status = NextCluster(scan.Cluster, out uint next, out bool end);
            if (status != StorageStatus.Ok)
            {
                return status;
            }
            if (end)
            {
                return StorageStatus.NotFound;
            }
            scan.Cluster = next;
            scan.ClusterIndex++;
        }
        int inCluster = (int)(byteOffset % _geo.ClusterBytes);
        lba = ClusterToSector(scan.Cluster) + (ulong)(inCluster / _geo.BytesPerSector);
        offset = inCluster % _geo.BytesPerSector;
        return StorageStatus.Ok;
    }

    /// <summary>Returns the next short entry (skipping free, long-name and label entries) with
    /// its display name in <see cref="DisplayName"/>; <paramref name="end"/> at the end marker,
    /// the chain's end or the entry limit.</summary>
    private StorageStatus NextEntry(ref DirScan scan, out DirEntry entry, out bool end)
    {
        entry = default;
        end = false;
        while (scan.Index < MaxDirEntries)
        {
            int index = scan.Index;
            StorageStatus status = Locate(ref scan, index, out ulong lba, out int offset);
            if (status == StorageStatus.NotFound)
            {
                break;
            }
            if (status != StorageStatus.Ok)
            {
                return status;
            }
            status = _cache.Get(lba, true, out int slot);
            if (status != StorageStatus.Ok)
            {
                return status;
            }
            ReadOnlySpan<byte> raw = _cache.Data(slot).Slice(offset, EntrySize);
            scan.Index++;
            if (raw[0] == 0)
            {
                break;
            }
            byte attributes = raw[11];
            if (raw[0] == 0xE5 || ((attributes & 0x3F) != 0x0F && (attributes & 0x08) != 0))
            {
                scan.LfnExpected = 0;
                continue;
            }
            if ((attributes & 0x3F) == 0x0F)
            {
                AcceptLongNamePart(ref scan, raw, index);
                continue;
            }
            _shortLength = FatNames.FormatShortName(raw, _shortName);
            bool longValid = scan.LfnExpected == 1 && scan.LfnChecksum == FatNames.Checksum(raw);
            _longLength = longValid ? LongNameLength(scan.LfnCount) : 0;
            scan.LfnExpected = 0;
            entry = new DirEntry
            {
                DirCluster = scan.FirstCluster,
                Index = index,
                FirstSlot = _longLength > 0 ? scan.LfnStart : index,
                Lba = lba,
                Offset = offset,
                Attributes = attributes,
                FirstCluster = ((uint)BinaryPrimitives.ReadUInt16LittleEndian(raw[20..]) << 16) | BinaryPrimitives.ReadUInt16LittleEndian(raw[26..]),
                Size = BinaryPrimitives.ReadUInt32LittleEndian(raw[28..]),
                IsDot = raw[0] == '.' && (raw[1] == ' ' || raw[1] == '.') && raw[2] == ' ',
            };
            return StorageStatus.Ok;
        }
        end = true;
        return StorageStatus.Ok;
    }

    private void AcceptLongNamePart(ref DirScan scan, ReadOnlySpan<byte> raw, int index)
    {
        int order = raw[0];
        int sequence = order & 0x1F;
        if ((order & 0x40) != 0 && sequence >= 1 && sequence <= 20)
        {
            scan.LfnCount = sequence;
            scan.LfnChecksum = raw[13];
            scan.LfnStart = index;
        }
        else if (!(scan.LfnExpected > 1 && sequence == scan.LfnExpected - 1 && raw[13] == scan.LfnChecksum && (order & 0x40) == 0))
        {
            scan.LfnExpected = 0;
            return;
        }
        scan.LfnExpected = sequence;
        int position = (sequence - 1) * 13;
        for (int i = 0; i < 13; i++)
        {
            _longName[position + i] = (char)BinaryPrimitives.ReadUInt16LittleEndian(raw[s_lfnOffsets[i]..]);
        }
    }

    private int LongNameLength(int parts)
    {
        int limit = parts * 13;
        int length = _longName.AsSpan(0, limit).IndexOf('\0');
        if (length < 0)
        {
            length = limit;
        }
        return length == 0 || length > FatNames.MaxLongName ? 0 : length;
    }

    /// <summary>Looks <paramref name="name"/> up in a directory, ignoring case, by long or short
    /// name. NotFound when absent.</summary>
    private StorageStatus Find(uint dirCluster, ReadOnlySpan<char> name, out DirEntry entry)
    {
        DirScan scan = NewScan(dirCluster);
        for (int guard = 0; guard <= MaxDirEntries; guard++)
        {
            StorageStatus status = NextEntry(ref scan, out entry, out bool end);
            if (status != StorageStatus.Ok)
            {
                return status;
            }
            if (end)
            {
                break;
            }
            if (!entry.IsDot && ((_longLength > 0 && FatNames.EqualsIgnoreCase(_longName.AsSpan(0, _longLength), name))
                || FatNames.EqualsIgnoreCase(_shortName.AsSpan(0, _shortLength), name)))
            {
                return StorageStatus.Ok;
            }
        }
        entry = default;
        return StorageStatus.NotFound;
    }

    /// <summary>True in <paramref name="taken"/> when a short entry of the directory has exactly
    /// the 11 bytes of <paramref name="shortName"/>.</summary>
    private StorageStatus ShortNameTaken(uint dirCluster, ReadOnlySpan<byte> shortName, out bool taken)
    {
        taken = false;
        DirScan scan = NewScan(dirCluster);
        for (int guard = 0; guard <= MaxDirEntries; guard++)
        {
            StorageStatus status = NextEntry(ref scan, out DirEntry entry, out bool end);
            if (status != StorageStatus.Ok || end)
            {
                return status;
            }
            status = _cache.Get(entry.Lba, true, out int slot);
            if (status != StorageStatus.Ok)
            {
                return status;
            }
            if (_cache.Data(slot).Slice(entry.Offset, 11).SequenceEqual(shortName[..11]))
            {
                taken = true;
                return StorageStatus.Ok;
            }
        }
        return StorageStatus.Ok;
    }
}

using System.Buffers.Binary;

namespace NexOS.Storage.Fat;

/// <summary>The file allocation table: entry access through the cache, chain steps that
/// refuse anything but a valid next cluster or an end mark, allocation from the next-free
/// hint forward, and freeing of chains bounded by the cluster count.</summary>
public sealed partial class FatFileSystem
{
    private StorageStatus ReadFat(uint cluster, out uint value)
    {
        value = 0;
        StorageStatus status = FatEntry(cluster, out int slot, out int at);
        if (status != StorageStatus.Ok)
        {
            return status;
        }

        value = BinaryPrimitives.ReadUInt32LittleEndian(_cache.Data(slot)[at..]) & FatMask;
        return StorageStatus.Ok;
    }

    /// <summary>Brings the FAT sector holding <paramref name="cluster"/>'s entry into the
    /// cache: its cache slot and the entry's byte offset in it. Corrupt for a cluster outside
    /// the volume.</summary>
    private StorageStatus FatEntry(uint cluster, out int slot, out int at)
    {
        slot = -1;
        at = 0;
        if (!ValidCluster(cluster))
        {
            return MarkCorrupt();
        }

        ulong offset = (ulong)cluster * 4;
        ulong lba = _geo.ReservedSectors + (offset / (uint)_geo.BytesPerSector);
        at = (int)(offset % (uint)_geo.BytesPerSector);
        return _cache.Get(lba, true, out slot);
    }

    private StorageStatus WriteFat(uint cluster, uint value)
    {
        StorageStatus status = FatEntry(cluster, out int slot, out int at);
        if (status != StorageStatus.Ok)
        {
            return status;
        }

        Span<byte> entry = _cache.Data(slot)[at..];
        // The top four bits are reserved and must be kept as they are.
        uint old = BinaryPrimitives.ReadUInt32LittleEndian(entry);
        BinaryPrimitives.WriteUInt32LittleEndian(entry, (old & ~FatMask) | (value & FatMask));
        _cache.MarkDirty(slot);
        return StorageStatus.Ok;
    }

    /// <summary>One step along a chain: Ok with <paramref name="end"/> at an end mark, Ok with
    /// the next cluster, or Corrupt when the entry is free, bad, reserved or out of the volume.</summary>
    private StorageStatus NextCluster(uint cluster, out uint next, out bool end)
    {
        next = 0;
        end = false;
        StorageStatus status = ReadFat(cluster, out uint value);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        if (value >= EndOfChainMin)
        {
            end = true;
            return StorageStatus.Ok;
        }
        if (!ValidCluster(value))
        {
            return MarkCorrupt();
        }
        next = value;
        return StorageStatus.Ok;
    }

    /// <summary>Takes a free cluster (searching forward from the next-free hint, wrapping once),
    /// marks it as a chain end and links it after <paramref name="previous"/> when that is not 0.
    /// NoSpace when every cluster is taken.</summary>
    private StorageStatus AllocateCluster(uint previous, out uint cluster)
    {
        cluster = 0;
        if (_freeKnown && _freeCount == 0)
        {
            return StorageStatus.NoSpace;
        }
        uint candidate = _nextFree;
        for (uint i = 0; i < _geo.ClusterCount; i++)
        {
            if (!ValidCluster(candidate))
            {
                candidate = 2;
            }
            StorageStatus status = ReadFat(candidate, out uint value);
            if (status != StorageStatus.Ok)
            {
                return status;
            }
            if (value == 0)
            {
                status = WriteFat(candidate, EndOfChain);
                if (status == StorageStatus.Ok && previous != 0)
                {
                    status = WriteFat(previous, candidate);
                }
                if (status != StorageStatus.Ok)
                {
                    return status;
                }
                cluster = candidate;
                _nextFree = candidate + 1 > _geo.MaxCluster ? 2 : candidate + 1;
                if (_freeKnown && _freeCount > 0)
                {
                    _freeCount--;
                }
                return StorageStatus.Ok;
            }
            candidate++;
        }
        _freeCount = 0;
        _freeKnown = true;
        return StorageStatus.NoSpace;
    }

    /// <summary>Frees the chain from <paramref name="first"/> on. Stops with Corrupt at a bad link
    /// (what was freed so far stays free) and after the cluster count at most (a loop).</summary>
    private StorageStatus FreeChain(uint first)
    {
        uint cluster = first;
        for (uint i = 0; i < _geo.ClusterCount; i++)
        {
            StorageStatus status = NextCluster(cluster, out uint next, out bool end);
            if (status != StorageStatus.Ok)
            {
                return status;
            }
            status = WriteFat(cluster, 0);
            if (status != StorageStatus.Ok)
            {
                return status;
            }
            if (_freeKnown && _freeCount < _geo.ClusterCount)
            {
                _freeCount++;
            }
            if (cluster < _nextFree)
            {
                _nextFree = cluster;
            }
            if (end)
            {
                return StorageStatus.Ok;
            }
            cluster = next;
        }
        return MarkCorrupt();
    }

    /// <summary>Writes zeros over a whole cluster, directly to the device.</summary>
    private StorageStatus ZeroCluster(uint cluster)
    {
        ulong lba = ClusterToSector(cluster);
        StorageStatus status = _cache.SyncRange(lba, (uint)_geo.SectorsPerCluster, drop: true);
        for (int i = 0; i < _geo.SectorsPerCluster && status == StorageStatus.Ok; i++)
        {
            status = _device.Write(lba + (uint)i, _zeros);
            _dataWrites++;
        }
        return status;
    }
}

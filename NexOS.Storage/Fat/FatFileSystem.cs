using System.Buffers.Binary;

namespace NexOS.Storage.Fat;

/// <summary>A FAT32 volume on an <see cref="IBlockDevice"/>: path operations (stat, directory
/// listing, mkdir, unlink, rmdir, rename) and open-file handles (read, write, truncate). All
/// metadata goes through a small write-back sector cache; <see cref="Flush"/> writes it, the
/// FSInfo hints and flushes the device. Nothing here throws on bad input or a damaged volume:
/// every loop over on-disk data is bounded by the cluster count or the directory size limit,
/// and once damage is seen the volume refuses further changes (Corrupt).</summary>
public sealed partial class FatFileSystem
{
    private const uint FatMask = 0x0FFFFFFF;
    private const uint EndOfChain = 0x0FFFFFFF;
    private const uint EndOfChainMin = 0x0FFFFFF8;
    private const int CacheSlots = 32;

    private readonly IBlockDevice _device;
    private readonly FatGeometry _geo;
    private readonly SectorCache _cache;
    private readonly byte[] _zeros;
    private readonly bool _readOnly;
    private bool _corrupt;
    private uint _freeCount;
    private bool _freeKnown;
    private uint _nextFree;

    private FatFileSystem(IBlockDevice device, FatGeometry geometry)
    {
        _device = device;
        _geo = geometry;
        _readOnly = device.ReadOnly;
        _cache = new SectorCache(device, geometry.BytesPerSector, CacheSlots, geometry.ReservedSectors, geometry.FatSectors, geometry.FatCount);
        _zeros = new byte[geometry.BytesPerSector];
        _files = new OpenFile[MaxOpenFiles];
        _nextFree = 2;
        // 2026-01-01 00:00:00 until the service sets the clock.
        DosDate = (ushort)(((2026 - 1980) << 9) | (1 << 5) | 1);
    }

    /// <summary>The volume's layout.</summary>
    public FatGeometry Geometry => _geo;

    /// <summary>True when the device refuses writes; every change then returns ReadOnly.</summary>
    public bool IsReadOnly => _readOnly;

    /// <summary>True once a damaged structure was seen; changes then return Corrupt.</summary>
    public bool CorruptionDetected => _corrupt;

    /// <summary>The date stamped on created and written entries, in FAT format
    /// (year-1980 in bits 9-15, month 5-8, day 0-4). The service sets it from its clock.</summary>
    public ushort DosDate { get; set; }

    /// <summary>The time stamped on created and written entries, in FAT format
    /// (hours 11-15, minutes 5-10, seconds/2 0-4).</summary>
    public ushort DosTime { get; set; }

    /// <summary>Sector writes issued to the device so far through the metadata cache and file data.</summary>
    public long DeviceWrites => _cache.Writes + _dataWrites;

    /// <summary>Mounts the FAT32 volume that starts at block 0 of <paramref name="device"/>.
    /// Returns Unsupported when it is not FAT32 (or the sector size differs from the block size),
    /// Corrupt when the boot sector's fields are out of range, IoError when it cannot be read.</summary>
    public static StorageStatus Mount(IBlockDevice device, out FatFileSystem? fileSystem)
    {
        fileSystem = null;
        int blockSize = device.BlockSize;
        if (blockSize != 512 && blockSize != 1024 && blockSize != 2048 && blockSize != 4096)
        {
            return StorageStatus.Unsupported;
        }
        byte[] sector = new byte[blockSize];
        if (device.BlockCount == 0)
        {
            return StorageStatus.Unsupported;
        }
        StorageStatus status = device.Read(0, sector);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        status = FatGeometry.Parse(sector, blockSize, device.BlockCount, out FatGeometry geometry);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        var fs = new FatFileSystem(device, geometry);
        fs.ReadFsInfo(sector);
        fileSystem = fs;
        return StorageStatus.Ok;
    }

    /// <summary>Mounts a bare FAT32 volume at block 0 or, failing that, the first FAT32 partition
    /// of an MBR. Returns the bare volume's status when no partition is found either.</summary>
    public static StorageStatus MountVolumeOrPartition(IBlockDevice device, out FatFileSystem? fileSystem)
    {
        StorageStatus bare = Mount(device, out fileSystem);
        if (bare == StorageStatus.Ok)
        {
            return bare;
        }
        if (MbrPartitions.FindFat32(device, out ulong first, out ulong count) != StorageStatus.Ok)
        {
            return bare;
        }
        return Mount(new OffsetBlockDevice(device, first, count), out fileSystem);
    }

    /// <summary>Total and free bytes of the data area (for df). Counts the free clusters once
    /// when the FSInfo hint was missing or implausible. Returns IoError/Corrupt when the FAT
    /// cannot be read.</summary>
    public StorageStatus GetSpace(out ulong totalBytes, out ulong freeBytes)
    {
        totalBytes = (ulong)_geo.ClusterCount * (uint)_geo.ClusterBytes;
        freeBytes = 0;
        if (!_freeKnown)
        {
            uint free = 0;
            for (uint c = 2; c <= _geo.MaxCluster; c++)
            {
                StorageStatus status = ReadFat(c, out uint value);
                if (status != StorageStatus.Ok)
                {
                    return status;
                }
                if (value == 0)
                {
                    free++;
                }
            }
            _freeCount = free;
            _freeKnown = true;
        }
        freeBytes = (ulong)_freeCount * (uint)_geo.ClusterBytes;
        return StorageStatus.Ok;
    }

    /// <summary>Writes every cached change (directory entries, FAT copies), the FSInfo hints and
    /// flushes the device. Returns the first device error; Ok on a read-only volume.</summary>
    public StorageStatus Flush()
    {
        if (_readOnly)
        {
            return StorageStatus.Ok;
        }
        StorageStatus status = WriteFsInfo();
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        status = _cache.FlushAll();
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        return _device.Flush();
    }

    private void ReadFsInfo(byte[] sector)
    {
        _freeKnown = false;
        if (_geo.FsInfoSector == 0 || _device.Read(_geo.FsInfoSector, sector) != StorageStatus.Ok || !FsInfoValid(sector))
        {
            return;
        }
        uint free = BinaryPrimitives.ReadUInt32LittleEndian(sector.AsSpan(488));
        uint next = BinaryPrimitives.ReadUInt32LittleEndian(sector.AsSpan(492));
        // Both are hints: a free count above the cluster count or a next-free outside the
        // data clusters is ignored (the count is then taken from the FAT when asked).
        if (free <= _geo.ClusterCount)
        {
            _freeCount = free;
            _freeKnown = true;
        }
        if (next >= 2 && next <= _geo.MaxCluster)
        {
            _nextFree = next;
        }
    }

    private static bool FsInfoValid(ReadOnlySpan<byte> sector) =>
        BinaryPrimitives.ReadUInt32LittleEndian(sector) == 0x41615252
        && BinaryPrimitives.ReadUInt32LittleEndian(sector[484..]) == 0x61417272
        && BinaryPrimitives.ReadUInt32LittleEndian(sector[508..]) == 0xAA550000;

    private StorageStatus WriteFsInfo()
    {
        if (_geo.FsInfoSector == 0)
        {
            return StorageStatus.Ok;
        }
        StorageStatus status = _cache.Get(_geo.FsInfoSector, true, out int slot);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        Span<byte> data = _cache.Data(slot);
        if (!FsInfoValid(data))
        {
            return StorageStatus.Ok;
        }
        uint free = _freeKnown ? _freeCount : 0xFFFFFFFF;
        if (BinaryPrimitives.ReadUInt32LittleEndian(data[488..]) != free
            || BinaryPrimitives.ReadUInt32LittleEndian(data[492..]) != _nextFree)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(data[488..], free);
            BinaryPrimitives.WriteUInt32LittleEndian(data[492..], _nextFree);
            _cache.MarkDirty(slot);
        }
        return StorageStatus.Ok;
    }

    private StorageStatus MarkCorrupt()
    {
        _corrupt = true;
        return StorageStatus.Corrupt;
    }

    /// <summary>The status a change must return before it starts: ReadOnly or Corrupt, else Ok.</summary>
    private StorageStatus CanWrite()
    {
        if (_readOnly)
        {
            return StorageStatus.ReadOnly;
        }
        return _corrupt ? StorageStatus.Corrupt : StorageStatus.Ok;
    }

    private ulong ClusterToSector(uint cluster) =>
        _geo.FirstDataSector + ((ulong)(cluster - 2) * (uint)_geo.SectorsPerCluster);

    private bool ValidCluster(uint cluster) => cluster >= 2 && cluster <= _geo.MaxCluster;
}

using System.Buffers.Binary;

namespace NexOS.Storage.Fat;

/// <summary>The layout of a FAT32 volume as its boot sector describes it, after
/// <see cref="Parse"/> has checked every field against the rules and the device size.</summary>
public readonly struct FatGeometry
{
    /// <summary>The smallest cluster count of a FAT32 volume (fewer makes it FAT12/16).</summary>
    public const uint MinClusters = 65525;

    /// <summary>The largest cluster count whose numbers stay below the reserved values.</summary>
    public const uint MaxClusters = 0x0FFFFFF5 - 2;

    /// <summary>Bytes per sector (equal to the device's block size).</summary>
    public int BytesPerSector { get; init; }

    /// <summary>Sectors per cluster, a power of two from 1 to 128.</summary>
    public int SectorsPerCluster { get; init; }

    /// <summary>Bytes per cluster.</summary>
    public int ClusterBytes => BytesPerSector * SectorsPerCluster;

    /// <summary>Sectors before the first FAT.</summary>
    public uint ReservedSectors { get; init; }

    /// <summary>Number of FAT copies (1 to 4).</summary>
    public int FatCount { get; init; }

    /// <summary>Sectors in each FAT copy.</summary>
    public uint FatSectors { get; init; }

    /// <summary>Sectors in the volume.</summary>
    public ulong TotalSectors { get; init; }

    /// <summary>The first sector of cluster 2.</summary>
    public ulong FirstDataSector => ReservedSectors + ((ulong)FatCount * FatSectors);

    /// <summary>Data clusters; valid cluster numbers run from 2 to <see cref="MaxCluster"/>.</summary>
    public uint ClusterCount { get; init; }

    /// <summary>The highest valid cluster number.</summary>
    public uint MaxCluster => ClusterCount + 1;

    /// <summary>The first cluster of the root directory.</summary>
    public uint RootCluster { get; init; }

    /// <summary>The FSInfo sector, or 0 when the volume has none.</summary>
    public uint FsInfoSector { get; init; }

    /// <summary>Checks a boot sector read from a device of <paramref name="blockCount"/> blocks of
    /// <paramref name="blockSize"/> bytes. Returns Unsupported for something that is not FAT32 (no
    /// signature, FAT12/16 fields, a sector size other than the device's, a version other than 0),
    /// Corrupt for a FAT32 boot sector with fields out of range, Ok with the geometry otherwise.</summary>
    public static StorageStatus Parse(ReadOnlySpan<byte> sector, int blockSize, ulong blockCount, out FatGeometry geometry)
    {
        geometry = default;
        if (sector.Length < 512 || sector[510] != 0x55 || sector[511] != 0xAA)
        {
            return StorageStatus.Unsupported;
        }
        int bytesPerSector = BinaryPrimitives.ReadUInt16LittleEndian(sector[11..]);
        int sectorsPerCluster = sector[13];
        uint reserved = BinaryPrimitives.ReadUInt16LittleEndian(sector[14..]);
        int fatCount = sector[16];
        int rootEntries = BinaryPrimitives.ReadUInt16LittleEndian(sector[17..]);
        uint total16 = BinaryPrimitives.ReadUInt16LittleEndian(sector[19..]);
        uint fatSize16 = BinaryPrimitives.ReadUInt16LittleEndian(sector[22..]);
        uint total32 = BinaryPrimitives.ReadUInt32LittleEndian(sector[32..]);
        uint fatSize32 = BinaryPrimitives.ReadUInt32LittleEndian(sector[36..]);
        int version = BinaryPrimitives.ReadUInt16LittleEndian(sector[42..]);
        uint rootCluster = BinaryPrimitives.ReadUInt32LittleEndian(sector[44..]);
        uint fsInfo = BinaryPrimitives.ReadUInt16LittleEndian(sector[48..]);

        // FAT12/16 keep a fixed root directory and a 16-bit FAT size; FAT32 has neither.
        if (rootEntries != 0 || fatSize16 != 0 || version != 0)
        {
            return StorageStatus.Unsupported;
        }
        if (bytesPerSector != blockSize || (blockSize != 512 && blockSize != 1024 && blockSize != 2048 && blockSize != 4096))
        {
            return StorageStatus.Unsupported;
        }
        if (sectorsPerCluster == 0 || (sectorsPerCluster & (sectorsPerCluster - 1)) != 0
            || (long)sectorsPerCluster * bytesPerSector > 65536)
        {
            return StorageStatus.Corrupt;
        }
        if (reserved == 0 || fatCount < 1 || fatCount > 4 || fatSize32 == 0)
        {
            return StorageStatus.Corrupt;
        }
        ulong total = total16 != 0 ? total16 : total32;
        ulong metadata = reserved + ((ulong)fatCount * fatSize32);
        if (total == 0 || total > blockCount || metadata >= total)
        {
            return StorageStatus.Corrupt;
        }
        ulong clusters = (total - metadata) / (uint)sectorsPerCluster;
        if (clusters < MinClusters || clusters > MaxClusters)
        {
            return StorageStatus.Corrupt;
        }
        // Every cluster plus the two reserved entries needs its 4-byte FAT entry.
        if ((ulong)fatSize32 * (uint)bytesPerSector / 4 < clusters + 2)
        {
            return StorageStatus.Corrupt;
        }
        if (rootCluster < 2 || rootCluster > clusters + 1)
        {
            return StorageStatus.Corrupt;
        }
        // FSInfo must lie in the reserved area after the boot sector; anything else means "none".
        if (fsInfo == 0 || fsInfo == 0xFFFF || fsInfo >= reserved)
        {
            fsInfo = 0;
        }
        geometry = new FatGeometry
        {
            BytesPerSector = bytesPerSector,
            SectorsPerCluster = sectorsPerCluster,
            ReservedSectors = reserved,
            FatCount = fatCount,
            FatSectors = fatSize32,
            TotalSectors = total,
            ClusterCount = (uint)clusters,
            RootCluster = rootCluster,
            FsInfoSector = fsInfo,
        };
        return StorageStatus.Ok;
    }
}

namespace NexOS.Storage.Fat;

/// <summary>What <see cref="FatFileSystem.Stat"/> and directory listings report for an entry.</summary>
public struct FatStat
{
    /// <summary>Bytes in the file (0 for directories).</summary>
    public ulong Size;

    /// <summary>True for a directory.</summary>
    public bool IsDirectory;

    /// <summary>The FAT attribute byte (0x01 read-only, 0x02 hidden, 0x04 system, 0x10 directory, 0x20 archive).</summary>
    public byte Attributes;

    /// <summary>The first data cluster (0 for an empty file); also the directory id of a directory.</summary>
    public uint FirstCluster;

    /// <summary>Last write date and time, FAT format.</summary>
    public ushort WriteDate;

    /// <summary>Last write time, FAT format.</summary>
    public ushort WriteTime;

    /// <summary>Creation date, FAT format.</summary>
    public ushort CreateDate;

    /// <summary>Creation time, FAT format.</summary>
    public ushort CreateTime;
}

/// <summary>How <see cref="FatFileSystem.Open"/> treats a missing or existing file.</summary>
[Flags]
public enum FatOpenFlags
{
    /// <summary>Open an existing file for reading.</summary>
    None = 0,

    /// <summary>Allow writes and truncation through the handle.</summary>
    Write = 1,

    /// <summary>Create the file when it does not exist (implies Write).</summary>
    Create = 2,

    /// <summary>With Create: fail with Exists when the file exists.</summary>
    Exclusive = 4,

    /// <summary>Cut an existing file to size 0 (implies Write).</summary>
    Truncate = 8,
}

/// <summary>Where one directory entry lives and what its short entry says.</summary>
internal struct DirEntry
{
    public uint DirCluster;
    public int Index;
    public int FirstSlot;
    public ulong Lba;
    public int Offset;
    public byte Attributes;
    public uint FirstCluster;
    public uint Size;
    public bool IsRoot;
    public bool IsDot;

    public readonly bool IsDirectory => (Attributes & 0x10) != 0;
}

/// <summary>The state of a forward scan over a directory's entries.</summary>
internal struct DirScan
{
    public uint FirstCluster;
    public uint Cluster;
    public int ClusterIndex;
    public int Index;
    public int LfnExpected;
    public int LfnCount;
    public byte LfnChecksum;
    public int LfnStart;
}

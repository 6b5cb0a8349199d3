namespace NexOS.Storage;

/// <summary>What a storage operation ended with. Errors are values: nothing in the storage
/// stack throws on bad input, whether it comes from a caller or from the disk.</summary>
public enum StorageStatus
{
    Ok = 0,

    /// <summary>An argument is out of range (a block past the end, a length that is not a
    /// multiple of the block size).</summary>
    BadArgument,

    /// <summary>The device reported an error or did not answer.</summary>
    IoError,

    /// <summary>The device or volume refuses writes.</summary>
    ReadOnly,

    /// <summary>The on-disk structure is damaged (a file system refuses to follow it).</summary>
    Corrupt,

    /// <summary>No such file, directory or entry.</summary>
    NotFound,

    /// <summary>The name is taken.</summary>
    Exists,

    /// <summary>A file where a directory was needed.</summary>
    NotADirectory,

    /// <summary>A directory where a file was needed.</summary>
    IsADirectory,

    /// <summary>The directory still holds entries.</summary>
    NotEmpty,

    /// <summary>The volume has no free space left.</summary>
    NoSpace,

    /// <summary>The name is not valid on this file system.</summary>
    BadName,

    /// <summary>The image is not a volume this code understands.</summary>
    Unsupported,

    /// <summary>A table (open files, cache) is full.</summary>
    LimitReached,

    /// <summary>The object is in use (an open file that cannot be removed).</summary>
    InUse,

    /// <summary>The result would exceed the largest size the file system can record.</summary>
    TooLarge,
}

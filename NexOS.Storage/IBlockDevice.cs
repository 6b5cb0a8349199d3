namespace NexOS.Storage;

/// <summary>
/// A disk as the storage stack sees it: numbered blocks of <see cref="BlockSize"/> bytes.
/// Drivers (virtio-blk, AHCI) implement it in their services; the block layer and file
/// systems use it; tests implement it over an array or a host image file.
/// </summary>
public interface IBlockDevice
{
    /// <summary>Bytes per block: 512 or 4096.</summary>
    int BlockSize { get; }

    /// <summary>Blocks on the device.</summary>
    ulong BlockCount { get; }

    /// <summary>True when writes are refused.</summary>
    bool ReadOnly { get; }

    /// <summary>Reads <paramref name="buffer"/>.Length / <see cref="BlockSize"/> blocks from
    /// <paramref name="block"/> on. The buffer's length must be a multiple of the block size
    /// and the range must lie on the device (BadArgument otherwise, nothing read).</summary>
    StorageStatus Read(ulong block, Span<byte> buffer);

    /// <summary>Writes the buffer's blocks from <paramref name="block"/> on, under the same
    /// rules as <see cref="Read"/>; ReadOnly when the device refuses writes.</summary>
    StorageStatus Write(ulong block, ReadOnlySpan<byte> buffer);

    /// <summary>Returns when every completed write is on stable storage.</summary>
    StorageStatus Flush();
}

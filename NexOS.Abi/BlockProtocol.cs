namespace NexOS.Abi;

/// <summary>
/// The block-device protocol every disk driver serves (user/virtioblk, docs/services.md) on
/// the endpoint it receives on. Labels below; the answer's Label is a NexOS.Storage
/// StorageStatus value (0: Ok).
/// Info: answers W0 = bytes per block (512 or 4096), W1 = blocks, W2 = <see cref="Flags"/>,
/// W3 = the most bytes one Read or Write moves.
/// Read: W0 = the first block; a write grant whose length (a whole number of blocks, at most
/// W3 of Info and <see cref="MaxTransfer"/>) says how much; answers W0 = bytes read.
/// Write: the same with a read grant; answers W0 = bytes written.
/// Flush: answers when everything written before it is on stable storage.
/// ReadBatch: several reads in flight at once (a queue depth above one): W0 = how many (1 to
/// <see cref="MaxBatch"/>), W1 = bytes each (whole blocks, at most W3 of Info); a read-write
/// grant whose first <see cref="BatchDataOffset"/> bytes hold the reads' first blocks (one
/// little-endian ulong each) and which then takes read i's data at BatchDataOffset + i * W1
/// (all the data at most <see cref="MaxBatchBytes"/>); answers W0 = bytes read. Every read is
/// checked before any is started; one that fails fails the batch.
/// </summary>
public static class BlockProtocol
{
    public const ulong Info = 1;
    public const ulong Read = 2;
    public const ulong Write = 3;
    public const ulong Flush = 4;
    public const ulong ReadBatch = 5;

    /// <summary>The most bytes of one request: one grant.</summary>
    public const int MaxTransfer = 64 * 1024;

    /// <summary>The most reads of one <see cref="ReadBatch"/>.</summary>
    public const int MaxBatch = 32;

    /// <summary>Where a batch's data starts in its grant: after the list of first blocks.</summary>
    public const int BatchDataOffset = MaxBatch * sizeof(ulong);

    /// <summary>The most data bytes of one batch: 32 reads of 4 KiB.</summary>
    public const int MaxBatchBytes = 128 * 1024;

    /// <summary>Bits of Info's W2.</summary>
    [System.Flags]
    public enum Flags : ulong
    {
        None = 0,

        /// <summary>The device refuses writes.</summary>
        ReadOnly = 1,

        /// <summary>The device has a volatile write cache: only Flush makes writes durable.</summary>
        VolatileCache = 2,
    }
}

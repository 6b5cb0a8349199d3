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
/// </summary>
public static class BlockProtocol
{
    public const ulong Info = 1;
    public const ulong Read = 2;
    public const ulong Write = 3;
    public const ulong Flush = 4;

    /// <summary>The most bytes of one request: one grant.</summary>
    public const int MaxTransfer = 64 * 1024;

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

namespace NexOS.Abi;

/// <summary>
/// The console service's IPC protocol. Text travels in the four message words (32 bytes,
/// little-endian byte order); the label's low byte is the operation and the next byte a
/// length. Write: label Write | (n &lt;&lt; 8), words = n bytes; the reply's label is 0.
/// Read: label Read; the reply's label is n &lt;&lt; 8 with n (1 to 32) bytes of input in the
/// words; it waits until at least one byte has arrived. Poll: like Read, but answers at once,
/// with n = 0 when nothing was typed; a poll takes one byte at most.
/// </summary>
public static class ConsoleProtocol
{
    public const ulong Write = 1;
    public const ulong Read = 2;
    public const ulong Poll = 3;

    /// <summary>Bytes one message carries.</summary>
    public const int ChunkBytes = 32;
}

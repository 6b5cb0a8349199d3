using System.Buffers.Binary;

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

    /// <summary>Packs up to <see cref="ChunkBytes"/> bytes into the four message words
    /// (little-endian; missing bytes are zero). Longer input is cut at 32 bytes.</summary>
    public static void ToWords(ReadOnlySpan<byte> bytes, out ulong w0, out ulong w1, out ulong w2, out ulong w3)
    {
        Span<byte> chunk = stackalloc byte[ChunkBytes];
        chunk.Clear();
        bytes[..Math.Min(bytes.Length, ChunkBytes)].CopyTo(chunk);
        w0 = BinaryPrimitives.ReadUInt64LittleEndian(chunk);
        w1 = BinaryPrimitives.ReadUInt64LittleEndian(chunk[8..]);
        w2 = BinaryPrimitives.ReadUInt64LittleEndian(chunk[16..]);
        w3 = BinaryPrimitives.ReadUInt64LittleEndian(chunk[24..]);
    }

    /// <summary>Unpacks the four message words into <paramref name="bytes"/>, which holds at
    /// least <see cref="ChunkBytes"/> bytes.</summary>
    public static void FromWords(ulong w0, ulong w1, ulong w2, ulong w3, Span<byte> bytes)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, w0);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], w1);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[16..], w2);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[24..], w3);
    }
}

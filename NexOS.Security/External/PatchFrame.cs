using System.Buffers.Binary;

namespace NexOS.Security.External;

/// <summary>What a frame carries. The numeric values are the byte on the wire.</summary>
public enum PatchFrameType : byte
{
    /// <summary>Host to kernel: the payload is one encoded patch.</summary>
    Patch = 1,

    /// <summary>Kernel to host: the patch was accepted; the payload is a one-line UTF-8 verdict.</summary>
    Ack = 2,

    /// <summary>Kernel to host: the frame or the patch was refused; the payload says why in one line.</summary>
    Nak = 3,
}

/// <summary>Why the decoder dropped bytes.</summary>
public enum PatchFrameError : byte
{
    /// <summary>Bytes outside any frame (noise, or a stray terminal).</summary>
    Garbage = 1,

    /// <summary>The header's CRC-32 did not match: the length cannot be trusted.</summary>
    BadHeader,

    /// <summary>A header with an intact CRC but a type byte this version does not know.</summary>
    UnknownType,

    /// <summary>A declared payload longer than <see cref="PatchFrame.MaxPayload"/>.</summary>
    Oversize,

    /// <summary>The payload's CRC-32 did not match.</summary>
    BadChecksum,

    /// <summary>The line went quiet in the middle of a frame.</summary>
    Truncated,
}

/// <summary>
/// The serial framing for patches (docs/external-patches.md): marker "NXPF", type u8,
/// sequence u16, payload length u32, CRC-32 of those 11 bytes, the payload, CRC-32 of the
/// payload; integers little-endian. The header has its own CRC so that a corrupted length is
/// caught at once instead of making the receiver wait for bytes that never come.
/// </summary>
public static class PatchFrame
{
    /// <summary>Bytes before the payload: marker, type, sequence, length, header CRC.</summary>
    public const int HeaderLength = 15;

    /// <summary>Bytes of the marker.</summary>
    public const int MarkerLength = 4;

    /// <summary>Largest payload: one whole patch.</summary>
    public const int MaxPayload = Patches.PatchLimits.MaxTotalBytes;

    /// <summary>Largest frame on the wire.</summary>
    public const int MaxFrameBytes = HeaderLength + MaxPayload + 4;

    /// <summary>The marker byte at <paramref name="index"/> (0 to 3) of "NXPF". Its four bytes
    /// differ from each other, so a mismatch inside a partial marker never hides the start of
    /// the next one.</summary>
    public static byte Marker(int index) => index switch
    {
        0 => (byte)'N',
        1 => (byte)'X',
        2 => (byte)'P',
        _ => (byte)'F',
    };

    /// <summary>The length of the frame carrying <paramref name="payloadLength"/> bytes.</summary>
    public static int FrameLength(int payloadLength) => HeaderLength + payloadLength + 4;

    /// <summary>Encodes a frame into a new array. Throws for a payload over <see cref="MaxPayload"/>
    /// (callers build their own frames, so that is a programming error).</summary>
    public static byte[] Encode(PatchFrameType type, ushort sequence, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxPayload)
        {
            throw new ArgumentException($"a frame payload is at most {MaxPayload} bytes", nameof(payload));
        }

        var frame = new byte[FrameLength(payload.Length)];
        for (int i = 0; i < MarkerLength; i++)
        {
            frame[i] = Marker(i);
        }

        frame[4] = (byte)type;
        BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(5), sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(7), (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(11), Crc32.Compute(frame.AsSpan(0, 11)));
        payload.CopyTo(frame.AsSpan(HeaderLength));
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(HeaderLength + payload.Length), Crc32.Compute(payload));
        return frame;
    }

    /// <summary>The name of an error for messages (the kernel has no Enum.ToString metadata).</summary>
    public static string Name(PatchFrameError error) => error switch
    {
        PatchFrameError.Garbage => "Garbage",
        PatchFrameError.BadHeader => "BadHeader",
        PatchFrameError.UnknownType => "UnknownType",
        PatchFrameError.Oversize => "Oversize",
        PatchFrameError.BadChecksum => "BadChecksum",
        PatchFrameError.Truncated => "Truncated",
        _ => "Unknown",
    };
}

/// <summary>Receives what <see cref="PatchFrameDecoder"/> finds. Called synchronously from
/// <see cref="PatchFrameDecoder.Feed(byte)"/> and <see cref="PatchFrameDecoder.Expire"/>.</summary>
public interface IPatchFrameHandler
{
    /// <summary>A whole frame with intact CRCs; the payload is only valid during the call.</summary>
    void OnFrame(PatchFrameType type, ushort sequence, ReadOnlySpan<byte> payload);

    /// <summary>Bytes were dropped; <paramref name="sequence"/> is the frame's when its header
    /// was intact, else 0.</summary>
    void OnError(PatchFrameError error, ushort sequence, string message);
}

using System.Buffers.Binary;

namespace NexOS.Net;

/// <summary>
/// ICMP echo (RFC 792): request (type 8) and reply (type 0), with identifier, sequence number
/// and the data echoed back. Other ICMP messages are refused here; the stack counts them.
/// </summary>
public readonly record struct IcmpEcho(bool IsRequest, ushort Identifier, ushort Sequence)
{
    /// <summary>Header bytes before the echoed data.</summary>
    public const int HeaderLength = 8;

    /// <summary>Types: echo reply, echo request.</summary>
    public const byte ReplyType = 0, RequestType = 8;

    /// <summary>Reads an echo message; false when it is short, not an echo (or code is not 0),
    /// or its checksum (over the whole message) does not verify.</summary>
    public static bool TryRead(ReadOnlySpan<byte> message, out IcmpEcho echo, out ReadOnlySpan<byte> data)
    {
        echo = default;
        data = default;
        if (message.Length < HeaderLength || (message[0] != ReplyType && message[0] != RequestType) || message[1] != 0
            || InternetChecksum.Compute(message) != 0)
        {
            return false;
        }

        echo = new IcmpEcho(message[0] == RequestType, BinaryPrimitives.ReadUInt16BigEndian(message[4..]), BinaryPrimitives.ReadUInt16BigEndian(message[6..]));
        data = message[HeaderLength..];
        return true;
    }

    /// <summary>Writes the echo header in front of the <paramref name="dataLength"/> bytes
    /// already at <paramref name="message"/>[8..] and the checksum over both; returns the
    /// message's length.</summary>
    public int Write(Span<byte> message, int dataLength)
    {
        message[0] = IsRequest ? RequestType : ReplyType;
        message[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(message[2..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(message[4..], Identifier);
        BinaryPrimitives.WriteUInt16BigEndian(message[6..], Sequence);
        int length = HeaderLength + dataLength;
        BinaryPrimitives.WriteUInt16BigEndian(message[2..], InternetChecksum.Compute(message[..length]));
        return length;
    }
}

using System.Buffers.Binary;

namespace NexOS.Net;

/// <summary>Why a received UDP datagram was refused.</summary>
public enum UdpError
{
    None = 0,

    /// <summary>Shorter than the 8-byte header.</summary>
    Truncated,

    /// <summary>The length field is below 8 or beyond the bytes the IP datagram holds.</summary>
    BadLength,

    /// <summary>A checksum was sent and does not verify.</summary>
    BadChecksum,

    /// <summary>Port 0, which no one sends to.</summary>
    BadPort,
}

/// <summary>A UDP header (RFC 768): ports and length; the checksum, over the IPv4
/// pseudo-header too, is checked when the sender set one (0 means none).</summary>
public readonly record struct UdpHeader(ushort SourcePort, ushort DestinationPort, int Length)
{
    /// <summary>Header bytes.</summary>
    public const int HeaderLength = 8;

    /// <summary>Reads and checks the datagram in <paramref name="segment"/> (the IP payload)
    /// sent from <paramref name="source"/> to <paramref name="destination"/>; the payload is
    /// what the length field covers.</summary>
    public static UdpError TryRead(ReadOnlySpan<byte> segment, Ipv4Address source, Ipv4Address destination, out UdpHeader header, out ReadOnlySpan<byte> payload)
    {
        header = default;
        payload = default;
        if (segment.Length < HeaderLength)
        {
            return UdpError.Truncated;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(segment[4..]);
        if (length < HeaderLength || length > segment.Length)
        {
            return UdpError.BadLength;
        }

        if (BinaryPrimitives.ReadUInt16BigEndian(segment[6..]) != 0
            && InternetChecksum.Finish(InternetChecksum.Add(InternetChecksum.PseudoHeader(source, destination, IpProtocol.Udp, length), segment[..length])) != 0)
        {
            return UdpError.BadChecksum;
        }

        header = new UdpHeader(BinaryPrimitives.ReadUInt16BigEndian(segment), BinaryPrimitives.ReadUInt16BigEndian(segment[2..]), length);
        if (header.DestinationPort == 0)
        {
            return UdpError.BadPort;
        }

        payload = segment[HeaderLength..length];
        return UdpError.None;
    }

    /// <summary>Writes the header in front of the <paramref name="payloadLength"/> bytes
    /// already at <paramref name="segment"/>[8..], with the checksum (0 computed is sent as
    /// 0xFFFF); returns the datagram's length.</summary>
    public static int Write(Span<byte> segment, ushort sourcePort, ushort destinationPort, int payloadLength, Ipv4Address source, Ipv4Address destination)
    {
        int length = HeaderLength + payloadLength;
        BinaryPrimitives.WriteUInt16BigEndian(segment, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(segment[2..], destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(segment[4..], (ushort)length);
        BinaryPrimitives.WriteUInt16BigEndian(segment[6..], 0);
        ushort sum = InternetChecksum.Finish(InternetChecksum.Add(InternetChecksum.PseudoHeader(source, destination, IpProtocol.Udp, length), segment[..length]));
        BinaryPrimitives.WriteUInt16BigEndian(segment[6..], sum == 0 ? (ushort)0xFFFF : sum);
        return length;
    }
}

using System.Buffers.Binary;

namespace NexOS.Net;

/// <summary>IP protocol numbers the stack handles.</summary>
public static class IpProtocol
{
    public const byte Icmp = 1;
    public const byte Tcp = 6;
    public const byte Udp = 17;
}

/// <summary>Why a received IPv4 header was refused.</summary>
public enum Ipv4Error
{
    None = 0,

    /// <summary>Shorter than a header, or than the header length it states.</summary>
    Truncated,

    /// <summary>Not version 4, or a header length under 20 bytes.</summary>
    BadHeader,

    /// <summary>The total length is below the header's or beyond the bytes received.</summary>
    BadLength,

    /// <summary>The header checksum does not verify.</summary>
    BadChecksum,

    /// <summary>A source address no host may send from (multicast or broadcast).</summary>
    BadSource,
}

/// <summary>
/// An IPv4 header (RFC 791): what the stack needs of it. Options are skipped (their length is
/// in <see cref="HeaderLength"/>), never interpreted. A fragment has <see cref="MoreFragments"/>
/// set or a non-zero <see cref="FragmentOffset"/> (in bytes).
/// </summary>
public readonly record struct Ipv4Header(
    int HeaderLength,
    int TotalLength,
    ushort Identification,
    bool DontFragment,
    bool MoreFragments,
    int FragmentOffset,
    byte TimeToLive,
    byte Protocol,
    Ipv4Address Source,
    Ipv4Address Destination)
{
    /// <summary>The header without options.</summary>
    public const int MinimumLength = 20;

    /// <summary>True for a fragment of a larger datagram.</summary>
    public bool IsFragment => MoreFragments || FragmentOffset != 0;

    /// <summary>Reads and checks the header of <paramref name="packet"/>; the payload is the
    /// bytes the total length covers after the header (link padding beyond it is dropped).</summary>
    public static Ipv4Error TryRead(ReadOnlySpan<byte> packet, out Ipv4Header header, out ReadOnlySpan<byte> payload)
    {
        header = default;
        payload = default;
        if (packet.Length < MinimumLength)
        {
            return Ipv4Error.Truncated;
        }

        int ihl = (packet[0] & 0xF) * 4;
        if (packet[0] >> 4 != 4 || ihl < MinimumLength)
        {
            return Ipv4Error.BadHeader;
        }

        if (packet.Length < ihl)
        {
            return Ipv4Error.Truncated;
        }

        int total = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if (total < ihl || total > packet.Length)
        {
            return Ipv4Error.BadLength;
        }

        if (InternetChecksum.Compute(packet[..ihl]) != 0)
        {
            return Ipv4Error.BadChecksum;
        }

        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(packet[6..]);
        var source = Ipv4Address.Read(packet[12..]);
        if (source.IsMulticast || source == Ipv4Address.Broadcast)
        {
            return Ipv4Error.BadSource;
        }

        header = new Ipv4Header(ihl, total, BinaryPrimitives.ReadUInt16BigEndian(packet[4..]), (flags & 0x4000) != 0, (flags & 0x2000) != 0,
            (flags & 0x1FFF) * 8, packet[8], packet[9], source, Ipv4Address.Read(packet[16..]));
        payload = packet[ihl..total];
        return Ipv4Error.None;
    }

    /// <summary>Writes a header without options for a payload of <paramref name="payloadLength"/>
    /// bytes into the first 20 bytes of <paramref name="packet"/>, checksum included.</summary>
    public static void Write(Span<byte> packet, int payloadLength, ushort identification, bool dontFragment, byte timeToLive, byte protocol, Ipv4Address source, Ipv4Address destination)
    {
        packet[0] = 0x45;
        packet[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], (ushort)(MinimumLength + payloadLength));
        BinaryPrimitives.WriteUInt16BigEndian(packet[4..], identification);
        BinaryPrimitives.WriteUInt16BigEndian(packet[6..], (ushort)(dontFragment ? 0x4000 : 0));
        packet[8] = timeToLive;
        packet[9] = protocol;
        BinaryPrimitives.WriteUInt16BigEndian(packet[10..], 0);
        source.Write(packet[12..]);
        destination.Write(packet[16..]);
        BinaryPrimitives.WriteUInt16BigEndian(packet[10..], InternetChecksum.Compute(packet[..MinimumLength]));
    }
}

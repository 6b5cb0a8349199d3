using System.Buffers.Binary;

namespace NexOS.Net;

/// <summary>DHCP message types (option 53) the client uses or understands.</summary>
public static class DhcpType
{
    public const byte Discover = 1, Offer = 2, Request = 3, Ack = 5, Nak = 6;
}

/// <summary>What a DHCP server offered or granted: the address, the subnet's prefix length,
/// the router, up to three DNS servers, the lease in seconds and the server's identifier.</summary>
public sealed record DhcpLease(Ipv4Address Address, int PrefixLength, Ipv4Address Router, Ipv4Address[] DnsServers, uint LeaseSeconds, Ipv4Address Server);

/// <summary>Why a received DHCP message was ignored.</summary>
public enum DhcpError
{
    None = 0,

    /// <summary>Shorter than the fixed part and the magic cookie, or not a reply.</summary>
    Malformed,

    /// <summary>Another client's exchange (transaction id or hardware address).</summary>
    NotOurs,

    /// <summary>An option runs past the message, or one the client needs is missing or
    /// wrong (no message type, a subnet mask that is not a prefix, a zero address).</summary>
    BadOptions,
}

/// <summary>
/// DHCP messages (RFC 2131, options from RFC 2132): the client's DISCOVER and REQUEST, and
/// reading a server's OFFER, ACK or NAK. Everything read is bounded by the message and
/// checked; an option the client does not use is skipped.
/// </summary>
public static class DhcpMessage
{
    /// <summary>The fixed part: op to file (236 bytes), then the magic cookie.</summary>
    public const int FixedLength = 236;

    /// <summary>Ports: the server's and the client's.</summary>
    public const ushort ServerPort = 67, ClientPort = 68;

    /// <summary>Room a client message needs.</summary>
    public const int MaxClientMessage = FixedLength + 4 + 32;

    private const uint MagicCookie = 0x63825363;

    /// <summary>Writes a DISCOVER (<paramref name="requested"/> and <paramref name="server"/>
    /// 0.0.0.0) or a REQUEST for the offered address from that server into
    /// <paramref name="message"/>; returns its length.</summary>
    public static int WriteClient(Span<byte> message, byte type, uint transaction, MacAddress mac, Ipv4Address requested, Ipv4Address server)
    {
        message[..MaxClientMessage].Clear();
        message[0] = 1; // BOOTREQUEST
        message[1] = 1; // Ethernet
        message[2] = MacAddress.Length;
        BinaryPrimitives.WriteUInt32BigEndian(message[4..], transaction);
        BinaryPrimitives.WriteUInt16BigEndian(message[10..], 0x8000); // answer by broadcast: no address yet
        mac.Write(message[28..]);
        BinaryPrimitives.WriteUInt32BigEndian(message[FixedLength..], MagicCookie);
        int at = FixedLength + 4;
        message[at++] = 53;
        message[at++] = 1;
        message[at++] = type;
        if (requested != Ipv4Address.Any)
        {
            message[at++] = 50;
            message[at++] = 4;
            requested.Write(message[at..]);
            at += 4;
        }

        if (server != Ipv4Address.Any)
        {
            message[at++] = 54;
            message[at++] = 4;
            server.Write(message[at..]);
            at += 4;
        }

        // Parameters asked for: subnet mask, router, DNS servers, lease time.
        message[at++] = 55;
        message[at++] = 4;
        message[at++] = 1;
        message[at++] = 3;
        message[at++] = 6;
        message[at++] = 51;
        message[at++] = 255;
        return at;
    }

    /// <summary>Reads a server's reply meant for <paramref name="transaction"/> and
    /// <paramref name="mac"/>: its type (OFFER, ACK, NAK) and, for OFFER and ACK, the lease.</summary>
    public static DhcpError TryRead(ReadOnlySpan<byte> message, uint transaction, MacAddress mac, out byte type, out DhcpLease? lease)
    {
        type = 0;
        lease = null;
        if (message.Length < FixedLength + 4 || message[0] != 2 || message[1] != 1 || message[2] != MacAddress.Length
            || BinaryPrimitives.ReadUInt32BigEndian(message[FixedLength..]) != MagicCookie)
        {
            return DhcpError.Malformed;
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(message[4..]) != transaction || MacAddress.Read(message[28..]) != mac)
        {
            return DhcpError.NotOurs;
        }

        int prefix = -1;
        uint leaseSeconds = 0;
        Ipv4Address router = default, server = default;
        var dns = new List<Ipv4Address>();
        ReadOnlySpan<byte> options = message[(FixedLength + 4)..];
        while (options.Length > 0 && options[0] != 255)
        {
            if (options[0] == 0)
            {
                options = options[1..];
                continue;
            }

            if (options.Length < 2 || options[1] > options.Length - 2)
            {
                return DhcpError.BadOptions;
            }

            byte code = options[0];
            ReadOnlySpan<byte> value = options.Slice(2, options[1]);
            switch (code)
            {
                case 53 when value.Length == 1:
                    type = value[0];
                    break;
                case 1 when value.Length == 4:
                    prefix = PrefixOf(BinaryPrimitives.ReadUInt32BigEndian(value));
                    break;
                case 3 when value.Length >= 4:
                    router = Ipv4Address.Read(value);
                    break;
                case 6:
                    for (int i = 0; i + 4 <= value.Length && dns.Count < 3; i += 4)
                    {
                        dns.Add(Ipv4Address.Read(value[i..]));
                    }

                    break;
                case 51 when value.Length == 4:
                    leaseSeconds = BinaryPrimitives.ReadUInt32BigEndian(value);
                    break;
                case 54 when value.Length == 4:
                    server = Ipv4Address.Read(value);
                    break;
            }

            options = options[(2 + value.Length)..];
        }

        if (type == DhcpType.Nak)
        {
            return DhcpError.None;
        }

        var address = Ipv4Address.Read(message[16..]);
        if ((type != DhcpType.Offer && type != DhcpType.Ack) || address == Ipv4Address.Any || address.IsMulticast
            || address == Ipv4Address.Broadcast || prefix < 0 || server == Ipv4Address.Any)
        {
            type = 0;
            return DhcpError.BadOptions;
        }

        lease = new DhcpLease(address, prefix, router, dns.ToArray(), leaseSeconds, server);
        return DhcpError.None;
    }

    // The prefix length of a subnet mask, or -1 when its ones are not contiguous.
    private static int PrefixOf(uint mask)
    {
        int ones = System.Numerics.BitOperations.PopCount(mask);
        uint expected = ones == 0 ? 0 : uint.MaxValue << (32 - ones);
        return mask == expected ? ones : -1;
    }
}

using System.Buffers.Binary;

namespace NexOS.Net;

/// <summary>
/// An ARP packet for IPv4 over Ethernet (RFC 826): operation, sender and target hardware and
/// protocol addresses. Packets for other hardware or protocols, with other address lengths,
/// or with an unknown operation are refused.
/// </summary>
public readonly record struct ArpPacket(ushort Operation, MacAddress SenderMac, Ipv4Address SenderIp, MacAddress TargetMac, Ipv4Address TargetIp)
{
    /// <summary>Bytes on the wire.</summary>
    public const int Length = 28;

    /// <summary>Operations: request, reply.</summary>
    public const ushort Request = 1, Reply = 2;

    /// <summary>Reads a packet from the start of <paramref name="data"/> (padding after it is
    /// ignored); false when it is short or not Ethernet/IPv4 ARP.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out ArpPacket packet)
    {
        packet = default;
        if (data.Length < Length || BinaryPrimitives.ReadUInt16BigEndian(data) != 1 || BinaryPrimitives.ReadUInt16BigEndian(data[2..]) != EtherType.Ipv4
            || data[4] != MacAddress.Length || data[5] != Ipv4Address.Length)
        {
            return false;
        }

        ushort operation = BinaryPrimitives.ReadUInt16BigEndian(data[6..]);
        if (operation != Request && operation != Reply)
        {
            return false;
        }

        packet = new ArpPacket(operation, MacAddress.Read(data[8..]), Ipv4Address.Read(data[14..]), MacAddress.Read(data[18..]), Ipv4Address.Read(data[24..]));
        return true;
    }

    /// <summary>Writes the packet into the first <see cref="Length"/> bytes of <paramref name="data"/>.</summary>
    public void Write(Span<byte> data)
    {
        BinaryPrimitives.WriteUInt16BigEndian(data, 1);
        BinaryPrimitives.WriteUInt16BigEndian(data[2..], EtherType.Ipv4);
        data[4] = MacAddress.Length;
        data[5] = Ipv4Address.Length;
        BinaryPrimitives.WriteUInt16BigEndian(data[6..], Operation);
        SenderMac.Write(data[8..]);
        SenderIp.Write(data[14..]);
        TargetMac.Write(data[18..]);
        TargetIp.Write(data[24..]);
    }
}

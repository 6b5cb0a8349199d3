using System.Buffers.Binary;

namespace NexOS.Net;

/// <summary>EtherType values the stack handles.</summary>
public static class EtherType
{
    public const ushort Ipv4 = 0x0800;
    public const ushort Arp = 0x0806;
    public const ushort Vlan = 0x8100;
}

/// <summary>An Ethernet II header: destination, source, EtherType.</summary>
public readonly record struct EthernetHeader(MacAddress Destination, MacAddress Source, ushort Type)
{
    /// <summary>Header bytes.</summary>
    public const int Length = 14;

    /// <summary>The shortest frame on the wire without its FCS (shorter ones are padded).</summary>
    public const int MinimumFrame = 60;

    /// <summary>The longest frame without its FCS for a 1500-byte MTU.</summary>
    public const int MaximumFrame = 1514;

    /// <summary>Reads the header of <paramref name="frame"/>; its payload follows. False for
    /// a frame shorter than the header or longer than <see cref="MaximumFrame"/>, and for a
    /// VLAN-tagged one (the stack runs on untagged links) or an 802.3 length field (below
    /// 0x600), which carry no EtherType the stack knows.</summary>
    public static bool TryRead(ReadOnlySpan<byte> frame, out EthernetHeader header, out ReadOnlySpan<byte> payload)
    {
        header = default;
        payload = default;
        if (frame.Length < Length || frame.Length > MaximumFrame)
        {
            return false;
        }

        ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
        if (type < 0x600 || type == EtherType.Vlan)
        {
            return false;
        }

        header = new EthernetHeader(MacAddress.Read(frame), MacAddress.Read(frame[6..]), type);
        payload = frame[Length..];
        return true;
    }

    /// <summary>Writes the header into the first <see cref="Length"/> bytes of <paramref name="frame"/>.</summary>
    public void Write(Span<byte> frame)
    {
        Destination.Write(frame);
        Source.Write(frame[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[12..], Type);
    }
}

using System.Buffers.Binary;

namespace NexOS.Net;

/// <summary>
/// The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of
/// 16-bit big-endian words, an odd last byte padded with zero. Sums are kept in 32 bits and
/// folded at the end, so partial sums (a pseudo-header, then a payload) can be added first.
/// </summary>
public static class InternetChecksum
{
    /// <summary>Adds <paramref name="data"/> to a running <paramref name="sum"/>. Data after
    /// the first part of an odd length would be misaligned: sum whole parts, or odd only last.</summary>
    public static uint Add(uint sum, ReadOnlySpan<byte> data)
    {
        ulong wide = sum;
        int i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            wide += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (i < data.Length)
        {
            wide += (uint)data[i] << 8;
        }

        while (wide >> 32 != 0)
        {
            wide = (wide & 0xFFFF_FFFF) + (wide >> 32);
        }

        return (uint)wide;
    }

    /// <summary>The checksum to store for a running <paramref name="sum"/>.</summary>
    public static ushort Finish(uint sum)
    {
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }

    /// <summary>The checksum of <paramref name="data"/>: over data whose checksum field holds
    /// the right value, 0 (which is how a received header is checked).</summary>
    public static ushort Compute(ReadOnlySpan<byte> data) => Finish(Add(0, data));

    /// <summary>The sum of the IPv4 pseudo-header UDP and TCP checksums cover: source,
    /// destination, zero and protocol, and the segment's length.</summary>
    public static uint PseudoHeader(Ipv4Address source, Ipv4Address destination, byte protocol, int length)
    {
        ulong sum = (source.Value >> 16) + (source.Value & 0xFFFF) + (destination.Value >> 16) + (destination.Value & 0xFFFF)
            + protocol + (uint)(length & 0xFFFF);
        return (uint)((sum & 0xFFFF_FFFF) + (sum >> 32));
    }
}

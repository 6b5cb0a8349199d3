using System.Buffers.Binary;

namespace NexOS.Net;

/// <summary>
/// A TCP sequence number (RFC 793, RFC 1982 arithmetic): comparisons are modulo 2^32, so a
/// number "after" another is one at most 2^31 ahead, and the stack never confuses a wrapped
/// number with an old one.
/// </summary>
public readonly record struct SeqNum(uint Value)
{
    public static SeqNum operator +(SeqNum a, uint n) => new(unchecked(a.Value + n));

    /// <summary>How far <paramref name="a"/> is past <paramref name="b"/> (negative: before).</summary>
    public static int operator -(SeqNum a, SeqNum b) => unchecked((int)(a.Value - b.Value));

    public static bool operator <(SeqNum a, SeqNum b) => a - b < 0;

    public static bool operator >(SeqNum a, SeqNum b) => a - b > 0;

    public static bool operator <=(SeqNum a, SeqNum b) => a - b <= 0;

    public static bool operator >=(SeqNum a, SeqNum b) => a - b >= 0;

    /// <summary>True when this lies in [start, start + length).</summary>
    public bool Within(SeqNum start, uint length) => unchecked(Value - start.Value) < length;
}

/// <summary>Why a received TCP segment was refused.</summary>
public enum TcpError
{
    None = 0,

    /// <summary>Shorter than its header, or a data offset below 5 words or past the segment.</summary>
    BadHeader,

    /// <summary>The checksum (over the pseudo-header) does not verify.</summary>
    BadChecksum,

    /// <summary>An option runs past the header or has an impossible length.</summary>
    BadOptions,

    /// <summary>Port 0, or flags no segment carries (SYN with FIN or RST).</summary>
    BadFlags,
}

/// <summary>TCP header flags.</summary>
[Flags]
public enum TcpFlags : byte
{
    None = 0,
    Fin = 0x01,
    Syn = 0x02,
    Rst = 0x04,
    Psh = 0x08,
    Ack = 0x10,
    Urg = 0x20,
}

/// <summary>The options the stack uses (RFC 9293, RFC 7323, RFC 2018): maximum segment size
/// (0: not sent), window scale (0-14, when <see cref="HasWindowScale"/>), SACK permitted, and
/// timestamps. The default is no options.</summary>
public readonly record struct TcpOptions(ushort MaxSegmentSize, bool HasWindowScale, byte WindowScale, bool SackPermitted, bool HasTimestamps, uint TimestampValue, uint TimestampEcho)
{
    /// <summary>The largest window scale RFC 7323 allows; larger ones are taken as 14.</summary>
    public const int MaxWindowScale = 14;

    /// <summary>Bytes these options take in a header, padded to whole words.</summary>
    public int Length => ((MaxSegmentSize != 0 ? 4 : 0) + (HasWindowScale ? 3 : 0) + (SackPermitted ? 2 : 0) + (HasTimestamps ? 10 : 0) + 3) & ~3;
}

/// <summary>A TCP header (RFC 9293) with the options the stack reads.</summary>
public readonly record struct TcpHeader(ushort SourcePort, ushort DestinationPort, SeqNum Sequence, SeqNum Acknowledgment, TcpFlags Flags, ushort Window, int HeaderLength, TcpOptions Options)
{
    /// <summary>The header without options.</summary>
    public const int MinimumLength = 20;

    public bool Has(TcpFlags flag) => (Flags & flag) != 0;

    /// <summary>Reads and checks the segment in <paramref name="segment"/> (the IP payload)
    /// sent from <paramref name="source"/> to <paramref name="destination"/>.</summary>
    public static TcpError TryRead(ReadOnlySpan<byte> segment, Ipv4Address source, Ipv4Address destination, out TcpHeader header, out ReadOnlySpan<byte> payload)
    {
        header = default;
        payload = default;
        if (segment.Length < MinimumLength)
        {
            return TcpError.BadHeader;
        }

        int length = (segment[12] >> 4) * 4;
        if (length < MinimumLength || length > segment.Length)
        {
            return TcpError.BadHeader;
        }

        if (InternetChecksum.Finish(InternetChecksum.Add(InternetChecksum.PseudoHeader(source, destination, IpProtocol.Tcp, segment.Length), segment)) != 0)
        {
            return TcpError.BadChecksum;
        }

        var flags = (TcpFlags)(segment[13] & 0x3F);
        ushort from = BinaryPrimitives.ReadUInt16BigEndian(segment), to = BinaryPrimitives.ReadUInt16BigEndian(segment[2..]);
        if (from == 0 || to == 0 || ((flags & TcpFlags.Syn) != 0 && (flags & (TcpFlags.Fin | TcpFlags.Rst)) != 0))
        {
            return TcpError.BadFlags;
        }

        if (!TryReadOptions(segment[MinimumLength..length], out TcpOptions options))
        {
            return TcpError.BadOptions;
        }

        header = new TcpHeader(from, to, new SeqNum(BinaryPrimitives.ReadUInt32BigEndian(segment[4..])), new SeqNum(BinaryPrimitives.ReadUInt32BigEndian(segment[8..])),
            flags, BinaryPrimitives.ReadUInt16BigEndian(segment[14..]), length, options);
        payload = segment[length..];
        return TcpError.None;
    }

    /// <summary>Writes this header (its options included; <see cref="HeaderLength"/> is
    /// recomputed from them) in front of the <paramref name="payloadLength"/> bytes already
    /// after it, with the checksum; returns the segment's length.</summary>
    public int Write(Span<byte> segment, int payloadLength, Ipv4Address source, Ipv4Address destination)
    {
        int length = MinimumLength + Options.Length;
        BinaryPrimitives.WriteUInt16BigEndian(segment, SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(segment[2..], DestinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(segment[4..], Sequence.Value);
        BinaryPrimitives.WriteUInt32BigEndian(segment[8..], Acknowledgment.Value);
        segment[12] = (byte)((length / 4) << 4);
        segment[13] = (byte)Flags;
        BinaryPrimitives.WriteUInt16BigEndian(segment[14..], Window);
        BinaryPrimitives.WriteUInt32BigEndian(segment[16..], 0); // checksum and urgent pointer
        WriteOptions(segment[MinimumLength..length], Options);
        int total = length + payloadLength;
        ushort sum = InternetChecksum.Finish(InternetChecksum.Add(InternetChecksum.PseudoHeader(source, destination, IpProtocol.Tcp, total), segment[..total]));
        BinaryPrimitives.WriteUInt16BigEndian(segment[16..], sum);
        return total;
    }

    private static bool TryReadOptions(ReadOnlySpan<byte> o, out TcpOptions options)
    {
        ushort mss = 0;
        byte scale = 0;
        bool scaled = false, sack = false, stamps = false;
        uint value = 0, echo = 0;
        options = default;
        while (o.Length > 0 && o[0] != 0)
        {
            if (o[0] == 1)
            {
                o = o[1..];
                continue;
            }

            if (o.Length < 2 || o[1] < 2 || o[1] > o.Length)
            {
                return false;
            }

            ReadOnlySpan<byte> v = o[2..o[1]];
            switch (o[0])
            {
                case 2 when v.Length == 2:
                    mss = BinaryPrimitives.ReadUInt16BigEndian(v);
                    break;
                case 3 when v.Length == 1:
                    scaled = true;
                    scale = (byte)Math.Min((int)v[0], TcpOptions.MaxWindowScale);
                    break;
                case 4 when v.Length == 0:
                    sack = true;
                    break;
                case 8 when v.Length == 8:
                    stamps = true;
                    value = BinaryPrimitives.ReadUInt32BigEndian(v);
                    echo = BinaryPrimitives.ReadUInt32BigEndian(v[4..]);
                    break;
                case 2 or 3 or 4 or 8:
                    return false; // a known option with the wrong length
            }

            o = o[o[1]..];
        }

        options = new TcpOptions(mss, scaled, scale, sack, stamps, value, echo);
        return true;
    }

    private static void WriteOptions(Span<byte> o, TcpOptions options)
    {
        o.Fill(1); // no-operation padding
        int at = 0;
        if (options.MaxSegmentSize != 0)
        {
            o[at] = 2;
            o[at + 1] = 4;
            BinaryPrimitives.WriteUInt16BigEndian(o[(at + 2)..], options.MaxSegmentSize);
            at += 4;
        }

        if (options.HasWindowScale)
        {
            o[at] = 3;
            o[at + 1] = 3;
            o[at + 2] = (byte)Math.Min((int)options.WindowScale, TcpOptions.MaxWindowScale);
            at += 3;
        }

        if (options.SackPermitted)
        {
            o[at] = 4;
            o[at + 1] = 2;
            at += 2;
        }

        if (options.HasTimestamps)
        {
            o[at] = 8;
            o[at + 1] = 10;
            BinaryPrimitives.WriteUInt32BigEndian(o[(at + 2)..], options.TimestampValue);
            BinaryPrimitives.WriteUInt32BigEndian(o[(at + 6)..], options.TimestampEcho);
            at += 10;
        }

        if (at < o.Length)
        {
            o[at] = 0; // end of options (the rest stays padding)
        }
    }
}

using System.Buffers.Binary;

namespace NexOS.Net;

/// <summary>Why a DNS answer gave no address.</summary>
public enum DnsError
{
    None = 0,

    /// <summary>The name is not a valid host name (empty or too long labels, bad characters).</summary>
    BadName,

    /// <summary>The message is cut short, or a name in it loops or runs past it.</summary>
    Malformed,

    /// <summary>Not the answer to this query (id, or not a response).</summary>
    NotOurs,

    /// <summary>The server says the name does not exist (NXDOMAIN).</summary>
    NoSuchName,

    /// <summary>The server failed or refused (any other error code).</summary>
    ServerFailure,

    /// <summary>A valid answer with no IPv4 address in it.</summary>
    NoAddress,
}

/// <summary>
/// DNS queries and answers for IPv4 addresses (RFC 1035): one question of type A, class IN,
/// recursion desired; answers read with every name (compression pointers included) bounded
/// by the message and by a jump count, so a hostile answer cannot loop or read past its end.
/// </summary>
public static class DnsMessage
{
    /// <summary>The DNS port.</summary>
    public const ushort Port = 53;

    /// <summary>The longest name (RFC 1035: 255 bytes on the wire).</summary>
    public const int MaxName = 253;

    /// <summary>Room a query needs.</summary>
    public const int MaxQuery = 12 + MaxName + 2 + 4;

    private const int MaxJumps = 16;

    /// <summary>Writes a query for <paramref name="name"/>'s A records; its length, or a
    /// negated <see cref="DnsError.BadName"/>.</summary>
    public static int WriteQuery(Span<byte> message, ushort id, string name)
    {
        string host = name.EndsWith('.') ? name[..^1] : name;
        if (host.Length == 0 || host.Length > MaxName)
        {
            return -(int)DnsError.BadName;
        }

        message[..12].Clear();
        BinaryPrimitives.WriteUInt16BigEndian(message, id);
        message[2] = 0x01; // recursion desired
        BinaryPrimitives.WriteUInt16BigEndian(message[4..], 1);
        int at = 12;
        foreach (string label in host.Split('.'))
        {
            if (label.Length is 0 or > 63 || !IsHostLabel(label))
            {
                return -(int)DnsError.BadName;
            }

            message[at++] = (byte)label.Length;
            foreach (char c in label)
            {
                message[at++] = (byte)c;
            }
        }

        message[at++] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(message[at..], 1);     // A
        BinaryPrimitives.WriteUInt16BigEndian(message[(at + 2)..], 1); // IN
        return at + 4;
    }

    /// <summary>Reads the answer to query <paramref name="id"/>: up to
    /// <paramref name="addresses"/>.Length A records (their count in <paramref name="found"/>)
    /// and the smallest TTL among them, in seconds.</summary>
    public static DnsError TryRead(ReadOnlySpan<byte> message, ushort id, Span<Ipv4Address> addresses, out int found, out uint ttl)
    {
        found = 0;
        ttl = uint.MaxValue;
        if (message.Length < 12)
        {
            return DnsError.Malformed;
        }

        if (BinaryPrimitives.ReadUInt16BigEndian(message) != id || (message[2] & 0x80) == 0)
        {
            return DnsError.NotOurs;
        }

        int code = message[3] & 0xF;
        if (code != 0)
        {
            return code == 3 ? DnsError.NoSuchName : DnsError.ServerFailure;
        }

        int questions = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        int answers = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        int at = 12;
        for (int q = 0; q < questions; q++)
        {
            if (!SkipName(message, ref at) || at + 4 > message.Length)
            {
                return DnsError.Malformed;
            }

            at += 4;
        }

        for (int a = 0; a < answers; a++)
        {
            if (!SkipName(message, ref at) || at + 10 > message.Length)
            {
                return DnsError.Malformed;
            }

            ushort type = BinaryPrimitives.ReadUInt16BigEndian(message[at..]);
            ushort cls = BinaryPrimitives.ReadUInt16BigEndian(message[(at + 2)..]);
            uint recordTtl = BinaryPrimitives.ReadUInt32BigEndian(message[(at + 4)..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(message[(at + 8)..]);
            at += 10;
            if (length > message.Length - at)
            {
                return DnsError.Malformed;
            }

            if (type == 1 && cls == 1 && length == 4 && found < addresses.Length)
            {
                addresses[found++] = Ipv4Address.Read(message[at..]);
                ttl = Math.Min(ttl, recordTtl);
            }

            at += length;
        }

        ttl = found == 0 ? 0 : ttl;
        return found == 0 ? DnsError.NoAddress : DnsError.None;
    }

    // Moves past a name: labels, ending in a zero byte or a compression pointer (which ends
    // the name where it stands). False when it runs past the message.
    private static bool SkipName(ReadOnlySpan<byte> message, ref int at)
    {
        NameEnd end = WalkLabels(message, ref at);
        if (end == NameEnd.Pointer && PointerLands(message, at))
        {
            at += 2;
            return true;
        }

        return end == NameEnd.Zero;
    }

    // True when the name a pointer at `at` leads to ends inside the message within a bounded
    // number of jumps (a pointer must lead backwards, which rules out loops on its own, but
    // the count also bounds chains).
    private static bool PointerLands(ReadOnlySpan<byte> message, int at)
    {
        for (int jumps = 0; jumps < MaxJumps; jumps++)
        {
            int target = BinaryPrimitives.ReadUInt16BigEndian(message[at..]) & 0x3FFF;
            if (target >= at)
            {
                return false;
            }

            at = target;
            NameEnd end = WalkLabels(message, ref at);
            if (end != NameEnd.Pointer)
            {
                return end == NameEnd.Zero;
            }
        }

        return false;
    }

    private enum NameEnd
    {
        Zero,
        Pointer,
        Bad,
    }

    // Walks the labels from `at`: past the zero byte that ends them (Zero), or up to a
    // compression pointer, which lies whole inside the message (Pointer, `at` on it); Bad
    // when a label runs past the message, uses a reserved length, or there are too many.
    private static NameEnd WalkLabels(ReadOnlySpan<byte> message, ref int at)
    {
        for (int steps = 0; steps < 128 && at < message.Length; steps++)
        {
            byte length = message[at];
            if (length == 0)
            {
                at++;
                return NameEnd.Zero;
            }

            if ((length & 0xC0) == 0xC0)
            {
                return at + 2 <= message.Length ? NameEnd.Pointer : NameEnd.Bad;
            }

            if ((length & 0xC0) != 0 || at + 1 + length > message.Length)
            {
                return NameEnd.Bad;
            }

            at += 1 + length;
        }

        return NameEnd.Bad;
    }

    private static bool IsHostLabel(string label)
    {
        foreach (char c in label)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_'))
            {
                return false;
            }
        }

        return label[0] != '-' && label[^1] != '-';
    }
}

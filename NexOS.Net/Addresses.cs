using System.Buffers.Binary;
using System.Globalization;

namespace NexOS.Net;

/// <summary>A 48-bit Ethernet address, held in the low 48 bits in wire order (the first byte
/// on the wire is bits 40-47).</summary>
public readonly record struct MacAddress(ulong Value)
{
    /// <summary>Bytes on the wire.</summary>
    public const int Length = 6;

    /// <summary>ff:ff:ff:ff:ff:ff.</summary>
    public static MacAddress Broadcast { get; } = new(0xFFFF_FFFF_FFFF);

    /// <summary>True for a group address (the low bit of the first byte), broadcast included.</summary>
    public bool IsMulticast => (Value & (1UL << 40)) != 0;

    /// <summary>Reads an address from the first six bytes of <paramref name="bytes"/> (at
    /// least six, or the caller has checked).</summary>
    public static MacAddress Read(ReadOnlySpan<byte> bytes) =>
        new(((ulong)BinaryPrimitives.ReadUInt16BigEndian(bytes) << 32) | BinaryPrimitives.ReadUInt32BigEndian(bytes[2..]));

    /// <summary>Writes the address into the first six bytes of <paramref name="bytes"/>.</summary>
    public void Write(Span<byte> bytes)
    {
        BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)(Value >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(bytes[2..], (uint)Value);
    }

    /// <summary>Parses `aa:bb:cc:dd:ee:ff` (hex, colons); false for anything else.</summary>
    public static bool TryParse(string text, out MacAddress address)
    {
        address = default;
        string[] parts = text.Split(':');
        ulong value = 0;
        if (parts.Length != Length)
        {
            return false;
        }

        foreach (string p in parts)
        {
            if (p.Length != 2 || !byte.TryParse(p, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte b))
            {
                return false;
            }

            value = (value << 8) | b;
        }

        address = new MacAddress(value);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        Span<byte> b = stackalloc byte[Length];
        Write(b);
        return $"{b[0]:x2}:{b[1]:x2}:{b[2]:x2}:{b[3]:x2}:{b[4]:x2}:{b[5]:x2}";
    }
}

/// <summary>An IPv4 address, held in host order (10.0.2.15 is 0x0A00020F).</summary>
public readonly record struct Ipv4Address(uint Value)
{
    /// <summary>Bytes on the wire.</summary>
    public const int Length = 4;

    /// <summary>0.0.0.0.</summary>
    public static Ipv4Address Any { get; } = new(0);

    /// <summary>255.255.255.255.</summary>
    public static Ipv4Address Broadcast { get; } = new(uint.MaxValue);

    /// <summary>True for 224.0.0.0/4.</summary>
    public bool IsMulticast => (Value >> 28) == 0xE;

    /// <summary>Reads an address from the first four bytes (network order).</summary>
    public static Ipv4Address Read(ReadOnlySpan<byte> bytes) => new(BinaryPrimitives.ReadUInt32BigEndian(bytes));

    /// <summary>Writes the address into the first four bytes (network order).</summary>
    public void Write(Span<byte> bytes) => BinaryPrimitives.WriteUInt32BigEndian(bytes, Value);

    /// <summary>True when this and <paramref name="other"/> share the first
    /// <paramref name="prefixLength"/> bits (0-32; other lengths never match).</summary>
    public bool SameSubnet(Ipv4Address other, int prefixLength)
    {
        if ((uint)prefixLength > 32)
        {
            return false;
        }

        uint mask = prefixLength == 0 ? 0 : uint.MaxValue << (32 - prefixLength);
        return (Value & mask) == (other.Value & mask);
    }

    /// <summary>Parses dotted decimal `a.b.c.d` (each 0-255, no leading sign or spaces).</summary>
    public static bool TryParse(string text, out Ipv4Address address)
    {
        address = default;
        string[] parts = text.Split('.');
        uint value = 0;
        if (parts.Length != Length)
        {
            return false;
        }

        foreach (string p in parts)
        {
            if (p.Length is 0 or > 3 || !byte.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out byte b))
            {
                return false;
            }

            value = (value << 8) | b;
        }

        address = new Ipv4Address(value);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Value >> 24}.{(Value >> 16) & 0xFF}.{(Value >> 8) & 0xFF}.{Value & 0xFF}";
}

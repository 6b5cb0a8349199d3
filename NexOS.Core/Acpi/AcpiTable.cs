using System.Buffers.Binary;
using NexOS.Core.Hardware;

namespace NexOS.Core.Acpi;

/// <summary>
/// Reads ACPI system description tables out of physical memory. Every table starts with the
/// same 36-byte header (signature, length, revision, checksum, OEM fields); a table is only
/// trusted once its length is sane, all of it is readable and its bytes sum to zero.
/// </summary>
public static class AcpiTable
{
    /// <summary>The size of the common table header.</summary>
    public const int HeaderLength = 36;

    /// <summary>The largest table this reader accepts. Real DSDTs stay well below it; a larger
    /// length is taken as corruption rather than a reason to allocate gigabytes.</summary>
    public const uint MaxLength = 4 * 1024 * 1024;

    /// <summary>The 8-bit sum of the bytes: zero for a table whose checksum holds.</summary>
    public static byte Checksum(ReadOnlySpan<byte> bytes)
    {
        byte sum = 0;
        foreach (byte b in bytes)
        {
            sum += b;
        }

        return sum;
    }

    /// <summary>Turns a 4-byte signature into text, with '?' for anything not printable ASCII.</summary>
    public static string Signature(ReadOnlySpan<byte> bytes)
    {
        Span<char> chars = stackalloc char[4];
        for (int i = 0; i < 4; i++)
        {
            byte b = i < bytes.Length ? bytes[i] : (byte)'?';
            chars[i] = b >= 0x20 && b < 0x7F ? (char)b : '?';
        }

        return new string(chars);
    }

    /// <summary>
    /// Reads the header of the table at <paramref name="address"/>. Returns null and the
    /// table's signature and length on success, else a one-line reason: the address is zero or
    /// unreadable, or the length is below the header size or above <see cref="MaxLength"/>.
    /// <paramref name="name"/> names the table in the reason.
    /// </summary>
    public static string? ReadHeader(IPhysicalMemory memory, ulong address, string name, out string signature, out uint length)
    {
        signature = "";
        length = 0;
        if (address == 0)
        {
            return $"{name} address is zero";
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        if (!memory.TryRead(address, header))
        {
            return $"{name} header at 0x{address:x} is not readable";
        }

        signature = Signature(header);
        length = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (length < HeaderLength)
        {
            return $"{name} length {length} is shorter than its {HeaderLength}-byte header";
        }

        if (length > MaxLength)
        {
            return $"{name} length {length} exceeds the {MaxLength} byte limit";
        }

        if (address > ulong.MaxValue - length)
        {
            return $"{name} at 0x{address:x} runs past the end of the address space";
        }

        return null;
    }

    /// <summary>
    /// Reads the whole table at <paramref name="address"/> into a new array after checking its
    /// signature (when <paramref name="expectedSignature"/> is not null), its length and its
    /// checksum. Returns null on success, else a one-line reason naming the table as
    /// <paramref name="name"/>.
    /// </summary>
    public static string? Load(IPhysicalMemory memory, ulong address, string? expectedSignature, string name, out byte[] table)
    {
        table = Array.Empty<byte>();
        string? error = ReadHeader(memory, address, name, out string signature, out uint length);
        if (error != null)
        {
            return error;
        }

        if (expectedSignature != null && signature != expectedSignature)
        {
            return $"{name} signature mismatch: expected \"{expectedSignature}\", found \"{signature}\"";
        }

        byte[] bytes = new byte[length];
        if (!memory.TryRead(address, bytes))
        {
            return $"{name} at 0x{address:x} ({length} bytes) runs past readable memory";
        }

        if (Checksum(bytes) != 0)
        {
            return $"{name} checksum mismatch";
        }

        table = bytes;
        return null;
    }

    /// <summary>Checks the checksum of a table without keeping it: reads it in small pieces.
    /// Returns false when the table is unreadable or its bytes do not sum to zero.</summary>
    public static bool VerifyChecksum(IPhysicalMemory memory, ulong address, uint length)
    {
        Span<byte> chunk = stackalloc byte[256];
        byte sum = 0;
        ulong done = 0;
        while (done < length)
        {
            int n = (int)Math.Min((ulong)chunk.Length, length - done);
            if (!memory.TryRead(address + done, chunk[..n]))
            {
                return false;
            }

            sum += Checksum(chunk[..n]);
            done += (ulong)n;
        }

        return sum == 0;
    }
}

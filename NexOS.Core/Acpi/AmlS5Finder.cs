using System.Buffers.Binary;

namespace NexOS.Core.Acpi;

/// <summary>
/// Finds the \_S5 object in AML byte code without an AML interpreter. Firmware declares it as
/// <c>Name (_S5, Package () { SLP_TYPa, SLP_TYPb, ... })</c>, which compiles to NameOp (0x08),
/// an optional root prefix '\', the name "_S5_", PackageOp (0x12), a PkgLength, the element
/// count and the elements. That pattern is searched for; anything else that merely contains
/// the bytes "_S5_" (a reference inside a method, a string) is skipped.
/// </summary>
public static class AmlS5Finder
{
    private const byte NameOp = 0x08;
    private const byte RootPrefix = (byte)'\\';
    private const byte PackageOp = 0x12;
    private const byte ZeroOp = 0x00;
    private const byte OneOp = 0x01;
    private const byte OnesOp = 0xFF;
    private const byte BytePrefix = 0x0A;
    private const byte WordPrefix = 0x0B;
    private const byte DWordPrefix = 0x0C;
    private const byte QWordPrefix = 0x0E;

    /// <summary>
    /// Searches <paramref name="aml"/> (a DSDT or SSDT body, after its 36-byte header) for a
    /// well-formed \_S5 package and returns its first two elements as SLP_TYPa and SLP_TYPb.
    /// A one-element package carries both in one integer (low byte a, next byte b), as older
    /// firmware does. Returns false when no candidate is well formed and inside the bytes.
    /// </summary>
    public static bool TryFind(ReadOnlySpan<byte> aml, out byte slpTypA, out byte slpTypB)
    {
        slpTypA = 0;
        slpTypB = 0;
        int from = 0;
        while (from < aml.Length)
        {
            int hit = aml[from..].IndexOf("_S5_"u8);
            if (hit < 0)
            {
                return false;
            }

            int name = from + hit;
            from = name + 1;
            if (IsDeclaration(aml, name) && TryReadPackage(aml, name + 4, out slpTypA, out slpTypB))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Decodes a PkgLength at <paramref name="offset"/>: the top two bits of the lead byte give
    /// the number of extra bytes (0-3). With none, the low six bits are the length; otherwise
    /// the low four bits are its least significant nibble and each extra byte adds eight bits
    /// above them. The length counts the PkgLength bytes themselves. Returns false when the
    /// encoding runs past the end of <paramref name="aml"/>.
    /// </summary>
    public static bool TryReadPackageLength(ReadOnlySpan<byte> aml, int offset, out int length, out int encodedSize)
    {
        length = 0;
        encodedSize = 0;
        if ((uint)offset >= (uint)aml.Length)
        {
            return false;
        }

        byte lead = aml[offset];
        int extra = lead >> 6;
        if (offset + extra >= aml.Length)
        {
            return false;
        }

        if (extra == 0)
        {
            length = lead & 0x3F;
        }
        else
        {
            length = lead & 0x0F;
            for (int i = 1; i <= extra; i++)
            {
                length |= aml[offset + i] << (4 + (8 * (i - 1)));
            }
        }

        encodedSize = extra + 1;
        return true;
    }

    private static bool IsDeclaration(ReadOnlySpan<byte> aml, int name)
    {
        if (name >= 1 && aml[name - 1] == NameOp)
        {
            return true;
        }

        return name >= 2 && aml[name - 1] == RootPrefix && aml[name - 2] == NameOp;
    }

    private static bool TryReadPackage(ReadOnlySpan<byte> aml, int at, out byte slpTypA, out byte slpTypB)
    {
        slpTypA = 0;
        slpTypB = 0;
        if (at >= aml.Length || aml[at] != PackageOp)
        {
            return false;
        }

        int lengthAt = at + 1;
        if (!TryReadPackageLength(aml, lengthAt, out int length, out int encodedSize))
        {
            return false;
        }

        // The package must hold its PkgLength, the element count and at least one element,
        // and must end inside the table.
        int end = lengthAt + length;
        if (length < encodedSize + 2 || end > aml.Length)
        {
            return false;
        }

        int cursor = lengthAt + encodedSize;
        byte elements = aml[cursor++];
        if (elements == 0 || !TryReadInteger(aml[..end], ref cursor, out ulong first))
        {
            return false;
        }

        if (elements == 1)
        {
            slpTypA = (byte)first;
            slpTypB = (byte)(first >> 8);
            return true;
        }

        if (!TryReadInteger(aml[..end], ref cursor, out ulong second))
        {
            return false;
        }

        slpTypA = (byte)first;
        slpTypB = (byte)second;
        return true;
    }

    /// <summary>Reads one integer element: a constant op, a prefixed byte/word/dword/qword, or
    /// (as some firmware emits) a bare byte taken as its own value.</summary>
    private static bool TryReadInteger(ReadOnlySpan<byte> aml, ref int cursor, out ulong value)
    {
        value = 0;
        if (cursor >= aml.Length)
        {
            return false;
        }

        byte op = aml[cursor];
        int size = op switch
        {
            BytePrefix => 1,
            WordPrefix => 2,
            DWordPrefix => 4,
            QWordPrefix => 8,
            _ => 0,
        };
        if (size == 0)
        {
            value = op switch
            {
                ZeroOp => 0,
                OneOp => 1,
                OnesOp => ulong.MaxValue,
                _ => op,
            };
            cursor++;
            return true;
        }

        if (cursor + 1 + size > aml.Length)
        {
            return false;
        }

        ReadOnlySpan<byte> data = aml.Slice(cursor + 1, size);
        value = size switch
        {
            1 => data[0],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(data),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(data),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(data),
        };
        cursor += 1 + size;
        return true;
    }
}

namespace NexOS.Storage.Fat;

/// <summary>Name rules of FAT: long-name validation, the 8.3 short form, the short-name
/// checksum that ties long-name entries to their short entry, and generated short names.</summary>
public static class FatNames
{
    /// <summary>The longest long name, in UTF-16 units.</summary>
    public const int MaxLongName = 255;

    /// <summary>True when <paramref name="name"/> may name a new entry: 1 to 255 units, not
    /// "." or "..", no control characters, none of <c>"*/:&lt;&gt;?\|</c>, and no trailing dot
    /// or space (Windows drops them, which would make the stored name differ).</summary>
    public static bool IsValidLongName(ReadOnlySpan<char> name)
    {
        if (name.Length == 0 || name.Length > MaxLongName)
        {
            return false;
        }
        if (name[^1] == '.' || name[^1] == ' ')
        {
            return false;
        }
        foreach (char c in name)
        {
            if (c < 0x20 || c == '"' || c == '*' || c == '/' || c == ':' || c == '<' || c == '>' || c == '?' || c == '\\' || c == '|')
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>True for a character allowed in a short name (after upper-casing).</summary>
    public static bool IsShortChar(char c) =>
        (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '$' || c == '%' || c == '\'' || c == '-' || c == '_' || c == '@' || c == '~'
        || c == '`' || c == '!' || c == '(' || c == ')' || c == '{' || c == '}' || c == '^'
        || c == '#' || c == '&';

    /// <summary>Tries to store <paramref name="name"/> as a short entry alone: base of 1-8 and
    /// extension of 0-3 short characters, each part all upper or all lower case (the lower
    /// case is recorded in <paramref name="caseFlags"/>, bits 0x08 and 0x10, as Windows NT does).
    /// Writes the 11 padded bytes into <paramref name="shortName"/>.</summary>
    public static bool TryExactShortName(ReadOnlySpan<char> name, Span<byte> shortName, out byte caseFlags)
    {
        caseFlags = 0;
        int dot = name.IndexOf('.');
        ReadOnlySpan<char> stem = dot < 0 ? name : name[..dot];
        ReadOnlySpan<char> ext = dot < 0 ? ReadOnlySpan<char>.Empty : name[(dot + 1)..];
        if (stem.Length == 0 || stem.Length > 8 || ext.Length > 3 || (dot >= 0 && ext.Length == 0) || ext.IndexOf('.') >= 0)
        {
            return false;
        }
        if (!TryPart(stem, shortName[..8], out bool stemLower) || !TryPart(ext, shortName.Slice(8, 3), out bool extLower))
        {
            return false;
        }
        caseFlags = (byte)((stemLower ? 0x08 : 0) | (extLower ? 0x10 : 0));
        return true;
    }

    private static bool TryPart(ReadOnlySpan<char> part, Span<byte> field, out bool lower)
    {
        bool hasUpper = false;
        bool hasLower = false;
        field.Fill((byte)' ');
        for (int i = 0; i < part.Length; i++)
        {
            char c = part[i];
            if (c >= 'a' && c <= 'z')
            {
                hasLower = true;
                c = (char)(c - 32);
            }
            else if (c >= 'A' && c <= 'Z')
            {
                hasUpper = true;
            }
            if (!IsShortChar(c))
            {
                lower = false;
                return false;
            }
            field[i] = (byte)c;
        }
        lower = hasLower;
        return !(hasLower && hasUpper);
    }

    /// <summary>Builds the 11-byte short name <c>BASIS~N.EXT</c> for a long name: upper case,
    /// characters a short name cannot hold become '_', spaces and extra dots are dropped, the
    /// base is cut so that "~N" fits in 8 bytes. <paramref name="tail"/> is 1 to 999999.</summary>
    public static void MakeShortName(ReadOnlySpan<char> name, int tail, Span<byte> shortName)
    {
        shortName[..11].Fill((byte)' ');
        int lastDot = name.LastIndexOf('.');
        ReadOnlySpan<char> stem = lastDot > 0 ? name[..lastDot] : name;
        ReadOnlySpan<char> ext = lastDot > 0 ? name[(lastDot + 1)..] : ReadOnlySpan<char>.Empty;
        Span<byte> basis = stackalloc byte[8];
        int basisLength = CopyFiltered(stem, basis);
        if (basisLength == 0)
        {
            basis[0] = (byte)'_';
            basisLength = 1;
        }
        CopyFiltered(ext, shortName.Slice(8, 3));
        Span<byte> digits = stackalloc byte[8];
        int digitCount = 0;
        for (int value = tail; value > 0 && digitCount < 7; value /= 10)
        {
            digits[digitCount++] = (byte)('0' + (value % 10));
        }
        int keep = Math.Min(basisLength, 8 - 1 - digitCount);
        basis[..keep].CopyTo(shortName);
        shortName[keep] = (byte)'~';
        for (int i = 0; i < digitCount; i++)
        {
            shortName[keep + 1 + i] = digits[digitCount - 1 - i];
        }
    }

    private static int CopyFiltered(ReadOnlySpan<char> source, Span<byte> destination)
    {
        int length = 0;
        foreach (char raw in source)
        {
            if (length == destination.Length)
            {
                break;
            }
            if (raw == ' ' || raw == '.')
            {
                continue;
            }
            char c = raw >= 'a' && raw <= 'z' ? (char)(raw - 32) : raw;
            destination[length++] = IsShortChar(c) ? (byte)c : (byte)'_';
        }
        return length;
    }

    /// <summary>The checksum of an 11-byte short name stored in each of its long-name entries.</summary>
    public static byte Checksum(ReadOnlySpan<byte> shortName)
    {
        byte sum = 0;
        for (int i = 0; i < 11; i++)
        {
            sum = (byte)(((sum & 1) << 7) + (sum >> 1) + shortName[i]);
        }
        return sum;
    }

    /// <summary>Formats a short entry's name as "NAME.EXT" into <paramref name="destination"/>
    /// (at least 12 units), applying the lower-case flags. Returns the length.</summary>
    public static int FormatShortName(ReadOnlySpan<byte> entry, Span<char> destination)
    {
        byte flags = entry[12];
        int length = 0;
        int stemEnd = 8;
        while (stemEnd > 0 && entry[stemEnd - 1] == ' ')
        {
            stemEnd--;
        }
        for (int i = 0; i < stemEnd; i++)
        {
            // 0x05 stands for a first byte of 0xE5, which marks deleted entries.
            byte b = i == 0 && entry[0] == 0x05 ? (byte)0xE5 : entry[i];
            destination[length++] = ShortChar(b, (flags & 0x08) != 0);
        }
        int extEnd = 11;
        while (extEnd > 8 && entry[extEnd - 1] == ' ')
        {
            extEnd--;
        }
        if (extEnd > 8)
        {
            destination[length++] = '.';
            for (int i = 8; i < extEnd; i++)
            {
                destination[length++] = ShortChar(entry[i], (flags & 0x10) != 0);
            }
        }
        return length;
    }

    private static char ShortChar(byte b, bool lower) =>
        lower && b >= 'A' && b <= 'Z' ? (char)(b + 32) : (char)b;

    /// <summary>Compares two names as Windows does: ignoring case (invariant upper-casing).</summary>
    public static bool EqualsIgnoreCase(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i] && char.ToUpperInvariant(a[i]) != char.ToUpperInvariant(b[i]))
            {
                return false;
            }
        }
        return true;
    }
}

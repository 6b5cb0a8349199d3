namespace NexOS.Security.Crypto;

/// <summary>
/// Small byte helpers shared by the patch format and the audit trail: constant-time
/// comparison (so a MAC check does not leak, through its timing, how many leading bytes of a
/// forged MAC were right) and lowercase hexadecimal in both directions without allocation.
/// </summary>
public static class CryptoBytes
{
    /// <summary>True when both spans have the same length and contents. The time taken depends
    /// only on the length, never on where the first difference is.</summary>
    public static bool FixedTimeEquals(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        if (left.Length != right.Length)
        {
            return false;
        }

        int difference = 0;
        for (int i = 0; i < left.Length; i++)
        {
            difference |= left[i] ^ right[i];
        }

        return difference == 0;
    }

    /// <summary>Writes <paramref name="bytes"/> as lowercase hex into <paramref name="destination"/>,
    /// which must hold twice as many characters; returns false (writing nothing) otherwise.</summary>
    public static bool TryWriteHex(ReadOnlySpan<byte> bytes, Span<char> destination)
    {
        if (destination.Length < bytes.Length * 2)
        {
            return false;
        }

        for (int i = 0; i < bytes.Length; i++)
        {
            destination[2 * i] = HexDigit(bytes[i] >> 4);
            destination[(2 * i) + 1] = HexDigit(bytes[i] & 0xF);
        }

        return true;
    }

    /// <summary>Parses exactly <c>destination.Length * 2</c> hex digits (either case) into
    /// <paramref name="destination"/>; returns false on any other length or a non-hex character.</summary>
    public static bool TryParseHex(ReadOnlySpan<char> hex, Span<byte> destination)
    {
        if (hex.Length != destination.Length * 2)
        {
            return false;
        }

        for (int i = 0; i < destination.Length; i++)
        {
            int high = HexValue(hex[2 * i]);
            int low = HexValue(hex[(2 * i) + 1]);
            if (high < 0 || low < 0)
            {
                return false;
            }

            destination[i] = (byte)((high << 4) | low);
        }

        return true;
    }

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'a' + value - 10);

    private static int HexValue(char c)
    {
        if (c >= '0' && c <= '9')
        {
            return c - '0';
        }

        if (c >= 'a' && c <= 'f')
        {
            return c - 'a' + 10;
        }

        if (c >= 'A' && c <= 'F')
        {
            return c - 'A' + 10;
        }

        return -1;
    }
}

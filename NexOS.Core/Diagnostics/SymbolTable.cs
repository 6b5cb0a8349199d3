namespace NexOS.Core.Diagnostics;

/// <summary>
/// Looks up the symbol that contains an address in a text symbol table of lines
/// "&lt;hex address&gt; &lt;name&gt;" (the build writes one from the linked kernel with nm). It
/// scans without allocating, so a fault handler can use it; the table need not be sorted.
/// Malformed lines are skipped.
/// </summary>
public static class SymbolTable
{
    /// <summary>Finds the symbol with the greatest address not above <paramref name="address"/>.
    /// Returns false when there is none. <paramref name="name"/> slices the table.</summary>
    public static bool Find(ReadOnlySpan<byte> table, ulong address, out ReadOnlySpan<byte> name, out ulong symbolAddress)
    {
        name = default;
        symbolAddress = 0;
        bool found = false;
        while (!table.IsEmpty)
        {
            int eol = table.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = eol < 0 ? table : table[..eol];
            table = eol < 0 ? default : table[(eol + 1)..];

            int space = line.IndexOf((byte)' ');
            if (space <= 0 || space > 16 || !TryParseHex(line[..space], out ulong value))
            {
                continue;
            }

            ReadOnlySpan<byte> symbol = line[(space + 1)..].TrimEnd((byte)'\r');
            if (symbol.IsEmpty || value > address || (found && value < symbolAddress))
            {
                continue;
            }

            found = true;
            symbolAddress = value;
            name = symbol;
        }

        return found;
    }

    private static bool TryParseHex(ReadOnlySpan<byte> digits, out ulong value)
    {
        value = 0;
        foreach (byte c in digits)
        {
            int d = c switch
            {
                >= (byte)'0' and <= (byte)'9' => c - '0',
                >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
                _ => -1,
            };
            if (d < 0)
            {
                return false;
            }

            value = (value << 4) | (uint)d;
        }

        return !digits.IsEmpty;
    }
}

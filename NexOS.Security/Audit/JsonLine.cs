using System.Text;

namespace NexOS.Security.Audit;

/// <summary>
/// The little JSON the audit export needs, both ways. Writing escapes every character outside
/// printable ASCII as \uXXXX, so exported lines are pure ASCII and survive any serial line.
/// Reading is strict: keys must appear exactly in the order the exporter writes them, which
/// keeps the parser short and means there is one accepted spelling of each record.
/// </summary>
internal ref struct JsonLine
{
    private readonly ReadOnlySpan<char> _text;
    private int _at;

    public JsonLine(ReadOnlySpan<char> text)
    {
        _text = text;
        _at = 0;
    }

    public bool AtEnd => _at == _text.Length;

    public static void AppendString(StringBuilder output, ReadOnlySpan<char> value)
    {
        output.Append('"');
        foreach (char c in value)
        {
            if (c == '"' || c == '\\')
            {
                output.Append('\\').Append(c);
            }
            else if (c < 0x20 || c > 0x7E)
            {
                output.Append("\\u").Append(HexDigit(c >> 12)).Append(HexDigit(c >> 8)).Append(HexDigit(c >> 4)).Append(HexDigit(c));
            }
            else
            {
                output.Append(c);
            }
        }

        output.Append('"');
    }

    public bool Expect(string literal)
    {
        if (!_text.Slice(_at).StartsWith(literal, StringComparison.Ordinal))
        {
            return false;
        }

        _at += literal.Length;
        return true;
    }

    public bool ReadUInt64(out ulong value)
    {
        value = 0;
        int start = _at;
        while (_at < _text.Length && _text[_at] >= '0' && _text[_at] <= '9')
        {
            ulong digit = (ulong)(_text[_at] - '0');
            if (value > (ulong.MaxValue - digit) / 10)
            {
                return false;
            }

            value = (value * 10) + digit;
            _at++;
        }

        // One canonical spelling: at least one digit and no leading zeros.
        int length = _at - start;
        return length > 0 && (length == 1 || _text[start] != '0');
    }

    /// <summary>Reads a quoted string with the escapes the writer produces (plus \n, \t, \/).</summary>
    public bool ReadString(StringBuilder output)
    {
        output.Clear();
        if (!Expect("\""))
        {
            return false;
        }

        while (_at < _text.Length)
        {
            char c = _text[_at++];
            if (c == '"')
            {
                return true;
            }

            if (c != '\\')
            {
                output.Append(c);
                continue;
            }

            if (_at >= _text.Length)
            {
                return false;
            }

            char escape = _text[_at++];
            if (escape == 'u')
            {
                if (_at + 4 > _text.Length || !TryParseHex4(_text.Slice(_at, 4), out char unit))
                {
                    return false;
                }

                output.Append(unit);
                _at += 4;
            }
            else if (escape == '"' || escape == '\\' || escape == '/')
            {
                output.Append(escape);
            }
            else if (escape == 'n' || escape == 't' || escape == 'r')
            {
                output.Append(escape == 'n' ? '\n' : escape == 't' ? '\t' : '\r');
            }
            else
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Reads a quoted hex string of exactly <c>destination.Length</c> bytes.</summary>
    public bool ReadHex(scoped Span<byte> destination)
    {
        int digits = destination.Length * 2;
        if (!Expect("\"") || _at + digits + 1 > _text.Length || !Crypto.CryptoBytes.TryParseHex(_text.Slice(_at, digits), destination))
        {
            return false;
        }

        _at += digits;
        return Expect("\"");
    }

    private static char HexDigit(int value)
    {
        value &= 0xF;
        return (char)(value < 10 ? '0' + value : 'a' + value - 10);
    }

    private static bool TryParseHex4(ReadOnlySpan<char> digits, out char unit)
    {
        int value = 0;
        foreach (char d in digits)
        {
            int v = d >= '0' && d <= '9' ? d - '0' : d >= 'a' && d <= 'f' ? d - 'a' + 10 : d >= 'A' && d <= 'F' ? d - 'A' + 10 : -1;
            if (v < 0)
            {
                unit = '\0';
                return false;
            }

            value = (value << 4) | v;
        }

        unit = (char)value;
        return true;
    }
}

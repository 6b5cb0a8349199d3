namespace NexOS.Core.Metrics;

/// <summary>
/// Appends text to a caller's buffer without allocating. Running out of room sets
/// <see cref="Overflowed"/> and drops the rest instead of throwing, so a formatter can write
/// everything and check once at the end. Numbers are written digit by digit: no culture, no
/// format strings, identical on the host and in the kernel.
/// </summary>
internal ref struct MetricTextWriter
{
    private readonly Span<char> _buffer;
    private int _length;

    public MetricTextWriter(Span<char> buffer)
    {
        _buffer = buffer;
        _length = 0;
        Overflowed = false;
    }

    /// <summary>Characters written so far.</summary>
    public readonly int Length => _length;

    /// <summary>True once something did not fit.</summary>
    public bool Overflowed { get; private set; }

    public void Append(char c)
    {
        if (_length < _buffer.Length)
        {
            _buffer[_length++] = c;
        }
        else
        {
            Overflowed = true;
        }
    }

    public void Append(string text)
    {
        foreach (char c in text)
        {
            Append(c);
        }
    }

    public void AppendSpaces(int count)
    {
        for (int i = 0; i < count; i++)
        {
            Append(' ');
        }
    }

    public void Append(ulong value)
    {
        // 20 digits hold ulong.MaxValue; fill from the right, then copy in order.
        Span<char> digits = stackalloc char[20];
        int start = digits.Length;
        do
        {
            digits[--start] = (char)('0' + (int)(value % 10));
            value /= 10;
        }
        while (value != 0);

        foreach (char c in digits[start..])
        {
            Append(c);
        }
    }

    public void Append(long value)
    {
        if (value < 0)
        {
            Append('-');

            // -(value + 1) + 1 avoids overflowing on long.MinValue.
            Append((ulong)(-(value + 1)) + 1);
        }
        else
        {
            Append((ulong)value);
        }
    }

    /// <summary>Text for one line: control characters (which would end or garble the line)
    /// become '?'.</summary>
    public void AppendPrintable(string text)
    {
        foreach (char c in text)
        {
            // The C0 and C1 control ranges, spelled out rather than char.IsControl so no
            // Unicode tables are involved.
            bool control = c < ' ' || (c >= '\u007f' && c <= '\u009f');
            Append(control ? '?' : c);
        }
    }

    /// <summary>A JSON string literal with its quotes. Quote, backslash and control characters
    /// are escaped as RFC 8259 requires; unpaired surrogates are escaped as \uXXXX too, so the
    /// output stays valid UTF-16 whatever the name holds.</summary>
    public void AppendJsonString(string text)
    {
        Append('"');
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '"':
                    Append("\\\"");
                    break;
                case '\\':
                    Append("\\\\");
                    break;
                case '\n':
                    Append("\\n");
                    break;
                case '\r':
                    Append("\\r");
                    break;
                case '\t':
                    Append("\\t");
                    break;
                default:
                    if (c < ' ' || c == '\u007f' || IsLoneSurrogate(text, i))
                    {
                        AppendUnicodeEscape(c);
                    }
                    else
                    {
                        Append(c);
                    }

                    break;
            }
        }

        Append('"');
    }

    private void AppendUnicodeEscape(char c)
    {
        const string hex = "0123456789abcdef";
        Append("\\u");
        Append(hex[(c >> 12) & 0xf]);
        Append(hex[(c >> 8) & 0xf]);
        Append(hex[(c >> 4) & 0xf]);
        Append(hex[c & 0xf]);
    }

    private static bool IsLoneSurrogate(string text, int i)
    {
        char c = text[i];
        if (char.IsHighSurrogate(c))
        {
            return i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]);
        }

        if (char.IsLowSurrogate(c))
        {
            return i == 0 || !char.IsHighSurrogate(text[i - 1]);
        }

        return false;
    }
}

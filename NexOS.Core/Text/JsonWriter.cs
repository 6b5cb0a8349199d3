using System.Text;

namespace NexOS.Core.Text;

/// <summary>
/// Writes one JSON document into a <see cref="StringBuilder"/>: objects, arrays, names and
/// values, with the commas placed for the caller. The output is pure ASCII, so it survives a
/// serial line or any byte-oriented channel: quote, backslash and control characters are
/// escaped as RFC 8259 requires, every character above '~' becomes a \uXXXX escape (a
/// surrogate pair as two, which a reader joins again), and an unpaired surrogate becomes
/// \ufffd, so a reader never meets invalid UTF-16. Nothing here throws on any string; the
/// caller keeps the nesting balanced (at most <see cref="MaxDepth"/> levels).
/// </summary>
public sealed class JsonWriter
{
    /// <summary>The deepest nesting whose commas are tracked.</summary>
    public const int MaxDepth = 63;

    private const string Hex = "0123456789abcdef";

    private readonly StringBuilder _output;

    // Bit n is set when the container at depth n already holds an element.
    private ulong _hasElement;
    private int _depth;
    private bool _afterName;

    /// <summary>Creates a writer that appends to <paramref name="output"/>.</summary>
    public JsonWriter(StringBuilder output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    /// <summary>Starts an object, as a value or an array element.</summary>
    public JsonWriter StartObject() => Open('{');

    /// <summary>Ends the innermost object.</summary>
    public JsonWriter EndObject() => Close('}');

    /// <summary>Starts an array, as a value or an array element.</summary>
    public JsonWriter StartArray() => Open('[');

    /// <summary>Ends the innermost array.</summary>
    public JsonWriter EndArray() => Close(']');

    /// <summary>Writes a member's name; its value comes next.</summary>
    public JsonWriter Name(string name)
    {
        Separate();
        AppendString(_output, name);
        _output.Append(':');
        _afterName = true;
        return this;
    }

    /// <summary>Writes a string, or null for a null reference.</summary>
    public JsonWriter Value(string? value)
    {
        Separate();
        if (value == null)
        {
            _output.Append("null");
        }
        else
        {
            AppendString(_output, value);
        }

        return this;
    }

    /// <summary>Writes a signed integer.</summary>
    public JsonWriter Value(long value)
    {
        Separate();
        _output.Append(value);
        return this;
    }

    /// <summary>Writes an unsigned integer.</summary>
    public JsonWriter Value(ulong value)
    {
        Separate();
        _output.Append(value);
        return this;
    }

    /// <summary>Writes true or false.</summary>
    public JsonWriter Value(bool value)
    {
        Separate();
        _output.Append(value ? "true" : "false");
        return this;
    }

    /// <summary>Writes null.</summary>
    public JsonWriter Null()
    {
        Separate();
        _output.Append("null");
        return this;
    }

    /// <summary>Writes <paramref name="json"/> as it is, as one value: the caller vouches that
    /// it is a whole, valid JSON value (another formatter's object, for example).</summary>
    public JsonWriter Raw(string json)
    {
        Separate();
        _output.Append(json);
        return this;
    }

    /// <summary>Writes a member with a string value (null for a null reference).</summary>
    public JsonWriter Property(string name, string? value) => Name(name).Value(value);

    /// <summary>Writes a member with a signed integer value.</summary>
    public JsonWriter Property(string name, long value) => Name(name).Value(value);

    /// <summary>Writes a member with an unsigned integer value.</summary>
    public JsonWriter Property(string name, ulong value) => Name(name).Value(value);

    /// <summary>Writes a member with a true or false value.</summary>
    public JsonWriter Property(string name, bool value) => Name(name).Value(value);

    /// <summary>Appends <paramref name="value"/> as a JSON string literal, quotes included,
    /// in pure ASCII (see the class summary for the escapes).</summary>
    public static void AppendString(StringBuilder output, ReadOnlySpan<char> value)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Append('"');
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            switch (c)
            {
                case '"':
                    output.Append("\\\"");
                    break;
                case '\\':
                    output.Append("\\\\");
                    break;
                case '\n':
                    output.Append("\\n");
                    break;
                case '\r':
                    output.Append("\\r");
                    break;
                case '\t':
                    output.Append("\\t");
                    break;
                case '\b':
                    output.Append("\\b");
                    break;
                case '\f':
                    output.Append("\\f");
                    break;
                default:
                    if (c >= ' ' && c <= '~')
                    {
                        output.Append(c);
                    }
                    else
                    {
                        AppendEscape(output, IsPaired(value, i) ? c : '\ufffd');
                    }

                    break;
            }
        }

        output.Append('"');
    }

    /// <summary>True when the surrogate at <paramref name="i"/> is half of a pair (or the
    /// character is no surrogate at all).</summary>
    private static bool IsPaired(ReadOnlySpan<char> text, int i)
    {
        char c = text[i];
        if (char.IsHighSurrogate(c))
        {
            return i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
        }

        return !char.IsLowSurrogate(c) || (i > 0 && char.IsHighSurrogate(text[i - 1]));
    }

    private static void AppendEscape(StringBuilder output, char c) =>
        output.Append("\\u").Append(Hex[(c >> 12) & 0xf]).Append(Hex[(c >> 8) & 0xf]).Append(Hex[(c >> 4) & 0xf]).Append(Hex[c & 0xf]);

    private JsonWriter Open(char bracket)
    {
        Separate();
        _output.Append(bracket);
        if (_depth < MaxDepth)
        {
            _depth++;
        }

        _hasElement &= ~(1UL << _depth);
        return this;
    }

    private JsonWriter Close(char bracket)
    {
        _output.Append(bracket);
        if (_depth > 0)
        {
            _depth--;
        }

        _afterName = false;
        return this;
    }

    /// <summary>Writes the comma an element needs when it is not the first of its container;
    /// a value right after its name needs none.</summary>
    private void Separate()
    {
        if (_afterName)
        {
            _afterName = false;
            return;
        }

        ulong bit = 1UL << _depth;
        if ((_hasElement & bit) != 0)
        {
            _output.Append(',');
        }

        _hasElement |= bit;
    }
}

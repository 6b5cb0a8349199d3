using System.Text;

namespace NexOS.Services.Shell;

/// <summary>
/// Splits a command line into words. Words are separated by runs of spaces or tabs; double
/// quotes group text, spaces included, into one word and may start or end anywhere in a word
/// (<c>a"b c"d</c> is the single word "ab cd"; <c>""</c> is an empty word). There are no
/// escapes: a double quote cannot appear inside a word.
/// </summary>
public static class CommandLineTokenizer
{
    /// <summary>The error returned for a line whose last double quote is never closed.</summary>
    public const string UnterminatedQuote = "unterminated double quote";

    /// <summary>The line that <see cref="Tokenize"/> splits back into <paramref name="words"/>:
    /// words joined by one space, those that are empty or hold a space or tab in double quotes.
    /// Returns null when a word holds a double quote, which no line can express.</summary>
    public static string? Join(IReadOnlyList<string> words)
    {
        var line = new StringBuilder();
        foreach (string w in words)
        {
            if (w.Contains('"', StringComparison.Ordinal))
            {
                return null;
            }

            line.Append(line.Length > 0 ? " " : "");
            bool quote = w.Length == 0 || w.Contains(' ', StringComparison.Ordinal) || w.Contains('\t', StringComparison.Ordinal);
            line.Append(quote ? "\"" + w + "\"" : w);
        }

        return line.ToString();
    }

    /// <summary>Appends the words of <paramref name="line"/> to <paramref name="words"/>.
    /// Returns null, or a one-line reason when the line cannot be split (then
    /// <paramref name="words"/> is left as it was).</summary>
    public static string? Tokenize(string line, List<string> words)
    {
        int firstNew = words.Count;
        var current = new StringBuilder();
        bool inWord = false;
        bool quoted = false;
        foreach (char c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
                inWord = true;
            }
            else if (!quoted && (c == ' ' || c == '\t'))
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }

        if (quoted)
        {
            words.RemoveRange(firstNew, words.Count - firstNew);
            return UnterminatedQuote;
        }

        if (inWord)
        {
            words.Add(current.ToString());
        }

        return null;
    }
}

using System.Globalization;
using System.Text;

namespace NexOS.Ai.Engine;

/// <summary>
/// Pre-trained model parameters: what the host's training command learned from traces, shipped
/// in the ISO as the boot module "models" and applied when the engine starts, so the kernel
/// goes on learning from there instead of from nothing. A text file, one entry per line:
/// <code>
/// # comment
/// family &lt;name&gt; &lt;kept&gt; &lt;rolled-back&gt;   (Beta prior of the family being kept)
/// value &lt;model.key&gt; &lt;number&gt;             (a model's starting estimate)
/// </code>
/// Parsing never throws: a bad line is skipped and reported with its number and reason.
/// </summary>
public sealed class ModelPriors
{
    /// <summary>Most entries read; the rest are reported as errors.</summary>
    public const int MaxEntries = 256;

    /// <summary>Longest name.</summary>
    public const int MaxNameLength = 64;

    private readonly List<(string Name, double Kept, double RolledBack)> _families = new();
    private readonly List<(string Key, double Value)> _values = new();
    private readonly List<string> _errors = new();

    /// <summary>The family priors, in file order.</summary>
    public IReadOnlyList<(string Name, double Kept, double RolledBack)> Families => _families;

    /// <summary>The named values, in file order.</summary>
    public IReadOnlyList<(string Key, double Value)> Values => _values;

    /// <summary>Lines that were skipped, each "line N: reason".</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>Where the priors came from (the first comment line), or empty.</summary>
    public string Source { get; private set; } = string.Empty;

    /// <summary>Reads priors from UTF-8 text.</summary>
    public static ModelPriors Parse(ReadOnlySpan<byte> utf8)
    {
        var priors = new ModelPriors();
        string text = Encoding.UTF8.GetString(utf8);
        int lineNumber = 0;
        foreach (string raw in text.Split('\n'))
        {
            lineNumber++;
            string line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] == '#')
            {
                if (priors.Source.Length == 0)
                {
                    priors.Source = line[1..].Trim();
                }

                continue;
            }

            string? error = priors.ParseLine(line);
            if (error != null)
            {
                priors._errors.Add($"line {lineNumber}: {error}");
            }
        }

        return priors;
    }

    /// <summary>Adds a family prior (for the training command).</summary>
    public void AddFamily(string name, double kept, double rolledBack) => _families.Add((name, kept, rolledBack));

    /// <summary>Adds a value (for the training command).</summary>
    public void AddValue(string key, double value) => _values.Add((key, value));

    /// <summary>The value named <paramref name="key"/>, or <paramref name="fallback"/>.</summary>
    public double Value(string key, double fallback)
    {
        foreach ((string k, double v) in _values)
        {
            if (k == key)
            {
                return v;
            }
        }

        return fallback;
    }

    /// <summary>Writes the priors in the format <see cref="Parse"/> reads.</summary>
    public string Format(string source)
    {
        var sb = new StringBuilder();
        sb.Append("# ").Append(source).Append('\n');
        foreach ((string name, double kept, double rolledBack) in _families)
        {
            sb.Append(CultureInfo.InvariantCulture, $"family {name} {kept:0.###} {rolledBack:0.###}\n");
        }

        foreach ((string key, double value) in _values)
        {
            sb.Append(CultureInfo.InvariantCulture, $"value {key} {value:0.######}\n");
        }

        return sb.ToString();
    }

    private string? ParseLine(string line)
    {
        if (_families.Count + _values.Count >= MaxEntries)
        {
            return $"more than {MaxEntries} entries";
        }

        string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words[0] == "family" && words.Length == 4)
        {
            if (!Name(words[1]) || !Number(words[2], out double kept) || !Number(words[3], out double rolledBack) || kept < 0 || rolledBack < 0)
            {
                return "expected: family <name> <kept >= 0> <rolled-back >= 0>";
            }

            _families.Add((words[1], kept, rolledBack));
            return null;
        }

        if (words[0] == "value" && words.Length == 3)
        {
            if (!Name(words[1]) || !Number(words[2], out double value))
            {
                return "expected: value <model.key> <number>";
            }

            _values.Add((words[1], value));
            return null;
        }

        return $"unknown entry '{(words[0].Length > MaxNameLength ? words[0][..MaxNameLength] : words[0])}' (family or value, with their fields)";
    }

    private static bool Name(string word) => word.Length <= MaxNameLength;

    private static bool Number(string word, out double value)
        => double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}

/// <summary>A model that starts from pre-trained parameters.</summary>
public interface IPrimableModel
{
    /// <summary>Takes its starting estimates from <paramref name="priors"/> (absent keys keep the defaults).</summary>
    void Prime(ModelPriors priors);

    /// <summary>Adds what it has learned so far to <paramref name="priors"/>, in the entries
    /// <see cref="Prime"/> reads, so a later boot goes on from here (the state kept on the disk).</summary>
    void Export(ModelPriors priors);
}

using System.Globalization;
using System.Text.Json;

namespace NexOS.Bench;

/// <summary>One benchmark figure as a guest prints it, one JSON object per line:
/// {"bench":"name","unit":"ns","median":..,"p99":..,"mean":..,"max":..,"n":..}, or
/// {"bench":"name","error":"..."}. Both NexOS and the Linux programs print this shape.</summary>
public sealed record BenchLine(string Name, string Unit, double Median, double P99, double Max, long Count, string? Error = null)
{
    /// <summary>Parses the JSON object in <paramref name="line"/>, ignoring serial noise
    /// around it (a carriage return, a log prefix). Null for a line that holds no benchmark
    /// object or a malformed one: a guest's console may interleave other output.</summary>
    public static BenchLine? TryParse(string line)
    {
        int start = line.IndexOf("{\"bench\"", StringComparison.Ordinal);
        int end = line.LastIndexOf('}');
        if (start < 0 || end <= start)
        {
            return null;
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(line.AsMemory(start, end - start + 1));
            JsonElement root = doc.RootElement;
            string? name = root.GetProperty("bench").GetString();
            if (string.IsNullOrEmpty(name))
            {
                return null;
            }

            if (root.TryGetProperty("error", out JsonElement error))
            {
                return new BenchLine(name, "", double.NaN, double.NaN, double.NaN, 0, error.GetString() ?? "error");
            }

            return new BenchLine(
                name,
                root.TryGetProperty("unit", out JsonElement unit) ? unit.GetString() ?? "ns" : "ns",
                root.GetProperty("median").GetDouble(),
                root.GetProperty("p99").GetDouble(),
                root.TryGetProperty("max", out JsonElement max) ? max.GetDouble() : double.NaN,
                root.TryGetProperty("n", out JsonElement n) ? n.GetInt64() : 0);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>A single figure (a boot time) as a line of its own.</summary>
    public static BenchLine Single(string name, string unit, double value) => new(name, unit, value, value, value, 1);

    public override string ToString() => Error != null
        ? $"{Name}: error {Error}"
        : string.Create(CultureInfo.InvariantCulture, $"{Name}: median {Median} {Unit}, p99 {P99} {Unit}");
}

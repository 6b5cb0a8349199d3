namespace NexOS.Core.Metrics;

/// <summary>
/// Renders a metric as one line of text for the console, or as one JSON object for tools:
/// <code>
/// irq.count.4  1234 interrupts
/// mem.free_frames  5120 frames min=4096 max=8192
/// ipc.roundtrip_ns  n=1000 mean=850 p50=800 p99=1900 max=2500
/// {"metric":"irq.count.4","unit":"interrupts","value":1234}
/// {"metric":"mem.free_frames","unit":"frames","value":5120,"min":4096,"max":8192}
/// {"metric":"ipc.roundtrip_ns","unit":"ns","n":1000,"mean":850,"p50":800,"p99":1900,"max":2500}
/// </code>
/// All numbers are integers (means rounded to the nearest one), so the output does not depend
/// on culture or floating-point formatting. The <c>TryFormat</c> methods read live values and
/// allocate nothing, so a fault handler can dump metrics; the string methods allocate the
/// result.
/// </summary>
public static class MetricFormatter
{
    /// <summary>Writes the text line for <paramref name="metric"/> into
    /// <paramref name="destination"/>: the name padded with spaces to at least
    /// <paramref name="nameWidth"/> characters, two spaces, then the values. Control
    /// characters in the name or unit become '?', so it is always one line. Returns false
    /// when the line does not fit; <paramref name="written"/> then counts what did fit.</summary>
    public static bool TryFormatText(Metric metric, Span<char> destination, out int written, int nameWidth = 0)
    {
        var w = new MetricTextWriter(destination);
        w.AppendPrintable(metric.Name);
        w.AppendSpaces(nameWidth - metric.Name.Length);
        w.AppendSpaces(2);
        switch (metric)
        {
            case Counter counter:
                w.Append(counter.Value);
                AppendUnit(ref w, metric.Unit);
                break;
            case Gauge gauge:
                w.Append(gauge.Value);
                AppendUnit(ref w, metric.Unit);
                w.Append(" min=");
                w.Append(gauge.Min);
                w.Append(" max=");
                w.Append(gauge.Max);
                break;
            case LatencyHistogram histogram:
                HistogramFigures f = HistogramFigures.Of(histogram);
                w.Append("n=");
                w.Append(f.Count);
                w.Append(" mean=");
                w.Append(f.Mean);
                w.Append(" p50=");
                w.Append(f.P50);
                w.Append(" p99=");
                w.Append(f.P99);
                w.Append(" max=");
                w.Append(f.Max);
                break;
        }

        written = w.Length;
        return !w.Overflowed;
    }

    /// <summary>Writes the JSON object for <paramref name="metric"/> (no trailing newline)
    /// into <paramref name="destination"/>. Strings are escaped so the output is always valid
    /// JSON. Returns false when it does not fit; <paramref name="written"/> then counts what
    /// did fit, which is not valid JSON.</summary>
    public static bool TryFormatJson(Metric metric, Span<char> destination, out int written)
    {
        var w = new MetricTextWriter(destination);
        w.Append("{\"metric\":");
        w.AppendJsonString(metric.Name);
        w.Append(",\"unit\":");
        w.AppendJsonString(metric.Unit);
        switch (metric)
        {
            case Counter counter:
                w.Append(",\"value\":");
                w.Append(counter.Value);
                break;
            case Gauge gauge:
                w.Append(",\"value\":");
                w.Append(gauge.Value);
                w.Append(",\"min\":");
                w.Append(gauge.Min);
                w.Append(",\"max\":");
                w.Append(gauge.Max);
                break;
            case LatencyHistogram histogram:
                HistogramFigures f = HistogramFigures.Of(histogram);
                w.Append(",\"n\":");
                w.Append(f.Count);
                w.Append(",\"mean\":");
                w.Append(f.Mean);
                w.Append(",\"p50\":");
                w.Append(f.P50);
                w.Append(",\"p99\":");
                w.Append(f.P99);
                w.Append(",\"max\":");
                w.Append(f.Max);
                break;
        }

        w.Append('}');
        written = w.Length;
        return !w.Overflowed;
    }

    /// <summary>The text line for <paramref name="metric"/> as a string; see
    /// <see cref="TryFormatText"/>.</summary>
    public static string FormatText(Metric metric, int nameWidth = 0)
    {
        ArgumentNullException.ThrowIfNull(metric);
        char[] buffer = new char[Capacity(metric, nameWidth)];
        TryFormatText(metric, buffer, out int written, nameWidth);
        return new string(buffer, 0, written);
    }

    /// <summary>The JSON object for <paramref name="metric"/> as a string; see
    /// <see cref="TryFormatJson"/>.</summary>
    public static string FormatJson(Metric metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        char[] buffer = new char[Capacity(metric, 0)];
        TryFormatJson(metric, buffer, out int written);
        return new string(buffer, 0, written);
    }

    /// <summary>An upper bound on either rendering's length: each string character can grow
    /// to a six-character JSON escape, and the fixed text plus five 20-digit numbers stay
    /// well under 256 characters.</summary>
    private static int Capacity(Metric metric, int nameWidth) =>
        (6 * (metric.Name.Length + metric.Unit.Length)) + Math.Max(nameWidth, 0) + 256;

    private static void AppendUnit(ref MetricTextWriter w, string unit)
    {
        if (unit.Length > 0)
        {
            w.Append(' ');
            w.AppendPrintable(unit);
        }
    }

    /// <summary>The figures both renderings show for a histogram, computed in one place so
    /// the text and JSON forms cannot drift apart.</summary>
    private readonly struct HistogramFigures
    {
        public long Count { get; init; }

        public ulong Mean { get; init; }

        public ulong P50 { get; init; }

        public ulong P99 { get; init; }

        public ulong Max { get; init; }

        public static HistogramFigures Of(LatencyHistogram histogram)
        {
            long count = histogram.Count;
            return new HistogramFigures
            {
                Count = count,
                Mean = HistogramMath.RoundedMean(histogram.Sum, count),
                P50 = histogram.Percentile(50),
                P99 = histogram.Percentile(99),
                Max = histogram.Max,
            };
        }
    }
}

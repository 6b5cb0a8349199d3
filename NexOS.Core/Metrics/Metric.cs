namespace NexOS.Core.Metrics;

/// <summary>What a metric measures; decides how it is rendered.</summary>
public enum MetricKind
{
    /// <summary>A running total that only grows (<see cref="Metrics.Counter"/>).</summary>
    Counter,

    /// <summary>A level that goes up and down (<see cref="Metrics.Gauge"/>).</summary>
    Gauge,

    /// <summary>A distribution of durations (<see cref="LatencyHistogram"/>).</summary>
    Histogram,
}

/// <summary>
/// What every metric has: a name that identifies it in a <see cref="MetricsRegistry"/>, the
/// unit of its values and a one-line description. Only this assembly defines metric kinds, so
/// formatters can switch on <see cref="Kind"/> without a fallback for unknown subclasses.
/// </summary>
public abstract class Metric
{
    /// <summary>Validates the identity. Throws <see cref="ArgumentException"/> for an empty
    /// name and <see cref="ArgumentNullException"/> for a null unit or description: metrics are
    /// created at boot by kernel code, so a bad one is a programming error.</summary>
    private protected Metric(string name, string unit, string description)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(description);
        Name = name;
        Unit = unit;
        Description = description;
    }

    /// <summary>The metric's name, e.g. <c>irq.count.4</c>; never empty.</summary>
    public string Name { get; }

    /// <summary>The unit of the values, e.g. <c>interrupts</c> or <c>ns</c>; may be empty.</summary>
    public string Unit { get; }

    /// <summary>What the metric measures, for people reading a dump; may be empty.</summary>
    public string Description { get; }

    /// <summary>Which of the three kinds this metric is.</summary>
    public abstract MetricKind Kind { get; }

    /// <summary>The lower-case name of a kind (<c>counter</c>, <c>gauge</c>, <c>histogram</c>).
    /// Spelled out because <c>Enum.ToString</c> needs reflection, which the kernel lacks.</summary>
    public static string KindName(MetricKind kind) => kind switch
    {
        MetricKind.Counter => "counter",
        MetricKind.Gauge => "gauge",
        MetricKind.Histogram => "histogram",
        _ => "unknown",
    };
}

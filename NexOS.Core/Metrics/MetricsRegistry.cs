namespace NexOS.Core.Metrics;

/// <summary>
/// The kernel's set of metrics. Subsystems register their metrics once at start-up and keep
/// the returned objects to update them; the registry itself is only touched again to list or
/// look metrics up for a report. Registration allocates and may throw (it is boot-time code);
/// nothing here is meant for interrupt context, and it is not safe to register from two CPUs
/// at once.
/// </summary>
public sealed class MetricsRegistry
{
    private readonly List<Metric> _metrics = new();
    private readonly Dictionary<string, Metric> _byName = new();

    /// <summary>Number of registered metrics.</summary>
    public int Count => _metrics.Count;

    /// <summary>The metric registered <paramref name="index"/>-th (0-based), so reports can
    /// walk the registry in registration order without allocating an enumerator. Throws
    /// <see cref="ArgumentOutOfRangeException"/> outside 0 to <see cref="Count"/> - 1.</summary>
    public Metric this[int index] => _metrics[index];

    /// <summary>Every metric in registration order; a live view, not a copy.</summary>
    public IReadOnlyList<Metric> Metrics => _metrics;

    /// <summary>Length of the longest registered name, for lining up a text report:
    /// pass it as the name width to <see cref="MetricFormatter.FormatText"/>.</summary>
    public int NameWidth { get; private set; }

    /// <summary>Registers a counter, or returns the one already registered under
    /// <paramref name="name"/>; the first registration's unit and description are kept.
    /// Throws <see cref="InvalidOperationException"/> when the name belongs to a metric of
    /// another kind, and <see cref="ArgumentException"/> for an empty name or a null unit
    /// or description.</summary>
    public Counter Counter(string name, string unit, string description) =>
        GetOrAdd(name, MetricKind.Counter, () => new Counter(name, unit, description));

    /// <summary>Registers a gauge, or returns the existing one; same rules as
    /// <see cref="Counter"/>.</summary>
    public Gauge Gauge(string name, string unit, string description) =>
        GetOrAdd(name, MetricKind.Gauge, () => new Gauge(name, unit, description));

    /// <summary>Registers a latency histogram, or returns the existing one; same rules as
    /// <see cref="Counter"/>.</summary>
    public LatencyHistogram Histogram(string name, string unit, string description) =>
        GetOrAdd(name, MetricKind.Histogram, () => new LatencyHistogram(name, unit, description));

    private T GetOrAdd<T>(string name, MetricKind kind, Func<T> create)
        where T : Metric
    {
        if (Existing(name, kind) is T existing)
        {
            return existing;
        }

        T metric = create();
        Add(metric);
        return metric;
    }

    /// <summary>The metric called <paramref name="name"/> (exact, case-sensitive match), or
    /// null when there is none or the name is null.</summary>
    public Metric? Find(string? name)
    {
        if (name is null)
        {
            return null;
        }

        return _byName.TryGetValue(name, out Metric? metric) ? metric : null;
    }

    /// <summary>The text line for <paramref name="metric"/>, its name padded to
    /// <see cref="NameWidth"/> so consecutive lines line up.</summary>
    public string Format(Metric metric) => MetricFormatter.FormatText(metric, NameWidth);

    /// <summary>The JSON object for <paramref name="metric"/>; see
    /// <see cref="MetricFormatter.FormatJson"/>.</summary>
    public string FormatJson(Metric metric) => MetricFormatter.FormatJson(metric);

    private Metric? Existing(string name, MetricKind kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_byName.TryGetValue(name, out Metric? metric))
        {
            return null;
        }

        if (metric.Kind != kind)
        {
            // Two subsystems picked the same name for different things; failing at boot is
            // better than one of them silently writing into the other's metric.
            throw new InvalidOperationException(
                $"metric '{name}' is already registered as a {Metric.KindName(metric.Kind)}, not a {Metric.KindName(kind)}");
        }

        return metric;
    }

    private void Add(Metric metric)
    {
        _byName.Add(metric.Name, metric);
        _metrics.Add(metric);
        NameWidth = Math.Max(NameWidth, metric.Name.Length);
    }
}

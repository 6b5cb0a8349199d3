using NexOS.Core.Metrics;

namespace NexOS.Ai.Monitoring;

/// <summary>How a channel turns a metric into one number per sampling period.</summary>
public enum ChannelKind
{
    /// <summary>A gauge's current value.</summary>
    Level,

    /// <summary>A counter's increase per second since the previous sample.</summary>
    RatePerSecond,

    /// <summary>A percentile of the histogram samples recorded since the previous sample.</summary>
    WindowPercentile,

    /// <summary>The mean of the histogram samples recorded since the previous sample.</summary>
    WindowMean,

    /// <summary>Histogram samples recorded per second since the previous sample.</summary>
    EventsPerSecond,
}

/// <summary>
/// One monitored quantity: a metric from the registry, the way it is reduced to a number per
/// sampling period, and the series of those numbers. Histograms are diffed bucket by bucket,
/// so a window's percentile describes only that window, not everything since boot. All state
/// is allocated by the factory methods; <see cref="Sample"/> never allocates.
/// </summary>
public sealed class MetricChannel
{
    private readonly Metric _source;
    private readonly HistogramWindow? _window;
    private long _lastCount;
    private ulong _lastTimeNs;
    private bool _primed;

    private MetricChannel(Metric source, ChannelKind kind, double percentile, string suffix, int capacity, HistogramWindow? window = null)
    {
        _source = source;
        Kind = kind;
        Percentile = percentile;
        Name = suffix.Length == 0 ? source.Name : source.Name + "." + suffix;
        int dot = source.Name.IndexOf('.');
        Subsystem = dot > 0 ? source.Name[..dot] : source.Name;
        Series = new SeriesRing(capacity);
        if (source is LatencyHistogram histogram)
        {
            if (window != null && window.Histogram != histogram)
            {
                throw new ArgumentException($"the window reads {window.Histogram.Name}, not {histogram.Name}", nameof(window));
            }

            _window = window ?? new HistogramWindow(histogram);
        }
    }

    /// <summary>The channel's name: the metric's, with a suffix for derived values
    /// (<c>sched.latency_ns.p99</c>, <c>ipc.roundtrips.rate</c>).</summary>
    public string Name { get; }

    /// <summary>The part of the metric's name before the first dot (<c>sched</c>, <c>gc</c>).</summary>
    public string Subsystem { get; }

    public ChannelKind Kind { get; }

    /// <summary>For <see cref="ChannelKind.WindowPercentile"/>: which one (0-100).</summary>
    public double Percentile { get; }

    public SeriesRing Series { get; }

    public static MetricChannel Level(Gauge gauge, int capacity) =>
        new(gauge, ChannelKind.Level, 0, "", capacity);

    public static MetricChannel Rate(Counter counter, int capacity) =>
        new(counter, ChannelKind.RatePerSecond, 0, "rate", capacity);

    // The histogram channels take an optional window shared with the histogram's other
    // channels (MetricMonitor.AddAll shares one); without one each reads the buckets itself.
    public static MetricChannel WindowPercentileOf(LatencyHistogram histogram, double percentile, int capacity, HistogramWindow? window = null) =>
        new(histogram, ChannelKind.WindowPercentile, Math.Clamp(percentile, 0, 100), "p" + ((int)Math.Clamp(percentile, 0, 100)).ToString(), capacity, window);

    public static MetricChannel WindowMeanOf(LatencyHistogram histogram, int capacity, HistogramWindow? window = null) =>
        new(histogram, ChannelKind.WindowMean, 0, "mean", capacity, window);

    public static MetricChannel EventsOf(LatencyHistogram histogram, int capacity, HistogramWindow? window = null) =>
        new(histogram, ChannelKind.EventsPerSecond, 0, "events", capacity, window);

    /// <summary>
    /// Reads the metric at <paramref name="nowNs"/> and appends this period's value. Returns
    /// false when there is no value to add: the first sample of a rate or window only primes
    /// it, a window in which nothing was recorded has no mean or percentile, and a sample at
    /// or before the previous one's time is ignored. A counter that went down (reset) counts
    /// from zero.
    /// </summary>
    public bool Sample(ulong nowNs)
    {
        if (_primed && nowNs <= _lastTimeNs)
        {
            return false;
        }

        double seconds = (nowNs - _lastTimeNs) / 1e9;
        bool wasPrimed = _primed;
        _primed = true;
        _lastTimeNs = nowNs;
        switch (Kind)
        {
            case ChannelKind.Level:
                return Series.Add(nowNs, ((Gauge)_source).Value);
            case ChannelKind.RatePerSecond:
                long value = ((Counter)_source).Value;
                long delta = value >= _lastCount ? value - _lastCount : value;
                _lastCount = value;
                return wasPrimed && Series.Add(nowNs, delta / seconds);
            case ChannelKind.WindowPercentile:
                _window!.Advance(nowNs);
                return wasPrimed && _window.Events > 0 && Series.Add(nowNs, LatencyHistogram.PercentileOfBuckets(_window.Buckets, Percentile));
            case ChannelKind.WindowMean:
                _window!.Advance(nowNs);
                return wasPrimed && _window.Events > 0 && Series.Add(nowNs, (double)_window.Total / _window.Events);
            default:
                _window!.Advance(nowNs);
                return wasPrimed && Series.Add(nowNs, _window.Events / seconds);
        }
    }
}

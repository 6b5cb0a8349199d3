using NexOS.Core.Metrics;

namespace NexOS.Ai.Monitoring;

/// <summary>
/// The engine's view of the metrics registry: a fixed set of channels sampled together,
/// each into its own ring. Set up once (which allocates), then <see cref="Sample"/> runs
/// periodically without allocating. Statistics per channel come from
/// <see cref="Statistics"/>, grouped by subsystem through <see cref="MetricChannel.Subsystem"/>.
/// </summary>
public sealed class MetricMonitor
{
    private readonly List<MetricChannel> _channels = new();
    private readonly double[] _scratch;

    /// <summary>A monitor whose rings hold <paramref name="capacity"/> samples each.</summary>
    public MetricMonitor(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _scratch = new double[capacity];
    }

    public int Capacity { get; }

    public IReadOnlyList<MetricChannel> Channels => _channels;

    /// <summary>Sampling rounds so far.</summary>
    public ulong Rounds { get; private set; }

    /// <summary>
    /// Adds the default channels for every metric in <paramref name="registry"/>: gauges by
    /// level, counters by rate, histograms by window p50, p99, mean and events per second.
    /// </summary>
    public void AddAll(MetricsRegistry registry)
    {
        for (int i = 0; i < registry.Count; i++)
        {
            switch (registry[i])
            {
                case Gauge g:
                    Add(MetricChannel.Level(g, Capacity));
                    break;
                case Counter c:
                    Add(MetricChannel.Rate(c, Capacity));
                    break;
                case LatencyHistogram h:
                    var window = new HistogramWindow(h);
                    Add(MetricChannel.WindowPercentileOf(h, 50, Capacity, window));
                    Add(MetricChannel.WindowPercentileOf(h, 99, Capacity, window));
                    Add(MetricChannel.WindowMeanOf(h, Capacity, window));
                    Add(MetricChannel.EventsOf(h, Capacity, window));
                    break;
            }
        }
    }

    /// <summary>Adds a channel; its ring must fit the monitor's scratch space and its name
    /// be new (ArgumentException otherwise: set-up code's bug).</summary>
    public MetricChannel Add(MetricChannel channel)
    {
        if (channel.Series.Capacity > Capacity)
        {
            throw new ArgumentException($"channel {channel.Name} holds {channel.Series.Capacity} samples, the monitor {Capacity}", nameof(channel));
        }

        if (Find(channel.Name) != null)
        {
            throw new ArgumentException($"duplicate channel {channel.Name}", nameof(channel));
        }

        _channels.Add(channel);
        return channel;
    }

    public MetricChannel? Find(string name)
    {
        for (int i = 0; i < _channels.Count; i++)
        {
            if (_channels[i].Name == name)
            {
                return _channels[i];
            }
        }

        return null;
    }

    /// <summary>Samples every channel at <paramref name="nowNs"/>; returns how many added a
    /// value. Allocation-free.</summary>
    public int Sample(ulong nowNs)
    {
        int added = 0;
        for (int i = 0; i < _channels.Count; i++)
        {
            added += _channels[i].Sample(nowNs) ? 1 : 0;
        }

        Rounds++;
        return added;
    }

    /// <summary>Statistics of the newest <paramref name="window"/> samples of
    /// <paramref name="channel"/>. Allocation-free; not reentrant (one scratch buffer).</summary>
    public WindowStatistics Statistics(MetricChannel channel, int window) =>
        WindowStatistics.Of(channel.Series, window, _scratch);

    /// <summary>Count and mean of the newest <paramref name="window"/> samples of
    /// <paramref name="channel"/> (see <see cref="WindowStatistics.MeanOf"/>). Allocation-free.</summary>
    public static (int Count, double Mean) Mean(MetricChannel channel, int window) =>
        WindowStatistics.MeanOf(channel.Series, window);
}

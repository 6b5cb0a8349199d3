using NexOS.Ai.Monitoring;
using NexOS.Security.Patching;

namespace NexOS.Ai.Engine;

/// <summary>
/// What a model may look at during one analysis: the clock, the sampled metrics and the patch
/// manager's state (security level, hooks, parameters, versions). Read-only by contract:
/// models propose, only the engine submits.
/// </summary>
public sealed class EngineSnapshot
{
    /// <summary>Creates a snapshot over live objects.</summary>
    public EngineSnapshot(ulong nowNs, MetricMonitor monitor, PatchManager manager)
    {
        NowNs = nowNs;
        Monitor = monitor;
        Manager = manager;
    }

    /// <summary>Monotonic nanoseconds at the analysis.</summary>
    public ulong NowNs { get; set; }

    /// <summary>The sampled metrics.</summary>
    public MetricMonitor Monitor { get; }

    /// <summary>The patch manager (read its state only).</summary>
    public PatchManager Manager { get; }

    /// <summary>The engine's cost accounting: a model may read its CPU clock to time its own
    /// parts (a search) for `models`.</summary>
    public EngineCost? Cost { get; init; }

    /// <summary>The channel called <paramref name="name"/> (e.g. "heap.fragmentation" or
    /// "sched.wait_ns.p99"), or null.</summary>
    public MetricChannel? Channel(string name) => Monitor.Find(name);

    /// <summary>
    /// Predictive optimisation: where channel <paramref name="name"/> is heading, the newest
    /// window's mean carried forward by its fitted trend for <paramref name="horizonSeconds"/>
    /// (never below zero), so a model can act before a problem peaks. NaN without samples.
    /// </summary>
    public double Forecast(string name, int window, double horizonSeconds) =>
        Forecast(Statistics(name, window), horizonSeconds);

    /// <summary>The forecast of <see cref="Forecast(string, int, double)"/> from statistics a
    /// model already holds (no second pass over the window).</summary>
    public static double Forecast(in WindowStatistics stats, double horizonSeconds) =>
        stats.Count == 0 ? double.NaN : Math.Max(0, stats.Mean + (stats.TrendPerSecond * horizonSeconds));

    /// <summary>Count and mean of the newest <paramref name="window"/> samples of channel
    /// <paramref name="name"/> (0 and 0 when there is no such channel or no sample): cheaper than
    /// <see cref="Statistics"/> when only the mean is wanted.</summary>
    public (int Count, double Mean) Mean(string name, int window)
    {
        MetricChannel? channel = Monitor.Find(name);
        return channel == null ? (0, 0) : MetricMonitor.Mean(channel, window);
    }

    /// <summary>Statistics of the newest <paramref name="window"/> samples of channel
    /// <paramref name="name"/>; Count is 0 when there is no such channel or no sample.</summary>
    public WindowStatistics Statistics(string name, int window)
    {
        MetricChannel? channel = Monitor.Find(name);
        return channel == null ? default : Monitor.Statistics(channel, window);
    }
}

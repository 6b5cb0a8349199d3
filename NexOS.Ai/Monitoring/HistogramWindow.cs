using NexOS.Core.Metrics;

namespace NexOS.Ai.Monitoring;

/// <summary>
/// What one histogram recorded since the previous sampling round: its buckets diffed against
/// the last round's copy, the events and the sum. The channels of one histogram (p50, p99,
/// mean, events per second) share one window, so a round reads and diffs the histogram's
/// buckets once, not once per channel, and keeps one pair of bucket arrays, not one per
/// percentile. Allocation-free after construction.
/// </summary>
public sealed class HistogramWindow
{
    private readonly LatencyHistogram _histogram;
    private readonly long[] _previous = new long[LatencyHistogram.BucketCount];
    private readonly long[] _window = new long[LatencyHistogram.BucketCount];
    private ulong _lastSum;
    private ulong _roundNs;
    private bool _advanced;

    /// <summary>A window over <paramref name="histogram"/>; the first <see cref="Advance"/>
    /// counts everything recorded since boot (channels use it only to prime).</summary>
    public HistogramWindow(LatencyHistogram histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        _histogram = histogram;
    }

    /// <summary>The histogram it reads.</summary>
    public LatencyHistogram Histogram => _histogram;

    /// <summary>Events recorded in the window.</summary>
    public long Events { get; private set; }

    /// <summary>Sum of the samples recorded in the window.</summary>
    public ulong Total { get; private set; }

    /// <summary>The window's bucket counts.</summary>
    public ReadOnlySpan<long> Buckets => _window;

    /// <summary>Moves the window to end at round <paramref name="nowNs"/>; a second call for the
    /// same round changes nothing. A bucket or sum that went down (a reset) counts from zero.</summary>
    public void Advance(ulong nowNs)
    {
        if (_advanced && nowNs == _roundNs)
        {
            return;
        }

        _advanced = true;
        _roundNs = nowNs;
        _histogram.CopyBucketsTo(_window);
        long events = 0;
        for (int i = 0; i < _window.Length; i++)
        {
            long now = _window[i];
            long diff = now >= _previous[i] ? now - _previous[i] : now;
            _previous[i] = now;
            _window[i] = diff;
            events += diff;
        }

        ulong sum = _histogram.Sum;
        Total = sum >= _lastSum ? sum - _lastSum : sum;
        _lastSum = sum;
        Events = events;
    }
}

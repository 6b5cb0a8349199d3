using NexOS.Core.Metrics;

namespace NexOS.Storage.Block;

/// <summary>
/// The block layer's measurements of one device, registered under <c>PREFIX.</c> names:
/// queue depth, request latency, bytes moved, cache hits and misses, merges and errors.
/// The cache and the scheduler update them; status output and the self-evolution engine
/// read them. Creation registers (and may throw like <see cref="MetricsRegistry"/>); updates
/// never allocate or throw.
/// </summary>
public sealed class BlockMetrics
{
    /// <summary>Registers the metrics as <c>PREFIX.queue_depth</c> and so on; a second call
    /// with the same prefix returns the same underlying metrics.</summary>
    public BlockMetrics(MetricsRegistry registry, string prefix)
    {
        QueueDepth = registry.Gauge(prefix + ".queue_depth", "requests", "requests queued in the I/O scheduler");
        ReadLatency = registry.Histogram(prefix + ".read_latency", "ns", "read request time from queueing to completion");
        WriteLatency = registry.Histogram(prefix + ".write_latency", "ns", "write request time from queueing to completion");
        BytesRead = registry.Counter(prefix + ".bytes_read", "bytes", "bytes read from the device");
        BytesWritten = registry.Counter(prefix + ".bytes_written", "bytes", "bytes written to the device");
        DeviceCalls = registry.Counter(prefix + ".device_calls", "calls", "read and write calls sent to the device");
        Merges = registry.Counter(prefix + ".merges", "requests", "requests merged into another queued request");
        Errors = registry.Counter(prefix + ".errors", "requests", "device calls that failed");
        CacheHits = registry.Counter(prefix + ".cache_hits", "blocks", "blocks served from the cache");
        CacheMisses = registry.Counter(prefix + ".cache_misses", "blocks", "blocks the cache had to read from the device");
        WriteBacks = registry.Counter(prefix + ".write_backs", "blocks", "dirty blocks written back by eviction or flush");
    }

    /// <summary>Requests queued in the scheduler now (and its high-water mark).</summary>
    public Gauge QueueDepth { get; }

    /// <summary>Read latency, queueing to completion.</summary>
    public LatencyHistogram ReadLatency { get; }

    /// <summary>Write latency, queueing to completion.</summary>
    public LatencyHistogram WriteLatency { get; }

    /// <summary>Bytes read from the device (throughput over time).</summary>
    public Counter BytesRead { get; }

    /// <summary>Bytes written to the device.</summary>
    public Counter BytesWritten { get; }

    /// <summary>Read and write calls that reached the device.</summary>
    public Counter DeviceCalls { get; }

    /// <summary>Requests merged into another one.</summary>
    public Counter Merges { get; }

    /// <summary>Device calls that returned an error.</summary>
    public Counter Errors { get; }

    /// <summary>Blocks found in the cache.</summary>
    public Counter CacheHits { get; }

    /// <summary>Blocks not found in the cache.</summary>
    public Counter CacheMisses { get; }

    /// <summary>Dirty blocks written back.</summary>
    public Counter WriteBacks { get; }

    /// <summary>Hits per lookup in percent (0 with no lookups yet).</summary>
    public double HitRatioPercent
    {
        get
        {
            long hits = CacheHits.Value;
            long total = hits + CacheMisses.Value;
            return total == 0 ? 0 : 100.0 * hits / total;
        }
    }
}

using NexOS.Core.Metrics;

namespace NexOS.Tests.Core.Metrics;

/// <summary>The update paths run in interrupt handlers, where the kernel cannot allocate.</summary>
[TestFixture]
public sealed class MetricsAllocationTests
{
    [Test]
    public void UpdatesAndLiveReadsAllocateNothing()
    {
        var registry = new MetricsRegistry();
        Counter counter = registry.Counter("c", "events", "");
        Gauge gauge = registry.Gauge("g", "frames", "");
        LatencyHistogram histogram = registry.Histogram("h_ns", "ns", "");
        char[] buffer = new char[256];

        // Warm up so first-call costs (JIT, statics) are not measured.
        Exercise(counter, gauge, histogram, buffer, 10);

        ulong sink = 0;
        long allocated = AllocationMeter.Measure(() => sink = Exercise(counter, gauge, histogram, buffer, 100_000));
        Assert.That(allocated, Is.Zero);
        Assert.That(sink, Is.GreaterThan(0UL));
        Assert.That(counter.Value, Is.EqualTo(100_010 * 3));
        Assert.That(histogram.Count, Is.EqualTo(100_010 * 2));
    }

    private static ulong Exercise(Counter counter, Gauge gauge, LatencyHistogram histogram, char[] buffer, int n)
    {
        ulong sink = 0;
        for (int i = 0; i < n; i++)
        {
            counter.Increment();
            counter.Add(2);
            gauge.Set(i);
            gauge.Add(-1);
            histogram.Record((ulong)i * 37);
            histogram.Record(ulong.MaxValue);
            if (i % 1000 == 0)
            {
                sink += histogram.Percentile(99) + histogram.Max + (ulong)histogram.Count;
                MetricFormatter.TryFormatText(histogram, buffer, out int written);
                MetricFormatter.TryFormatJson(gauge, buffer, out written);
                sink += (ulong)written;
            }
        }

        return sink;
    }
}

using System.Linq;
using NexOS.Ai.Monitoring;
using NexOS.Core.Metrics;

namespace NexOS.Tests.Ai;

[TestFixture]
public sealed class MetricMonitorTests
{
    private const ulong Second = 1_000_000_000;

    [Test]
    public void CounterBecomesARatePerSecondAndSurvivesAReset()
    {
        var counter = new Counter("ipc.roundtrips", "calls", "");
        MetricChannel rate = MetricChannel.Rate(counter, 8);
        Assert.That(rate.Name, Is.EqualTo("ipc.roundtrips.rate"));
        Assert.That(rate.Subsystem, Is.EqualTo("ipc"));
        Assert.That(rate.Sample(Second), Is.False, "the first sample only primes");
        counter.Add(500);
        Assert.That(rate.Sample(3 * Second), Is.True);
        Assert.That(rate.Series.Latest, Is.EqualTo(250));
        counter.Reset();
        counter.Add(40);
        Assert.That(rate.Sample(4 * Second), Is.True);
        Assert.That(rate.Series.Latest, Is.EqualTo(40), "a counter that went down restarted from zero");
        Assert.That(rate.Sample(4 * Second), Is.False, "no time passed");
        Assert.That(rate.Sample(2 * Second), Is.False, "time went backwards");
    }

    [Test]
    public void HistogramWindowsDescribeOnlyTheirOwnSamples()
    {
        var latency = new LatencyHistogram("sched.latency_ns", "ns", "");
        MetricChannel p99 = MetricChannel.WindowPercentileOf(latency, 99, 8);
        MetricChannel mean = MetricChannel.WindowMeanOf(latency, 8);
        MetricChannel events = MetricChannel.EventsOf(latency, 8);
        for (int i = 0; i < 1000; i++)
        {
            latency.Record(1_000_000);
        }

        foreach (MetricChannel c in new[] { p99, mean, events })
        {
            Assert.That(c.Sample(Second), Is.False);
        }

        for (int i = 0; i < 100; i++)
        {
            latency.Record(100);
        }

        Assert.That(p99.Sample(2 * Second), Is.True);
        Assert.That(mean.Sample(2 * Second), Is.True);
        Assert.That(events.Sample(2 * Second), Is.True);
        Assert.That(p99.Series.Latest, Is.InRange(96, 111), "within 100's bucket: the old 1 ms samples are not in this window");
        Assert.That(mean.Series.Latest, Is.EqualTo(100));
        Assert.That(events.Series.Latest, Is.EqualTo(100));

        Assert.That(p99.Sample(3 * Second), Is.False, "an empty window has no percentile");
        Assert.That(mean.Sample(3 * Second), Is.False);
        Assert.That(events.Sample(3 * Second), Is.True);
        Assert.That(events.Series.Latest, Is.Zero);
    }

    [Test]
    public void ChannelsSharingAWindowSeeWhatChannelsOfTheirOwnSee()
    {
        // One histogram read through a shared window (as MetricMonitor.AddAll does) and through
        // a window per channel: the same series, round by round, resets included.
        var latency = new LatencyHistogram("ipc.roundtrip_ns", "ns", "");
        var shared = new HistogramWindow(latency);
        MetricChannel[] together =
        {
            MetricChannel.WindowPercentileOf(latency, 50, 16, shared), MetricChannel.WindowPercentileOf(latency, 99, 16, shared),
            MetricChannel.WindowMeanOf(latency, 16, shared), MetricChannel.EventsOf(latency, 16, shared),
        };
        MetricChannel[] apart =
        {
            MetricChannel.WindowPercentileOf(latency, 50, 16), MetricChannel.WindowPercentileOf(latency, 99, 16),
            MetricChannel.WindowMeanOf(latency, 16), MetricChannel.EventsOf(latency, 16),
        };
        var random = new Random(5);
        for (int round = 1; round <= 12; round++)
        {
            int n = round % 4 == 0 ? 0 : random.Next(1, 200);
            for (int i = 0; i < n; i++)
            {
                latency.Record((ulong)random.Next(10, 5_000_000));
            }

            if (round == 7)
            {
                latency.Reset();
                latency.Record(4_000);
            }

            for (int c = 0; c < together.Length; c++)
            {
                Assert.That(together[c].Sample((ulong)round * Second), Is.EqualTo(apart[c].Sample((ulong)round * Second)), $"round {round}, {apart[c].Name}");
                Assert.That(together[c].Series.Latest, Is.EqualTo(apart[c].Series.Latest), $"round {round}, {apart[c].Name}");
            }
        }

        Assert.That(together[3].Series.Count, Is.EqualTo(11), "events: every round but the priming one");
        Assert.Throws<ArgumentException>(() => MetricChannel.EventsOf(new LatencyHistogram("other_ns", "ns", ""), 16, shared));
    }

    [Test]
    public void MonitorCoversTheRegistryAndSamplesWithoutAllocating()
    {
        var registry = new MetricsRegistry();
        Counter switches = registry.Counter("sched.switches", "switches", "");
        Gauge heap = registry.Gauge("mem.heap_bytes", "bytes", "");
        LatencyHistogram pause = registry.Histogram("gc.pause_ns", "ns", "");
        var monitor = new MetricMonitor(64);
        monitor.AddAll(registry);
        Assert.That(monitor.Channels.Select(c => c.Name), Is.EquivalentTo(new[]
        {
            "sched.switches.rate", "mem.heap_bytes", "gc.pause_ns.p50", "gc.pause_ns.p99", "gc.pause_ns.mean", "gc.pause_ns.events",
        }));
        Assert.Throws<ArgumentException>(() => monitor.Add(MetricChannel.Level(heap, 8)), "duplicate");
        Assert.Throws<ArgumentException>(() => monitor.Add(MetricChannel.Rate(new Counter("x.y", "", ""), 65)), "ring larger than the scratch");

        void Round(ulong round)
        {
            switches.Add(1000);
            heap.Set((long)round * 4096);
            pause.Record(round * 1000);
            monitor.Sample(round * Second / 10);
            _ = monitor.Statistics(monitor.Channels[0], 32);
        }

        // Counted after the first sorts and percentiles, which set up the class library's comparers.
        for (ulong round = 0; round < 10; round++)
        {
            Round(round);
        }

        long allocated = AllocationMeter.Measure(() =>
        {
            for (ulong round = 10; round <= 200; round++)
            {
                Round(round);
            }
        });
        Assert.That(allocated, Is.Zero);
        Assert.That(monitor.Rounds, Is.EqualTo(201));
        WindowStatistics rate = monitor.Statistics(monitor.Find("sched.switches.rate")!, 64);
        Assert.That(rate.Mean, Is.EqualTo(10_000).Within(1e-6));
        WindowStatistics level = monitor.Statistics(monitor.Find("mem.heap_bytes")!, 10);
        Assert.That(level.TrendPerSecond, Is.EqualTo(40_960).Within(1e-3), "4 KiB per 0.1 s");
    }

    [Test]
    public void PercentileOfBucketsIgnoresNegativeCountsAndEmptyWindows()
    {
        long[] buckets = new long[LatencyHistogram.BucketCount];
        Assert.That(LatencyHistogram.PercentileOfBuckets(buckets, 50), Is.Zero);
        buckets[LatencyHistogram.BucketIndex(5)] = 10;
        buckets[LatencyHistogram.BucketIndex(7)] = -3;
        Assert.That(LatencyHistogram.PercentileOfBuckets(buckets, 50), Is.EqualTo(5));
        Assert.That(LatencyHistogram.PercentileOfBuckets(buckets.AsSpan(0, 3), 50), Is.Zero, "a short span is read as far as it goes");
    }
}

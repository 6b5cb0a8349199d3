using NexOS.Core.Metrics;

namespace NexOS.Tests.Core.Metrics;

[TestFixture]
public sealed class LatencyHistogramTests
{
    private static LatencyHistogram New() => new("ipc.roundtrip_ns", "ns", "IPC round trip");

    [Test]
    public void SmallValuesHaveABucketEach()
    {
        for (ulong v = 0; v < 8; v++)
        {
            Assert.That(LatencyHistogram.BucketIndex(v), Is.EqualTo((int)v));
            Assert.That(LatencyHistogram.BucketWidth((int)v), Is.EqualTo(1UL));
        }
    }

    [TestCase(8UL, 8)]
    [TestCase(9UL, 8)]
    [TestCase(10UL, 9)]
    [TestCase(15UL, 11)]
    [TestCase(16UL, 12)]
    [TestCase(19UL, 12)]
    [TestCase(20UL, 13)]
    [TestCase(1023UL, 35)]
    [TestCase(1024UL, 36)]
    [TestCase((1UL << 40) - 1, LatencyHistogram.BucketCount - 1)]
    [TestCase(1UL << 40, LatencyHistogram.BucketCount - 1)]
    [TestCase(ulong.MaxValue, LatencyHistogram.BucketCount - 1)]
    public void BucketIndexAtBoundaries(ulong value, int expected)
    {
        Assert.That(LatencyHistogram.BucketIndex(value), Is.EqualTo(expected));
    }

    [Test]
    public void BucketsTileTheRangeWithoutGapsAndWithinQuarterResolution()
    {
        ulong expectedLower = 0;
        for (int i = 0; i < LatencyHistogram.BucketCount; i++)
        {
            ulong lower = LatencyHistogram.BucketLowerBound(i);
            ulong width = LatencyHistogram.BucketWidth(i);
            Assert.That(lower, Is.EqualTo(expectedLower), $"bucket {i}");
            Assert.That(LatencyHistogram.BucketIndex(lower), Is.EqualTo(i));
            Assert.That(LatencyHistogram.BucketIndex(lower + width - 1), Is.EqualTo(i));
            if (i >= 4)
            {
                Assert.That((double)width / lower, Is.LessThanOrEqualTo(0.25), $"bucket {i}");
            }

            expectedLower = lower + width;
        }

        Assert.That(expectedLower, Is.EqualTo(1UL << LatencyHistogram.MaxExponent));
        Assert.That(LatencyHistogram.BucketWidth(-1), Is.Zero);
        Assert.That(LatencyHistogram.BucketWidth(LatencyHistogram.BucketCount), Is.Zero);
        Assert.That(LatencyHistogram.BucketLowerBound(LatencyHistogram.BucketCount), Is.Zero);
    }

    [Test]
    public void EmptyHistogramReportsZeros()
    {
        LatencyHistogram h = New();
        Assert.That(h.Count, Is.Zero);
        Assert.That(new[] { h.Sum, h.Min, h.Max, h.Percentile(0), h.Percentile(50), h.Percentile(100) }, Is.All.Zero);
        Assert.That(h.Mean, Is.Zero);
        HistogramSnapshot s = h.Snapshot();
        Assert.That(s.Count, Is.Zero);
        Assert.That(new[] { s.Min, s.Max, s.Percentile(99) }, Is.All.Zero);
        Assert.That(s.Mean, Is.Zero);
    }

    [Test]
    public void CountSumMinMaxAndMeanAreExact()
    {
        LatencyHistogram h = New();
        foreach (ulong v in new ulong[] { 850, 800, 1900, 2500, 12, 0 })
        {
            h.Record(v);
        }

        Assert.That(h.Count, Is.EqualTo(6));
        Assert.That(h.Sum, Is.EqualTo(6062UL));
        Assert.That(h.Min, Is.Zero);
        Assert.That(h.Max, Is.EqualTo(2500UL));
        Assert.That(h.Mean, Is.EqualTo(6062.0 / 6));
        Assert.That(h.Percentile(0), Is.Zero);
        Assert.That(h.Percentile(100), Is.EqualTo(2500UL));
    }

    [Test]
    public void HugeValuesClampToTheTopBucket()
    {
        LatencyHistogram h = New();
        h.Record(ulong.MaxValue);
        h.Record(1UL << 50);
        h.Record(LatencyHistogram.MaxTrackable);
        Assert.That(h.Clamped, Is.EqualTo(2));
        Assert.That(h.Max, Is.EqualTo(LatencyHistogram.MaxTrackable));
        Assert.That(h.Sum, Is.EqualTo(3 * LatencyHistogram.MaxTrackable));
        Assert.That(h.Percentile(50), Is.EqualTo(LatencyHistogram.MaxTrackable));
        Assert.That(h.Snapshot().Buckets[LatencyHistogram.BucketCount - 1], Is.EqualTo(3));
    }

    [Test]
    public void OddPercentileArgumentsAreClamped()
    {
        LatencyHistogram h = New();
        h.Record(100);
        h.Record(5000);
        Assert.That(h.Percentile(double.NaN), Is.EqualTo(100UL));
        Assert.That(h.Percentile(-5), Is.EqualTo(100UL));
        Assert.That(h.Percentile(250), Is.EqualTo(5000UL));
        Assert.That(h.Percentile(double.PositiveInfinity), Is.EqualTo(5000UL));
    }

    [Test]
    public void ConstantValueGivesThatValueAtEveryPercentile()
    {
        LatencyHistogram h = New();
        for (int i = 0; i < 1000; i++)
        {
            h.Record(777);
        }

        foreach (double p in new[] { 1.0, 50, 99, 99.9 })
        {
            Assert.That(h.Percentile(p), Is.EqualTo(777UL), $"p{p}");
        }
    }

    private static IEnumerable<TestCaseData> Distributions()
    {
        yield return new TestCaseData("uniform", Generate(20000, r => (ulong)r.Next(1, 100_001)));
        yield return new TestCaseData("exponential", Generate(20000, r => (ulong)(-Math.Log(1 - r.NextDouble()) * 1000) + 1));
        yield return new TestCaseData("bimodal", Generate(20000, r => r.Next(10) == 0 ? (ulong)r.Next(50_000, 60_000) : (ulong)r.Next(700, 900)));
        yield return new TestCaseData("log-uniform", Generate(20000, r => (ulong)Math.Pow(2, r.NextDouble() * 38) + 8));
        yield return new TestCaseData("small", Generate(5000, r => (ulong)r.Next(0, 20)));
    }

    private static ulong[] Generate(int n, Func<Random, ulong> next)
    {
        var random = new Random(1234);
        var values = new ulong[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = next(random);
        }

        return values;
    }

    [TestCaseSource(nameof(Distributions))]
    public void PercentilesAreWithinAQuarterOfTheTruth(string name, ulong[] values)
    {
        LatencyHistogram h = New();
        foreach (ulong v in values)
        {
            h.Record(v);
        }

        ulong[] sorted = (ulong[])values.Clone();
        Array.Sort(sorted);
        HistogramSnapshot snapshot = h.Snapshot();
        foreach (double p in new[] { 1.0, 10, 25, 50, 75, 90, 99, 99.9 })
        {
            // Nearest rank: the smallest value with at least p% of samples at or below it.
            int rank = Math.Max(1, (int)Math.Ceiling(p / 100 * sorted.Length));
            ulong truth = sorted[rank - 1];
            ulong estimate = h.Percentile(p);
            Assert.That((double)estimate, Is.EqualTo((double)truth).Within(truth / 4.0), $"{name} p{p}");
            Assert.That(snapshot.Percentile(p), Is.EqualTo(estimate), $"{name} p{p} snapshot");
        }
    }

    [Test]
    public void SnapshotIsAnIndependentCopy()
    {
        LatencyHistogram h = New();
        h.Record(1000);
        h.Record(3000);
        HistogramSnapshot s = h.Snapshot();
        h.Record(1_000_000);
        h.Reset();

        Assert.That(s.Name, Is.EqualTo("ipc.roundtrip_ns"));
        Assert.That(s.Unit, Is.EqualTo("ns"));
        Assert.That(s.Count, Is.EqualTo(2));
        Assert.That(s.Sum, Is.EqualTo(4000UL));
        Assert.That(s.Min, Is.EqualTo(1000UL));
        Assert.That(s.Max, Is.EqualTo(3000UL));
        Assert.That(s.Mean, Is.EqualTo(2000.0));
        Assert.That(s.Clamped, Is.Zero);
        Assert.That(s.Buckets[LatencyHistogram.BucketIndex(1000)], Is.EqualTo(1));
        Assert.That(s.Buckets.Length, Is.EqualTo(LatencyHistogram.BucketCount));
    }

    [Test]
    public void ResetForgetsEverything()
    {
        LatencyHistogram h = New();
        h.Record(5);
        h.Record(ulong.MaxValue);
        h.Reset();
        Assert.That(h.Count, Is.Zero);
        Assert.That(new[] { h.Sum, h.Min, h.Max }, Is.All.Zero);
        Assert.That(h.Clamped, Is.Zero);
        h.Record(42);
        Assert.That(h.Min, Is.EqualTo(42UL));
        Assert.That(h.Max, Is.EqualTo(42UL));
    }
}

using System.Linq;
using NexOS.Ai.Monitoring;

namespace NexOS.Tests.Ai;

[TestFixture]
public sealed class SeriesRingTests
{
    [Test]
    public void KeepsTheNewestSamplesOldestFirst()
    {
        var ring = new SeriesRing(4);
        for (int i = 1; i <= 6; i++)
        {
            Assert.That(ring.Add((ulong)i * 10, i), Is.True);
        }

        Assert.That(ring.Count, Is.EqualTo(4));
        Assert.That(ring.Added, Is.EqualTo(6));
        Assert.That(Enumerable.Range(0, 4).Select(ring.ValueAt), Is.EqualTo(new double[] { 3, 4, 5, 6 }));
        Assert.That(ring.TimeAt(0), Is.EqualTo(30));
        Assert.That(ring.Latest, Is.EqualTo(6));
    }

    [Test]
    public void RefusesBadValuesAndTimeGoingBackwards()
    {
        var ring = new SeriesRing(8);
        Assert.That(ring.Add(100, double.NaN), Is.False);
        Assert.That(ring.Add(100, double.PositiveInfinity), Is.False);
        Assert.That(ring.Add(100, 1), Is.True);
        Assert.That(ring.Add(99, 2), Is.False, "the clock is monotonic");
        Assert.That(ring.Add(100, 3), Is.True, "same time is allowed");
        Assert.That(ring.Count, Is.EqualTo(2));
    }

    [Test]
    public void HostileIndexesAndSizesAreRefused()
    {
        var ring = new SeriesRing(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => ring.ValueAt(0));
        ring.Add(1, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => ring.ValueAt(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ring.ValueAt(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SeriesRing(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SeriesRing(1 << 20));
        ring.Clear();
        Assert.That(ring.Count, Is.Zero);
        Assert.That(ring.Latest, Is.Zero);
    }

    [Test]
    public void StatisticsMatchAReferenceOnRandomWindows()
    {
        var random = new Random(42);
        for (int trial = 0; trial < 200; trial++)
        {
            int capacity = random.Next(1, 64);
            var ring = new SeriesRing(capacity);
            int added = random.Next(1, 100);
            ulong t = 0;
            for (int i = 0; i < added; i++)
            {
                t += (ulong)random.Next(1, 1000);
                ring.Add(t, Math.Round((random.NextDouble() * 200) - 100, 3));
            }

            int window = random.Next(0, capacity + 5);
            WindowStatistics s = WindowStatistics.Of(ring, window, new double[capacity]);
            double[] expected = Enumerable.Range(0, ring.Count).Select(ring.ValueAt).TakeLast(Math.Min(window, ring.Count)).ToArray();
            Assert.That(s.Count, Is.EqualTo(expected.Length));
            if (expected.Length == 0)
            {
                Assert.That(s.Mean, Is.Zero);
                continue;
            }

            double[] sorted = expected.Order().ToArray();
            Assert.That(s.Mean, Is.EqualTo(expected.Average()).Within(1e-9));
            Assert.That(s.Min, Is.EqualTo(sorted[0]));
            Assert.That(s.Max, Is.EqualTo(sorted[^1]));
            Assert.That(s.P50, Is.EqualTo(sorted[(int)Math.Ceiling(0.5 * sorted.Length) - 1]));
            Assert.That(s.P99, Is.EqualTo(sorted[(int)Math.Ceiling(0.99 * sorted.Length) - 1]));
        }
    }

    [Test]
    public void TrendIsTheSlopePerSecond()
    {
        var ring = new SeriesRing(16);
        for (int i = 0; i < 10; i++)
        {
            ring.Add((ulong)i * 500_000_000, 3 + (2.5 * i * 0.5));
        }

        WindowStatistics s = WindowStatistics.Of(ring, 16, new double[16]);
        Assert.That(s.TrendPerSecond, Is.EqualTo(2.5).Within(1e-9));

        var flat = new SeriesRing(4);
        flat.Add(5, 1);
        flat.Add(5, 9);
        Assert.That(WindowStatistics.Of(flat, 4, new double[4]).TrendPerSecond, Is.Zero, "samples taken at once have no trend");
    }

    [Test]
    public void StatisticsAllocateNothing()
    {
        var ring = new SeriesRing(128);
        for (int i = 0; i < 300; i++)
        {
            ring.Add((ulong)i, i % 17);
        }

        double[] scratch = new double[128];
        WindowStatistics.Of(ring, 128, scratch);
        long allocated = AllocationMeter.Measure(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                WindowStatistics.Of(ring, 100, scratch);
                ring.Add(1000 + (ulong)i, i);
            }
        });
        Assert.That(allocated, Is.Zero);
    }
}

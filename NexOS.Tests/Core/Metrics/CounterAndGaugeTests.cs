using NexOS.Core.Metrics;

namespace NexOS.Tests.Core.Metrics;

[TestFixture]
public sealed class CounterAndGaugeTests
{
    [Test]
    public void CounterStartsAtZeroAndAccumulates()
    {
        var counter = new Counter("irq.count.4", "interrupts", "COM1 interrupts");
        Assert.That(counter.Value, Is.Zero);
        counter.Increment();
        counter.Increment();
        Assert.That(counter.Add(40), Is.True);
        Assert.That(counter.Value, Is.EqualTo(42));
        Assert.That(counter.Kind, Is.EqualTo(MetricKind.Counter));
        Assert.That(counter.Name, Is.EqualTo("irq.count.4"));
        Assert.That(counter.Unit, Is.EqualTo("interrupts"));
        Assert.That(counter.Description, Is.EqualTo("COM1 interrupts"));
    }

    [Test]
    public void CounterRefusesNegativeAmountsWithoutChanging()
    {
        var counter = new Counter("c", "", "");
        counter.Add(5);
        Assert.That(counter.Add(-1), Is.False);
        Assert.That(counter.Add(0), Is.True);
        Assert.That(counter.Value, Is.EqualTo(5));
        counter.Reset();
        Assert.That(counter.Value, Is.Zero);
    }

    [Test]
    public void MetricsRefuseEmptyNamesAndNullUnits()
    {
        Assert.That(() => new Counter("", "u", "d"), Throws.InstanceOf<ArgumentException>());
        Assert.That(() => new Gauge(null!, "u", "d"), Throws.InstanceOf<ArgumentException>());
        Assert.That(() => new LatencyHistogram("h", null!, "d"), Throws.InstanceOf<ArgumentNullException>());
        Assert.That(() => new Counter("c", "u", null!), Throws.InstanceOf<ArgumentNullException>());
    }

    [Test]
    public void GaugeWithNothingSeenReportsZeros()
    {
        var gauge = new Gauge("mem.free_frames", "frames", "free frames");
        Assert.That(gauge.HasValue, Is.False);
        Assert.That(new[] { gauge.Value, gauge.Min, gauge.Max }, Is.All.Zero);
        Assert.That(gauge.Kind, Is.EqualTo(MetricKind.Gauge));
    }

    [Test]
    public void GaugeTracksMinimumAndMaximumOfSetValues()
    {
        var gauge = new Gauge("g", "frames", "");
        gauge.Set(500);
        gauge.Set(200);
        gauge.Set(900);
        gauge.Set(300);
        Assert.That(gauge.HasValue, Is.True);
        Assert.That(gauge.Value, Is.EqualTo(300));
        Assert.That(gauge.Min, Is.EqualTo(200));
        Assert.That(gauge.Max, Is.EqualTo(900));
    }

    [Test]
    public void GaugeAddMovesBothWaysAndCountsAsSeen()
    {
        var gauge = new Gauge("g", "threads", "");
        Assert.That(gauge.Add(3), Is.EqualTo(3));
        Assert.That(gauge.Add(-5), Is.EqualTo(-2));
        Assert.That(gauge.Value, Is.EqualTo(-2));
        Assert.That(gauge.Min, Is.EqualTo(-2));
        Assert.That(gauge.Max, Is.EqualTo(3));
    }

    [Test]
    public void GaugeHandlesExtremeValuesAndResets()
    {
        var gauge = new Gauge("g", "", "");
        gauge.Set(long.MaxValue);
        Assert.That(gauge.HasValue, Is.True);
        Assert.That(gauge.Min, Is.EqualTo(long.MaxValue));
        gauge.Set(long.MinValue);
        Assert.That(gauge.Min, Is.EqualTo(long.MinValue));
        Assert.That(gauge.Max, Is.EqualTo(long.MaxValue));

        gauge.Reset();
        Assert.That(gauge.HasValue, Is.False);
        Assert.That(new[] { gauge.Value, gauge.Min, gauge.Max }, Is.All.Zero);
        gauge.Set(7);
        Assert.That(new[] { gauge.Min, gauge.Max }, Is.All.EqualTo(7));
    }

    [Test]
    public void KindNamesAreSpelledOut()
    {
        Assert.That(Metric.KindName(MetricKind.Counter), Is.EqualTo("counter"));
        Assert.That(Metric.KindName(MetricKind.Gauge), Is.EqualTo("gauge"));
        Assert.That(Metric.KindName(MetricKind.Histogram), Is.EqualTo("histogram"));
        Assert.That(Metric.KindName((MetricKind)99), Is.EqualTo("unknown"));
    }
}

using NexOS.Core.Metrics;

namespace NexOS.Tests.Core.Metrics;

[TestFixture]
public sealed class MetricsRegistryTests
{
    [Test]
    public void RegisteringTheSameNameAndKindReturnsTheSameMetric()
    {
        var registry = new MetricsRegistry();
        Counter first = registry.Counter("irq.count.4", "interrupts", "COM1");
        Counter second = registry.Counter("irq.count.4", "other unit", "other description");
        Assert.That(second, Is.SameAs(first));
        Assert.That(second.Unit, Is.EqualTo("interrupts"));
        Assert.That(registry.Count, Is.EqualTo(1));

        Gauge gauge = registry.Gauge("g", "", "");
        Assert.That(registry.Gauge("g", "", ""), Is.SameAs(gauge));
        LatencyHistogram histogram = registry.Histogram("h", "ns", "");
        Assert.That(registry.Histogram("h", "ns", ""), Is.SameAs(histogram));
        Assert.That(registry.Count, Is.EqualTo(3));
    }

    [Test]
    public void SameNameWithAnotherKindIsRefused()
    {
        var registry = new MetricsRegistry();
        registry.Counter("x", "", "");
        registry.Histogram("y", "ns", "");
        Assert.That(() => registry.Gauge("x", "", ""), Throws.InvalidOperationException.With.Message.Contains("counter"));
        Assert.That(() => registry.Histogram("x", "ns", ""), Throws.InvalidOperationException);
        Assert.That(() => registry.Counter("y", "", ""), Throws.InvalidOperationException.With.Message.Contains("histogram"));
        Assert.That(registry.Count, Is.EqualTo(2));
        Assert.That(registry.Find("x"), Is.InstanceOf<Counter>());
    }

    [Test]
    public void InvalidArgumentsAreRefusedAndNothingIsRegistered()
    {
        var registry = new MetricsRegistry();
        Assert.That(() => registry.Counter("", "", ""), Throws.InstanceOf<ArgumentException>());
        Assert.That(() => registry.Gauge(null!, "", ""), Throws.InstanceOf<ArgumentException>());
        Assert.That(() => registry.Histogram("h", null!, ""), Throws.InstanceOf<ArgumentNullException>());
        Assert.That(registry.Count, Is.Zero);
        Assert.That(registry.Find("h"), Is.Null);
    }

    [Test]
    public void MetricsAreListedInRegistrationOrder()
    {
        var registry = new MetricsRegistry();
        string[] names = { "zeta", "alpha", "mid.dle", "beta" };
        registry.Counter(names[0], "", "");
        registry.Histogram(names[1], "ns", "");
        registry.Gauge(names[2], "", "");
        registry.Counter(names[3], "", "");
        registry.Counter(names[0], "", "");

        var listed = new List<string>();
        for (int i = 0; i < registry.Count; i++)
        {
            listed.Add(registry[i].Name);
        }

        Assert.That(listed, Is.EqualTo(names));
        var viaList = new List<string>();
        foreach (Metric metric in registry.Metrics)
        {
            viaList.Add(metric.Name);
        }

        Assert.That(viaList, Is.EqualTo(names));
        Assert.That(registry[1].Kind, Is.EqualTo(MetricKind.Histogram));
        Assert.That(() => registry[4], Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void FindIsExactAndCaseSensitive()
    {
        var registry = new MetricsRegistry();
        Gauge gauge = registry.Gauge("mem.free", "frames", "");
        Assert.That(registry.Find("mem.free"), Is.SameAs(gauge));
        Assert.That(registry.Find("MEM.FREE"), Is.Null);
        Assert.That(registry.Find("mem"), Is.Null);
        Assert.That(registry.Find(null), Is.Null);
        Assert.That(registry.Find(""), Is.Null);
    }

    [Test]
    public void FormatLinesUpNamesToTheLongest()
    {
        var registry = new MetricsRegistry();
        registry.Counter("irq.count.4", "interrupts", "").Add(1234);
        registry.Counter("sched.switches", "switches", "").Add(5);
        Assert.That(registry.NameWidth, Is.EqualTo("sched.switches".Length));
        Assert.That(registry.Format(registry[0]), Is.EqualTo("irq.count.4     1234 interrupts"));
        Assert.That(registry.Format(registry[1]), Is.EqualTo("sched.switches  5 switches"));
        Assert.That(registry.FormatJson(registry[0]), Is.EqualTo("{\"metric\":\"irq.count.4\",\"unit\":\"interrupts\",\"value\":1234}"));
    }
}

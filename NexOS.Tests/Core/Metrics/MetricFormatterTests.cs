using System.Text.Json;
using NexOS.Core.Metrics;

namespace NexOS.Tests.Core.Metrics;

[TestFixture]
public sealed class MetricFormatterTests
{
    // 98 samples of 800 share the bucket [768, 896) and 1900 sits alone in [1792, 2048), so
    // the estimates are 832 (the median's spot in its bucket) and 1920 (mid-bucket).
    private static LatencyHistogram RoundTrips()
    {
        var h = new LatencyHistogram("ipc.roundtrip_ns", "ns", "");
        for (int i = 0; i < 98; i++)
        {
            h.Record(800);
        }

        h.Record(1900);
        h.Record(2500);
        return h;
    }

    [Test]
    public void CounterTextIsNameValueAndUnit()
    {
        var counter = new Counter("irq.count.4", "interrupts", "");
        counter.Add(1234);
        Assert.That(MetricFormatter.FormatText(counter), Is.EqualTo("irq.count.4  1234 interrupts"));
        Assert.That(MetricFormatter.FormatText(new Counter("c", "", "")), Is.EqualTo("c  0"));
    }

    [Test]
    public void GaugeTextShowsMinimumAndMaximum()
    {
        var gauge = new Gauge("mem.free_frames", "frames", "");
        gauge.Set(8192);
        gauge.Set(-4096);
        gauge.Set(5120);
        Assert.That(MetricFormatter.FormatText(gauge), Is.EqualTo("mem.free_frames  5120 frames min=-4096 max=8192"));
        gauge.Set(long.MinValue);
        Assert.That(MetricFormatter.FormatText(gauge), Does.StartWith("mem.free_frames  -9223372036854775808 frames"));
    }

    [Test]
    public void HistogramTextShowsCountMeanPercentilesAndMaximum()
    {
        Assert.That(
            MetricFormatter.FormatText(RoundTrips()),
            Is.EqualTo("ipc.roundtrip_ns  n=100 mean=828 p50=832 p99=1920 max=2500"));
        Assert.That(
            MetricFormatter.FormatText(new LatencyHistogram("empty_ns", "ns", "")),
            Is.EqualTo("empty_ns  n=0 mean=0 p50=0 p99=0 max=0"));
    }

    [Test]
    public void TextPadsNamesAndStaysOnOneLine()
    {
        var counter = new Counter("a\nb", "per\tsec", "");
        Assert.That(MetricFormatter.FormatText(counter, 6), Is.EqualTo("a?b     0 per?sec"));
        Assert.That(MetricFormatter.FormatText(counter, -3), Is.EqualTo("a?b  0 per?sec"));
    }

    [Test]
    public void HistogramJsonHasTheDocumentedFields()
    {
        string json = MetricFormatter.FormatJson(RoundTrips());
        Assert.That(json, Is.EqualTo(
            "{\"metric\":\"ipc.roundtrip_ns\",\"unit\":\"ns\",\"n\":100,\"mean\":828,\"p50\":832,\"p99\":1920,\"max\":2500}"));
        using JsonDocument doc = JsonDocument.Parse(json);
        Assert.That(doc.RootElement.GetProperty("p99").GetUInt64(), Is.EqualTo(1920UL));
    }

    [Test]
    public void GaugeJsonIsValid()
    {
        var gauge = new Gauge("g", "frames", "");
        gauge.Add(-3);
        string json = MetricFormatter.FormatJson(gauge);
        Assert.That(json, Is.EqualTo("{\"metric\":\"g\",\"unit\":\"frames\",\"value\":-3,\"min\":-3,\"max\":-3}"));
        using JsonDocument doc = JsonDocument.Parse(json);
        Assert.That(doc.RootElement.GetProperty("value").GetInt64(), Is.EqualTo(-3));
    }

    [TestCase("quote\"d")]
    [TestCase("back\\slash")]
    [TestCase("new\nline\r\ttab")]
    [TestCase("bell\u0007nul\0del\u007f")]
    [TestCase("caf\u00e9 \U0001F600 \u2028")]
    [TestCase("</script>")]
    public void JsonEscapesNamesAndUnitsSoTheyRoundTrip(string text)
    {
        var counter = new Counter(text, text, "");
        string json = MetricFormatter.FormatJson(counter);
        foreach (char c in json)
        {
            Assert.That(c, Is.GreaterThanOrEqualTo(' '), "raw control character in JSON");
        }

        using JsonDocument doc = JsonDocument.Parse(json);
        Assert.That(doc.RootElement.GetProperty("metric").GetString(), Is.EqualTo(text));
        Assert.That(doc.RootElement.GetProperty("unit").GetString(), Is.EqualTo(text));
    }

    [Test]
    public void LoneSurrogatesAreEscapedNotCopied()
    {
        var counter = new Counter("hi\ud800lo\udc00", "", "");
        string json = MetricFormatter.FormatJson(counter);
        Assert.That(json, Does.StartWith("{\"metric\":\"hi\\ud800lo\\udc00\""));
        Assert.That(json, Does.Not.Contain("\ud800"));
    }

    [Test]
    public void TryFormatReportsOverflowInsteadOfThrowing()
    {
        var counter = new Counter("irq.count.4", "interrupts", "");
        Span<char> small = stackalloc char[8];
        Assert.That(MetricFormatter.TryFormatText(counter, small, out int written), Is.False);
        Assert.That(written, Is.EqualTo(8));
        Assert.That(small.ToString(), Is.EqualTo("irq.coun"));
        Assert.That(MetricFormatter.TryFormatJson(counter, small, out written), Is.False);
        Assert.That(written, Is.EqualTo(8));

        Span<char> exact = stackalloc char["irq.count.4  0 interrupts".Length];
        Assert.That(MetricFormatter.TryFormatText(counter, exact, out written), Is.True);
        Assert.That(exact[..written].ToString(), Is.EqualTo("irq.count.4  0 interrupts"));
    }
}

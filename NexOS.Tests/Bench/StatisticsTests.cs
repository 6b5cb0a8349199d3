using NexOS.Bench;

namespace NexOS.Tests.Bench;

[TestFixture]
public class StatisticsTests
{
    private static BenchLine Run(double median, double p99) => new("x", "ns", median, p99, p99, 100);

    [Test]
    public void MedianOfOddAndEvenCounts()
    {
        Assert.That(Summary.MedianOf([3, 1, 2]), Is.EqualTo(2));
        Assert.That(Summary.MedianOf([4, 1, 3, 2]), Is.EqualTo(2.5));
        Assert.That(double.IsNaN(Summary.MedianOf([])));
    }

    [Test]
    public void SummaryTakesMediansAcrossRunsAndTheirRange()
    {
        Summary? s = Summary.Of([Run(10, 100), Run(30, 300), Run(20, 900)]);
        Assert.That(s, Is.EqualTo(new Summary(20, 300, 10, 30, 3) { P99Low = 100, P99High = 900 }));
    }

    [Test]
    public void SummarySkipsFailedRunsAndIsNullWithoutAny()
    {
        var failed = new BenchLine("x", "", double.NaN, double.NaN, double.NaN, 0, "boom");
        Assert.That(Summary.Of([failed, Run(5, 6)])?.Runs, Is.EqualTo(1));
        Assert.That(Summary.Of([failed]), Is.Null);
        Assert.That(Summary.Of([]), Is.Null);
    }

    [Test]
    public void RatioIsNexOSOverLinux()
    {
        var c = new Comparison("l", "s", "a", "b", "ns", new Summary(10, 20, 9, 11, 5), new Summary(40, 50, 38, 42, 5));
        Assert.That(c.Ratio, Is.EqualTo(0.25));
        Assert.That(c.Unclear, Is.False);
    }

    [TestCase(9, 11, 10, 12, true)]
    [TestCase(9, 11, 11, 12, true)]
    [TestCase(9, 11, 12, 13, false)]
    [TestCase(12, 13, 9, 11, false)]
    [TestCase(1, 100, 40, 50, true)]
    public void UnclearWhenTheRangesOfRunMediansOverlap(double nLow, double nHigh, double lLow, double lHigh, bool unclear)
    {
        var c = new Comparison("l", "s", "a", "b", "ns",
            new Summary((nLow + nHigh) / 2, nHigh, nLow, nHigh, 2), new Summary((lLow + lHigh) / 2, lHigh, lLow, lHigh, 2));
        Assert.That(c.Unclear, Is.EqualTo(unclear));
    }

    [Test]
    public void AMissingSideHasNoRatioAndIsUnclear()
    {
        var c = new Comparison("l", "s", "a", "b", "ns", new Summary(1, 1, 1, 1, 1), null);
        Assert.That(double.IsNaN(c.Ratio));
        Assert.That(c.Unclear);
    }
}

using System.Linq;
using NexOS.Bench;

namespace NexOS.Tests.Bench;

[TestFixture]
public class ReportTests
{
    [TestCase(double.NaN, "-")]
    [TestCase(1.234, "1.23")]
    [TestCase(12.34, "12.3")]
    [TestCase(1234567.8, "1,234,568")]
    public void FormatKeepsAboutThreeDigits(double value, string text) => Assert.That(Report.Format(value), Is.EqualTo(text));

    [Test]
    public void QemuTableFlagsUnclearRows()
    {
        var clear = new Comparison("clear", "c", "a", "b", "ns", new Summary(10, 20, 9, 11, 2), new Summary(40, 50, 38, 42, 2));
        var unclear = new Comparison("unclear", "u", "a", "b", "ns", new Summary(10, 20, 5, 50, 2), new Summary(40, 50, 38, 42, 2));
        string[] rows = Report.QemuTable([clear, unclear]).Split('\n');
        Assert.That(rows[2], Does.StartWith("| clear").And.Not.Contain("spread > difference"));
        Assert.That(rows[3], Does.StartWith("| unclear").And.Contain("spread > difference"));
        Assert.That(rows[2], Does.Contain("| 0.25 |"));
    }

    [Test]
    public void AllocTableHasOneRowPerTraceAndTheMimallocRatio()
    {
        AllocResult[] results =
        [
            new("fixed", "NexOS", 30, 1, 65536, 4096),
            new("fixed", "mimalloc", 20, 1, 1024, 4096),
            new("mixed", "NexOS", 10, 1, 65536, 4096),
        ];
        string[] rows = Report.AllocTable(results).TrimEnd('\n').Split('\n');
        Assert.That(rows, Has.Length.EqualTo(4));
        Assert.That(rows[2], Does.StartWith("| fixed").And.EndWith("| 1.50 |"));
        Assert.That(rows[3], Does.StartWith("| mixed").And.EndWith("| - |"));
        Assert.That(Report.AllocRatio(results, "fixed", "NexOS", "mimalloc"), Is.EqualTo(1.5));
    }
}

[TestFixture]
public class TargetsTests
{
    private static Comparison Pair(string nexos, string linux, Summary n, Summary l) => new("l", "s", nexos, linux, "ns", n, l);

    [Test]
    public void SwitchTargetIsMetOnlyWhenFasterAndClear()
    {
        var fast = new Summary(10, 20, 9, 11, 3);
        var slow = new Summary(40, 50, 38, 42, 3);
        var wide = new Summary(10, 20, 5, 45, 3);
        Assert.That(Targets.Check([Pair("ctx_switch", "futex_switch", fast, slow)], [])[0].Outcome, Is.EqualTo("met"));
        Assert.That(Targets.Check([Pair("ctx_switch", "futex_switch", slow, fast)], [])[0].Outcome, Is.EqualTo("missed"));
        Assert.That(Targets.Check([Pair("ctx_switch", "futex_switch", wide, slow)], [])[0].Outcome, Does.StartWith("not established"));
    }

    [Test]
    public void BootNeedsFiveTimesAndLatenessComparesP99()
    {
        var boot = Targets.Check([Pair(Figures.BootGuest, Figures.BootGuest, new Summary(300, 300, 300, 300, 3), new Summary(1000, 1000, 1000, 1000, 3))], []);
        Assert.That(boot[0].Outcome, Is.EqualTo("missed"));
        var rt = Targets.Check([Pair("rt_lateness", "rt_lateness", new Summary(100, 900, 90, 110, 3), new Summary(500, 1000, 450, 550, 3))], []);
        Assert.That(rt[0].Figure, Is.EqualTo("0.9"));
        Assert.That(rt[0].Outcome, Is.EqualTo("met"));
    }

    [Test]
    public void AllocationTargetIsOneAndAHalfTimesMimalloc()
    {
        AllocResult[] alloc = [new("fixed", "NexOS", 30, 1, 0), new("fixed", "mimalloc", 20, 1, 0), new("mixed", "NexOS", 31, 1, 0), new("mixed", "mimalloc", 20, 1, 0)];
        List<Targets.Verdict> v = Targets.Check([], alloc);
        Assert.That(v.Select(x => x.Outcome), Is.EqualTo(new[] { "met", "missed" }));
    }
}

[TestFixture]
public class TailTests
{
    [Test]
    public void P99RangesComeFromTheRunsAndDecideTailTargets()
    {
        Summary nexos = Summary.Of([new BenchLine("rt_lateness", "ns", 10, 100, 100, 9), new BenchLine("rt_lateness", "ns", 11, 900, 900, 9)])!;
        Summary linux = Summary.Of([new BenchLine("rt_lateness", "ns", 50, 600, 600, 9), new BenchLine("rt_lateness", "ns", 51, 700, 700, 9)])!;
        Assert.That((nexos.P99Low, nexos.P99High), Is.EqualTo((100.0, 900.0)));
        var c = new Comparison("l", "s", "rt_lateness", "rt_lateness", "ns", nexos, linux);
        Assert.That(c.Unclear, Is.False);
        Assert.That(c.TailUnclear);
        Assert.That(Targets.Check([c], [])[0].Outcome, Does.StartWith("not established"));
    }
}

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

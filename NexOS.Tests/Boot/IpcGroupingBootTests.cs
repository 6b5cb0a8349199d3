using System.Text.Json;

namespace NexOS.Tests.Boot;

/// <summary>
/// Boot test of grouping of IPC partners: `ipc group` runs a client/server pair under CPU load
/// with grouping off and on; on must hand the CPU to the partner, off never. The latencies are
/// printed, never asserted.
/// </summary>
[TestFixture]
[Category("Boot")]
[NonParallelizable]
public sealed class IpcGroupingBootTests : BootFixture
{
    [Test]
    [CancelAfter(TestBudget)]
    public void GroupingHandsOffOnlyWhenOnAndRepliesStayCorrect()
    {
        QemuMachine machine = Boot();
        List<string> output = RunCommand(machine, "ipc group 5 200");
        TestContext.Out.WriteLine(string.Join("\n", output));
        Assert.That(output, Has.Count.EqualTo(11), string.Join("\n", output));
        using JsonDocument summary = JsonDocument.Parse(output[10]);
        JsonElement root = summary.RootElement;
        Assert.That(root.GetProperty("errors").GetInt32(), Is.Zero);
        Assert.That(root.GetProperty("handoffs_off").GetInt64(), Is.Zero);
        Assert.That(root.GetProperty("handoffs_on").GetInt64(), Is.GreaterThanOrEqualTo(5 * 200), "about one per call and one per reply once the pair is known");
        Assert.That(root.GetProperty("on_median_ns").GetInt64(), Is.GreaterThan(0));

        List<string> bad = RunCommand(machine, "ipc group 0");
        Assert.That(bad, Has.Count.EqualTo(1));
        Assert.That(bad[0], Does.StartWith("usage: ipc"));
    }
}

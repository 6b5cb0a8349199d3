using System.Linq;
using System.Text.Json;

namespace NexOS.Tests.Boot;

/// <summary>
/// The dashboard's snapshot as the kernel command `dashboard` prints it (the same text
/// StateRead of StateKind.Dashboard hands out): one line of valid JSON with every part the
/// dashboard draws.
/// </summary>
[TestFixture]
[Category("Boot")]
public sealed class DashboardSnapshotBootTests : BootFixture
{
    private static readonly string[] s_keys = ["uptime_ns", "version", "memory", "processes", "threads", "metrics", "evolution", "timeline", "audit"];

    [Test]
    [CancelAfter(TestBudget)]
    public void DashboardPrintsOneJsonLineWithTheWholeSystem()
    {
        QemuMachine machine = Boot();
        // A fresh boot has no audit records yet: this change of setting writes one.
        Assert.That(RunCommand(machine, "evolve auto off")[0], Does.StartWith("automatic evolution off"));
        List<string> output = RunCommand(machine, "dashboard");
        Assert.That(output, Has.Count.EqualTo(1), string.Join("\n", output));
        TestContext.Out.WriteLine($"{output[0].Length} characters: {output[0]}");
        Assert.That(output[0], Does.Match("^[ -~]+$"), "pure printable ASCII");

        using JsonDocument doc = JsonDocument.Parse(output[0]);
        JsonElement root = doc.RootElement;
        foreach (string key in s_keys)
        {
            Assert.That(root.TryGetProperty(key, out _), Is.True, $"top-level key {key}");
        }

        Assert.That(root.GetProperty("uptime_ns").GetUInt64(), Is.Positive);
        Assert.That(root.GetProperty("version").GetString(), Is.Not.Empty);
        JsonElement memory = root.GetProperty("memory");
        Assert.That(memory.GetProperty("used_bytes").GetUInt64() + memory.GetProperty("free_bytes").GetUInt64(), Is.EqualTo(memory.GetProperty("total_bytes").GetUInt64()));

        JsonElement metrics = root.GetProperty("metrics");
        Assert.That(metrics.ValueKind, Is.EqualTo(JsonValueKind.Array));
        Assert.That(metrics.GetArrayLength(), Is.Positive);
        Assert.That(metrics.EnumerateArray().Select(m => m.GetProperty("metric").GetString()), Does.Contain("sched.switches"));

        Assert.That(root.GetProperty("audit").GetProperty("chain").GetString(), Is.EqualTo("intact"));
        Assert.That(root.GetProperty("audit").GetProperty("records").GetInt32(), Is.Positive);
        JsonElement timeline = root.GetProperty("timeline");
        Assert.That(timeline.GetArrayLength(), Is.InRange(1, 50));
        JsonElement last = timeline[timeline.GetArrayLength() - 1];
        Assert.That(last.GetProperty("kind").GetString(), Is.EqualTo("PolicyChanged"));
        Assert.That(last.GetProperty("detail").GetString(), Is.EqualTo("automatic evolution off"));

        JsonElement init = root.GetProperty("processes").EnumerateArray().FirstOrDefault(p => p.GetProperty("name").GetString() == "init");
        Assert.That(init.ValueKind, Is.EqualTo(JsonValueKind.Object), "init is among the processes");
        Assert.That(init.GetProperty("state").GetString(), Is.EqualTo("running"));
        Assert.That(init.GetProperty("threads").GetInt32(), Is.Positive);

        JsonElement threads = root.GetProperty("threads");
        Assert.That(threads.GetProperty("count").GetInt32(), Is.GreaterThanOrEqualTo(threads.GetProperty("list").GetArrayLength()));
        Assert.That(threads.GetProperty("list").EnumerateArray().Select(t => t.GetProperty("name").GetString()), Does.Contain("idle"));

        JsonElement evolution = root.GetProperty("evolution");
        Assert.That(evolution.GetProperty("level").GetString(), Is.EqualTo("standard"));
        Assert.That(evolution.GetProperty("auto").GetBoolean(), Is.False);
    }
}

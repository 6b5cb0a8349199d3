using System.Text.Json;
using System.Text.RegularExpressions;

namespace NexOS.Tests.Boot;

/// <summary>
/// Boot tests of the microkernel core as a person at the shell sees it: threads, the
/// scheduler and its tunables, metrics, interrupts, page frames and the benchmarks. No test
/// asserts a timing; benchmark figures are printed for the record. The workloads `spawn`
/// starts are processes: <see cref="WorkloadBootTests"/>.
/// </summary>
[TestFixture]
[Category("Boot")]
[NonParallelizable]
public sealed class KernelCoreBootTests : BootFixture
{
    [TestCase("kill 0", "cannot be killed")]
    [TestCase("kill 999", "no thread 999")]
    [TestCase("kill x", "usage: kill <id>")]
    [TestCase("sched set normal.slice_ns 1", "outside")]
    [TestCase("sched set no.such 5", "unknown parameter")]
    [TestCase("sched policy fastest", "unknown policy 'fastest'")]
    [CancelAfter(TestBudget)]
    public void BadThreadAndSchedulerCommandsGiveOneClearError(string line, string error) =>
        AssertOneClearError(line, error);

    [Test]
    [CancelAfter(TestBudget)]
    public void SchedulerPolicyAndTunablesChangeAtRunTime()
    {
        QemuMachine machine = Boot();
        Assert.That(RunCommand(machine, "spawn cpu 2")[0], Does.StartWith("started 2 cpu process(es)"));
        string sched = string.Join("\n", RunCommand(machine, "sched"));
        Assert.That(sched, Does.Contain("real-time edf, normal adaptive"));
        Assert.That(sched, Does.Match(@"normal\.slice_ns\s+10000000"));
        Assert.That(RunCommand(machine, "sched set normal.slice_ns 5000000"), Is.EqualTo(new[] { "normal.slice_ns = 5000000" }));
        Assert.That(RunCommand(machine, "sched policy priority"), Is.EqualTo(new[] { "normal threads: adaptive -> priority" }));
        Assert.That(string.Join("\n", RunCommand(machine, "sched")), Does.Contain("normal priority"));
        Assert.That(RunCommand(machine, "echo ok"), Is.EqualTo(new[] { "ok" }));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void MetricsIrqAndMemReportTheCore()
    {
        QemuMachine machine = Boot();
        Assert.That(RunCommand(machine, "spawn io 1")[0], Does.StartWith("started 1 io process(es)"));
        foreach (string line in RunCommand(machine, "metrics json"))
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            Assert.That(doc.RootElement.GetProperty("metric").GetString(), Is.Not.Empty);
        }

        string metrics = string.Join("\n", RunCommand(machine, "metrics"));
        Assert.That(metrics, Does.Match(@"sched\.switches\s+[1-9]\d*"));
        string irq = string.Join("\n", RunCommand(machine, "irq"));
        Assert.That(irq, Does.Match(@"(?m)^\s+240\s+[1-9]\d*\s+local APIC timer"));
        Assert.That(irq, Does.Contain("device interrupts: I/O APIC"));
        Assert.That(string.Join("\n", RunCommand(machine, "mem")), Does.Match(@"frames\s+\d+ of \d+ free .*fragmentation [\d.]+%"));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void TopRefreshesUntilQ()
    {
        QemuMachine machine = Boot();
        Assert.That(RunCommand(machine, "spawn cpu 1")[0], Does.StartWith("started 1 cpu process(es)"));
        machine.Send("top\r");
        machine.WaitFor(new Regex(@"NexOS top - up \d+ s, \d+ switches"), s_command);
        machine.WaitFor(new Regex(@"NexOS top - up \d+ s, \d+ switches"), s_command);
        machine.Send("q");
        machine.WaitFor(Prompt, s_command);
        Assert.That(RunCommand(machine, "echo back"), Is.EqualTo(new[] { "back" }));
    }

    [Test]
    [CancelAfter(240_000)]
    public void BenchPrintsOneJsonObjectPerBenchmark()
    {
        QemuMachine machine = Boot();
        machine.Send("bench\r");
        string seen = machine.WaitFor(Prompt, TimeSpan.FromSeconds(120));
        var names = new List<string>();
        foreach (string line in OutputLines(seen))
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            JsonElement root = doc.RootElement;
            names.Add(root.GetProperty("bench").GetString()!);
            Assert.That(root.GetProperty("unit").GetString(), Is.EqualTo("ns"), line);
            Assert.That(root.GetProperty("n").GetInt64(), Is.Positive, line);
            Assert.That(root.GetProperty("p99").GetInt64(), Is.GreaterThanOrEqualTo(root.GetProperty("median").GetInt64()), line);
            TestContext.Out.WriteLine("measured under TCG: " + line);
        }

        Assert.That(names, Is.EquivalentTo(new[] { "ctx_switch", "ipc_roundtrip", "alloc_small", "gc_pause", "page_alloc", "timer_latency", "rt_lateness" }));
    }
}

using System.Text.Json;
using NexOS.Core.Heap;

namespace NexOS.Tests.Boot;

/// <summary>
/// The live heap's allocation recorder through the shell: `evolve trace start|stop|status|
/// dump|use|cost`, and `evolve demo memory-live`, where the memory model searches the recording
/// of the fragmenting pattern played on the real heap. The dump is parsed and replayed here,
/// in the test process, by the same simulator. Figures are printed; no timing is asserted.
/// </summary>
[TestFixture]
[Category("Boot")]
[NonParallelizable]
public sealed class TraceRecorderBootTests : BootFixture
{
    private static readonly TimeSpan s_long = TimeSpan.FromSeconds(60);

    [Test]
    [CancelAfter(TestBudget)]
    public void RecordingOfTheLiveHeapParsesReplaysAndFeedsTheModel()
    {
        QemuMachine machine = Boot();
        Assert.That(RunCommand(machine, "evolve trace dump"), Is.EqualTo(new[] { "evolve trace dump: nothing recorded (evolve trace start)" }));
        Assert.That(RunCommand(machine, "evolve trace stop"), Is.EqualTo(new[] { "evolve trace stop: not recording" }));
        Assert.That(RunCommand(machine, "evolve trace start")[0], Does.StartWith("recording allocations"));
        RunCommand(machine, "gc collect");
        RunCommand(machine, "evolve demo memory-trace"); // some allocation, then more collections
        RunCommand(machine, "gc collect");
        string status = RunCommand(machine, "evolve trace status")[0];
        TestContext.Out.WriteLine(status);
        Assert.That(status, Does.StartWith("recorder recording: "));
        Assert.That(RunCommand(machine, "evolve trace stop")[0], Does.StartWith("recording stopped after "));

        List<string> dump = RunCommand(machine, "evolve trace dump", s_long);
        TestContext.Out.WriteLine($"{dump.Count} lines; {dump[1]}");
        Assert.That(dump[1], Does.StartWith("# recorded on the live heap: "));
        Assert.That(AllocationTrace.TryParse(string.Join("\n", dump), out AllocationTrace? trace, out string error), Is.True, error);
        Assert.That(trace!.Objects, Is.GreaterThan(0));
        Assert.That(trace.Ops, Has.Some.Matches<TraceOp>(op => op.Kind == TraceOpKind.Collect));
        SimulationResult r = new AllocatorSimulator().Run(trace, PlacementSettings.Default);
        Assert.That(r.Error, Is.Null);

        Assert.That(RunCommand(machine, "evolve trace use")[0], Does.StartWith("memory model: simulating the live recording ("));
        Assert.That(RunCommand(machine, "evolve trace bogus")[0], Does.StartWith("usage: evolve trace"));
        Assert.That(RunCommand(machine, "echo alive"), Is.EqualTo(new[] { "alive" }));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void ModelPicksTheSameChangeFromTheLiveRecordingAsFromTheSyntheticTrace()
    {
        QemuMachine machine = Boot();
        List<string> lines = RunCommand(machine, "evolve demo memory-live", s_long);
        TestContext.Out.WriteLine(string.Join("\n", lines));
        Assert.That(lines, Has.Count.EqualTo(1));
        using JsonDocument doc = JsonDocument.Parse(lines[0]);
        JsonElement e = doc.RootElement;
        double live = e.GetProperty("live_fragmentation").GetDouble();
        double simulated = e.GetProperty("sim_today").GetDouble();
        Assert.That(live, Is.GreaterThanOrEqualTo(0.5));
        Assert.That(simulated, Is.EqualTo(live).Within(0.1), "the recording's replay fragments like the heap it was recorded on");
        Assert.That(e.GetProperty("live_pick").GetProperty("family").GetString(), Is.EqualTo(e.GetProperty("synthetic_pick").GetProperty("family").GetString()));
        Assert.That(e.GetProperty("same_pick").GetBoolean(), Is.True);

        // The same recording, dumped and replayed here, gives the kernel's shadow figure.
        List<string> dump = RunCommand(machine, "evolve trace dump", s_long);
        Assert.That(AllocationTrace.TryParse(string.Join("\n", dump), out AllocationTrace? trace, out string error), Is.True, error);
        Assert.That(new AllocatorSimulator().Run(trace!, PlacementSettings.Default).Fragmentation, Is.EqualTo(simulated).Within(0.0006));
        Assert.That(RunCommand(machine, "echo alive"), Is.EqualTo(new[] { "alive" }));
    }

    /// <summary>The recorder's cost per allocation, for docs/ai-engine.md (run by hand).</summary>
    [Test]
    [Explicit("measurement for the docs")]
    [CancelAfter(TestBudget)]
    public void CostPerAllocation()
    {
        QemuMachine machine = Boot();
        for (int i = 0; i < 3; i++)
        {
            TestContext.Out.WriteLine(RunCommand(machine, "evolve trace cost", s_long)[0]);
        }
    }
}

using NexOS.Ai.Engine;
using NexOS.Ai.Monitoring;
using NexOS.Core.Metrics;
using NexOS.Security.Patches;
using NexOS.Security.Policy;
using NexOS.Tests.Security.Patching;

namespace NexOS.Tests.Ai;

/// <summary>
/// The engine's cycle against a real patch manager: a dry run changes nothing, a change whose
/// measured metric got worse is rolled back and never kept, a better one is kept, refusals are
/// learned, and every step is in the audit trail.
/// </summary>
[TestFixture]
public class EvolutionEngineTests
{
    [Test]
    public void ADryRunProposesButChangesNothing()
    {
        var rig = new Rig();
        rig.Warm(10, 1000);
        int versions = rig.Kit.Manager.Versions.Count;
        int records = rig.Kit.Trail.Count;
        IReadOnlyList<Proposal> proposed = rig.Engine.Analyse(rig.Now);
        Assert.That(proposed, Has.Count.EqualTo(1));
        Assert.That(proposed[0].Id, Is.GreaterThan(0UL));
        Assert.That(proposed[0].State, Is.EqualTo(ProposalState.Proposed));
        Assert.That(rig.Kit.Manager.Versions, Has.Count.EqualTo(versions));
        Assert.That(rig.Kit.Trail.Count, Is.EqualTo(records));
        Assert.That(rig.Kit.Normal.Find("slice_ns")!.Value, Is.EqualTo(10_000_000));
        Assert.That(rig.Engine.History, Is.Empty);
        Assert.That(rig.Model.Learned, Is.Empty);
    }

    [Test]
    public void AChangeMeasuredWorseIsRolledBackAndNeverKept()
    {
        var rig = new Rig { Auto = true };
        rig.Warm(10, 1000);
        rig.Step(1000);
        Proposal p = rig.Engine.History[0];
        Assert.That(p.State, Is.EqualTo(ProposalState.OnTrial), p.Verdict);
        Assert.That(rig.Kit.Normal.Find("slice_ns")!.Value, Is.EqualTo(8_000_000));

        // The metric (lower is better) goes up 30% after the change.
        for (int i = 0; i < EvolutionEngine.DefaultWindow + 1; i++)
        {
            rig.Step(1300);
        }

        Assert.That(p.State, Is.EqualTo(ProposalState.RolledBack));
        Assert.That(p.MetricAfter, Is.EqualTo(1300).Within(1));
        Assert.That(rig.Kit.Normal.Find("slice_ns")!.Value, Is.EqualTo(10_000_000), "the manager restored the value");
        Assert.That(rig.Model.Learned, Is.EqualTo(new[] { ProposalState.RolledBack }));
        Assert.That(rig.Engine.Performance.Families.RolledBack(0), Is.EqualTo(1UL));
        Assert.That(rig.Kit.Trail.Verify().IsIntact, Is.True);

        // The family waits before it is tried again, and twice as long after a second failure.
        Assert.That(rig.Engine.IsHeld("sched.slice.shorter"), Is.True);
        for (ulong i = 0; i < rig.Engine.BackoffSteps; i++)
        {
            rig.Step(1000);
        }

        Assert.That(rig.Engine.History, Has.Count.EqualTo(2), "tried again after the back-off");
        for (int i = 0; i < EvolutionEngine.DefaultWindow + 1; i++)
        {
            rig.Step(1300);
        }

        Assert.That(rig.Engine.History[1].State, Is.EqualTo(ProposalState.RolledBack));
        for (ulong i = 0; i < rig.Engine.BackoffSteps; i++)
        {
            rig.Step(1000);
        }

        Assert.That(rig.Engine.History, Has.Count.EqualTo(2), "still held: the second back-off is twice as long");
    }

    [Test]
    public void AChangeMeasuredBetterIsKeptAndTheGainLearned()
    {
        var rig = new Rig { Auto = true };
        rig.Warm(10, 1000);
        rig.Step(1000);
        for (int i = 0; i < EvolutionEngine.DefaultWindow + 1; i++)
        {
            rig.Step(700);
        }

        Proposal p = rig.Engine.History[0];
        Assert.That(p.State, Is.EqualTo(ProposalState.Kept));
        Assert.That(rig.Model.Gains[0], Is.EqualTo(30).Within(0.5));
        Assert.That(rig.Kit.Normal.Find("slice_ns")!.Value, Is.EqualTo(8_000_000));
        Assert.That(rig.Engine.Performance.Families.Kept(0), Is.EqualTo(1UL));
    }

    [Test]
    public void NoChangeIsKeptWhenEveryOutcomeIsWorse()
    {
        // Property: whatever the proposals, a kept change never measured worse than the tolerance.
        var random = new Random(5);
        for (int run = 0; run < 20; run++)
        {
            var rig = new Rig { Auto = true };
            rig.Warm(10, 1000);
            for (int step = 0; step < 60; step++)
            {
                rig.Step(1000 + random.Next(-5, 400));
            }

            foreach (Proposal p in rig.Engine.History)
            {
                if (p.State == ProposalState.Kept)
                {
                    Assert.That(p.MetricAfter, Is.LessThanOrEqualTo(p.MetricBefore * 1.01), $"run {run}: proposal {p.Id}");
                }
            }
        }
    }

    [Test]
    public void ARefusalIsLearnedAndRecorded()
    {
        var rig = new Rig(SecurityLevel.Paranoid, targetSlice: 900_000_000) { Auto = true };
        rig.Warm(10, 1000);
        rig.Step(1000);
        Proposal p = rig.Engine.History[0];
        Assert.That(p.State, Is.EqualTo(ProposalState.Refused));
        Assert.That(p.Verdict, Does.StartWith($"rejected patch {p.PatchId}: policy: Paranoid:"));
        Assert.That(rig.Model.Learned, Is.EqualTo(new[] { ProposalState.Refused }));
        Assert.That(rig.Engine.Submit(p, rig.Now), Does.StartWith($"proposal {p.Id} was already submitted"));
    }

    /// <summary>A manager, a metric the test controls, and a model that proposes one slice change.</summary>
    private sealed class Rig
    {
        private readonly Gauge _metric;

        public Rig(SecurityLevel level = SecurityLevel.Permissive, long targetSlice = 8_000_000)
        {
            Kit = new EvolutionKit(level);
            var registry = new MetricsRegistry();
            _metric = registry.Gauge("test.wait_us", "us", "the metric the test drives");
            var monitor = new MetricMonitor(64);
            monitor.AddAll(registry);
            Engine = new EvolutionEngine(Kit.Manager, monitor, new PerformanceModel(), 1);
            Model = new SliceModel(targetSlice);
            Engine.AddModel(Model);
        }

        public EvolutionKit Kit { get; }

        public EvolutionEngine Engine { get; }

        public SliceModel Model { get; }

        public ulong Now => Kit.NowNs;

        public bool Auto
        {
            get => Engine.Auto;
            init => Engine.Auto = value;
        }

        public void Warm(int samples, long value)
        {
            bool auto = Engine.Auto;
            Engine.Auto = false;
            for (int i = 0; i < samples; i++)
            {
                Step(value);
            }

            Engine.Auto = auto;
        }

        public void Step(long value)
        {
            _metric.Set(value);
            Kit.NowNs += 100_000_000;
            Engine.Step(Kit.NowNs);
        }
    }

    /// <summary>Proposes "sched.normal slice_ns = target" while it is not the value.</summary>
    private sealed class SliceModel : IEvolutionModel
    {
        private readonly long _target;

        public SliceModel(long target) => _target = target;

        public List<ProposalState> Learned { get; } = new();

        public List<double> Gains { get; } = new();

        public string Name => "scheduler";

        public void Analyse(EngineSnapshot snapshot, List<Proposal> proposals)
        {
            if (snapshot.Manager.Registry.FindParameterSet("sched.normal")!.Find("slice_ns")!.Value == _target)
            {
                return;
            }

            proposals.Add(new Proposal(Name, "sched.slice.shorter", "sched.normal", PatchKind.Parameter, "test.wait_us", true, 10,
                "shorter slices cut the wait", id => Encode(id, _target)));
        }

        public void Learn(Proposal proposal, ProposalOutcome outcome)
        {
            Learned.Add(outcome.State);
            Gains.Add(outcome.MeasuredGainPercent);
        }

        public string Describe() => "test model";

        private static byte[]? Encode(ulong id, long slice)
        {
            var provenance = new PatchProvenance(id, 0, PatchOrigin.Engine, "scheduler", "shorter slices", "test.wait_us", 1000);
            Patch patch = Patch.ForParameters("sched.normal", new[] { new ParameterChange("slice_ns", slice) }, provenance);
            return PatchWriter.TryWrite(patch, null, out byte[]? bytes, out _) ? bytes : null;
        }
    }
}

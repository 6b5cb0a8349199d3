using NexOS.Ai.Engine;
using NexOS.Ai.Monitoring;
using NexOS.Core.Metrics;
using NexOS.Security.Audit;
using NexOS.Security.Patching;
using NexOS.Security.Patches;
using NexOS.Security.Policy;

namespace NexOS.Tests.Ai;

/// <summary>The engine's own cost: CPU and memory of every engine call, counted once however
/// calls nest, charged per model, and nothing at all without clocks.</summary>
public sealed class EngineCostTests
{
    [Test]
    public void AStepCountsOnceAndChargesEachModel()
    {
        ulong cpu = 0;
        ulong bytes = 0;
        EvolutionEngine engine = Engine();
        engine.Cost.CpuClock = () => cpu;
        engine.Cost.AllocationClock = () => bytes;
        var busy = new BusyModel("busy", () => { cpu += 700; bytes += 64; });
        engine.AddModel(busy);
        engine.Step(1);
        engine.Analyse(2);
        Assert.That(engine.Cost.BusyNs, Is.EqualTo(1400), "a step's analysis is not counted twice");
        Assert.That(engine.Cost.AllocatedBytes, Is.EqualTo(128));
        Assert.That(engine.Cost.ModelNs("busy"), Is.EqualTo(1400));
        Assert.That(engine.Cost.ModelBytes("busy"), Is.EqualTo(128));
        Assert.That(engine.Cost.LongestNs, Is.EqualTo(700));
        Assert.That(engine.Cost.ModelNs("absent"), Is.Zero);
    }

    [Test]
    public void WithoutClocksNothingIsMeasured()
    {
        EvolutionEngine engine = Engine();
        engine.Step(1);
        Assert.That(engine.Cost.BusyNs, Is.Zero);
        Assert.That(engine.Cost.AllocatedBytes, Is.Zero);
    }

    [Test]
    public void AClockThatGoesBackwardsCountsAsNothing()
    {
        ulong cpu = 1_000_000;
        EvolutionEngine engine = Engine();
        engine.Cost.CpuClock = () => cpu;
        engine.AddModel(new BusyModel("odd", () => cpu -= 500));
        engine.Step(1);
        Assert.That(engine.Cost.BusyNs, Is.Zero);
        Assert.That(engine.Cost.ModelNs("odd"), Is.Zero);
    }

    private static EvolutionEngine Engine()
    {
        var host = new FixedHost();
        var manager = new PatchManager(new HookRegistry(() => 0), new AuditTrail(16), new PatchKeyRing(), host, SecurityLevel.Standard);
        var monitor = new MetricMonitor(16);
        monitor.AddAll(new MetricsRegistry());
        return new EvolutionEngine(manager, monitor, new PerformanceModel(), 1);
    }

    private sealed class FixedHost : IEvolveHost
    {
        public ulong NowNs => 0;

        public ulong Enter() => 0;

        public void Leave(ulong state)
        {
        }
    }

    private sealed class BusyModel : IEvolutionModel
    {
        private readonly Action _work;

        public BusyModel(string name, Action work)
        {
            Name = name;
            _work = work;
        }

        public string Name { get; }

        public void Analyse(EngineSnapshot snapshot, List<Proposal> proposals) => _work();

        public void Learn(Proposal proposal, ProposalOutcome outcome)
        {
        }

        public string Describe() => Name;
    }
}

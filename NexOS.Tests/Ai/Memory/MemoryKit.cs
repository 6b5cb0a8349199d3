using NexOS.Ai.Engine;
using NexOS.Ai.Models;
using NexOS.Ai.Monitoring;
using NexOS.Core.Heap;
using NexOS.Core.Metrics;
using NexOS.Security.Audit;
using NexOS.Security.Patching;
using NexOS.Security.Patches;
using NexOS.Security.Policy;

namespace NexOS.Tests.Ai.Memory;

/// <summary>An engine wired like the kernel's for the memory model: the "heap" parameter set
/// in the registry, the fragmentation gauge in a monitor, a manual clock.</summary>
internal sealed class MemoryKit : IEvolveHost
{
    public const ulong Tick = 100_000_000;

    public MemoryKit(SecurityLevel level = SecurityLevel.Standard, AllocationTrace? trace = null, int sampleObjects = MemoryModel.DefaultSampleObjects)
    {
        Registry = new HookRegistry(() => NowNs);
        Registry.AddParameterSet(MemoryModel.TargetSet, Placement.Set, SafetyClass.Tuning);
        Trail = new AuditTrail(256);
        Manager = new PatchManager(Registry, Trail, new PatchKeyRing(), this, level);
        var registry = new MetricsRegistry();
        Fragmentation = registry.Gauge(MemoryModel.FragmentationChannel, "percent", "");
        Refills = registry.Counter("mem.alloc_refills", "runs", "");
        var monitor = new MetricMonitor(64);
        monitor.AddAll(registry);
        Engine = new EvolutionEngine(Manager, monitor, new PerformanceModel(), 7);
        Model = new MemoryModel { Trace = trace ?? new FragmentingPattern().Trace, SampleObjects = sampleObjects };
        Engine.AddModel(Model);
    }

    public PlacementParameters Placement { get; } = new();

    public HookRegistry Registry { get; }

    public AuditTrail Trail { get; }

    public PatchManager Manager { get; }

    public Gauge Fragmentation { get; }

    public Counter Refills { get; }

    public EvolutionEngine Engine { get; }

    public MemoryModel Model { get; }

    public ulong NowNs { get; set; } = 1_000_000_000;

    public ulong Enter() => 0;

    public void Leave(ulong state)
    {
    }

    /// <summary>Engine steps with the gauge at <paramref name="percent"/> and
    /// <paramref name="refills"/> slow paths a step.</summary>
    public void Steps(int count, long percent, long refills = 100)
    {
        for (int i = 0; i < count; i++)
        {
            Fragmentation.Set(percent);
            Refills.Add(refills);
            NowNs += Tick;
            Engine.Step(NowNs);
        }
    }

    /// <summary>The memory model's proposal of a dry run, or null.</summary>
    public Proposal? MemoryProposal()
    {
        foreach (Proposal p in Engine.Analyse(NowNs))
        {
            if (p.Model == Model.Name)
            {
                return p;
            }
        }

        return null;
    }
}

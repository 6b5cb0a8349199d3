using NexOS.Ai.Engine;
using NexOS.Ai.Models;
using NexOS.Ai.Monitoring;
using NexOS.Core.Metrics;
using NexOS.Core.Policy;
using NexOS.Core.Scheduling;
using NexOS.Security.Audit;
using NexOS.Security.Patching;
using NexOS.Security.Patches;
using NexOS.Security.Policy;

namespace NexOS.Tests.Ai.Scheduling;

/// <summary>
/// A host stand-in for the kernel around the engine: a live adaptive policy whose parameters
/// are registered as "sched.normal", the registry's scheduler hooks called by the simulator
/// at the kernel's call sites, the per-class metrics recorded where the kernel records them,
/// a patch manager, a monitor and an engine with the scheduler and code models. Each
/// <see cref="Tick"/> runs 100 ms of the workload, then does what the evolve thread does.
/// </summary>
internal sealed class SimulatedKernel : IEvolveHost
{
    public const ulong TickNs = 100_000_000;
    private readonly SchedulerSimulator? _simulator;
    private ulong _lastWork;

    public SimulatedKernel(SchedulerWorkload workload, SecurityLevel level = SecurityLevel.Standard, ulong seed = 7)
    {
        Workload = workload;
        Policy = new AdaptivePolicy();
        Registry = new HookRegistry(() => NowNs);
        Slice = HookCatalog.CreateTimeSlice();
        Priority = HookCatalog.CreatePriority();
        Registry.AddHook(Slice);
        Registry.AddHook(Priority);
        Registry.AddHook(HookCatalog.CreateGcBudget());
        Registry.AddParameterSet("sched.normal", Policy.Parameters, SafetyClass.Tuning);
        Manager = new PatchManager(Registry, new AuditTrail(1024), new PatchKeyRing(), this, level);
        Metrics = new MetricsRegistry();
        Classes = new SchedulerClassMetrics(Metrics);
        Monitor = new MetricMonitor(256);
        Monitor.AddAll(Metrics);
        Shadow = new SchedulerShadow();
        Engine = new EvolutionEngine(Manager, Monitor, new PerformanceModel(), seed);
        // The kit's workload runs from the start and for good: the models may search on its
        // first reading (the wait for a lasting mix is tested on its own, in ShadowSearchCostTests).
        SchedulerModel = new SchedulerModel(Shadow) { FirstSearchReadings = 1 };
        CodeModel = new CodeModel(Shadow, seed) { FirstSearchReadings = 1 };
        Engine.AddModel(SchedulerModel);
        Engine.AddModel(CodeModel);
        _simulator = new SchedulerSimulator(Policy)
        {
            SwitchCostNs = SchedulerShadow.DefaultSwitchCostNs,
            Hooks = new RecordingHooks(new PolicyHookSchedulerHooks(Slice, Priority), Classes),
        };
        workload.AddTo(_simulator);
    }

    public SchedulerWorkload Workload { get; }

    public AdaptivePolicy Policy { get; }

    public HookRegistry Registry { get; }

    public PolicyHook Slice { get; }

    public PolicyHook Priority { get; }

    public PatchManager Manager { get; }

    public MetricsRegistry Metrics { get; }

    public SchedulerClassMetrics Classes { get; }

    public MetricMonitor Monitor { get; }

    public SchedulerShadow Shadow { get; }

    public EvolutionEngine Engine { get; }

    public SchedulerModel SchedulerModel { get; }

    public CodeModel CodeModel { get; }

    public ulong NowNs => (_simulator?.NowNs ?? 0) + 1_000_000_000;

    public ulong Enter() => 0;

    public void Leave(ulong state)
    {
    }

    /// <summary>Applies the demo's starting point (plain round robin) through the manager.</summary>
    public SubmitResult PlainRoundRobin()
    {
        var changes = new[] { new ParameterChange("boost_levels", 0), new ParameterChange("max_boost", 0), new ParameterChange("max_decay", 0) };
        var provenance = new PatchProvenance(Manager.HighestPatchId + 1, NowNs, PatchOrigin.Engine, "test", "plain round robin", "none", 0);
        Assert.That(PatchWriter.TryWrite(Patch.ForParameters("sched.normal", changes, provenance), null, out byte[]? bytes, out _), Is.True);
        return Manager.Submit(bytes, PatchOrigin.Engine);
    }

    /// <summary>Runs <paramref name="ticks"/> evolve periods.</summary>
    public void Tick(int ticks = 1)
    {
        for (int i = 0; i < ticks; i++)
        {
            _simulator!.Run(_simulator.NowNs + TickNs);
            ulong work = 0;
            foreach (SimThread t in _simulator!.Threads)
            {
                work += t.Thread.Workload == WorkloadClass.Cpu ? t.UsefulCpuNs : 0;
            }

            // One work unit per microsecond of CPU-bound work.
            Classes.WorkUnits.Add((long)((work - _lastWork) / 1000));
            _lastWork = work;
            Classes.IoThreads.Set(Workload.IoThreads);
            Classes.CpuThreads.Set(Workload.CpuThreads);
            Manager.Tick();
            Engine.Step(NowNs);
        }
    }

    /// <summary>Ticks until <paramref name="p"/> leaves its trial (at most <paramref name="limit"/> ticks).</summary>
    public void Follow(Proposal p, int limit = 600)
    {
        for (int i = 0; i < limit && p.State == ProposalState.OnTrial; i++)
        {
            Tick();
        }
    }

    /// <summary>Mean of the newest <paramref name="window"/> samples of <paramref name="channel"/>.</summary>
    public double Mean(string channel, int window = 10) => Monitor.Statistics(Monitor.Find(channel)!, window).Mean;

    /// <summary>The kernel's recording points: waits at switch-in (where the slice is asked),
    /// CPU time and blocks at every stop (where the priority is adjusted).</summary>
    private sealed class RecordingHooks : ISchedulerHooks
    {
        private readonly ISchedulerHooks _inner;
        private readonly SchedulerClassMetrics _metrics;

        public RecordingHooks(ISchedulerHooks inner, SchedulerClassMetrics metrics)
        {
            _inner = inner;
            _metrics = metrics;
        }

        public ulong TimeSlice(SchedThread thread, ulong policySliceNs, int runnable)
        {
            _metrics.RecordWait(thread, thread.LastRunLatencyNs);
            return _inner.TimeSlice(thread, policySliceNs, runnable);
        }

        public void AdjustPriority(SchedThread thread, StopReason reason, ulong ranNs)
        {
            _inner.AdjustPriority(thread, reason, ranNs);
            _metrics.RecordStop(thread, reason, ranNs);
        }
    }
}

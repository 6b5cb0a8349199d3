using NexOS.Ai.Engine;
using NexOS.Ai.Models;
using NexOS.Ai.Monitoring;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Metrics;
using NexOS.Kernel.Threading;
using NexOS.Runtime.Gc;
using NexOS.Security.Audit;
using NexOS.Security.Patching;
using NexOS.Security.Patches;
using NexOS.Security.Policy;
using NexOS.Kernel.Hooks;

namespace NexOS.Kernel.SelfEvolution;

/// <summary>
/// Self-modification in the running kernel: the hook registry, the patch manager with its
/// audit trail, the boot integrity reference and the evolve thread that judges canaries.
/// </summary>
internal static class KernelEvolution
{
    /// <summary>Records the audit ring keeps.</summary>
    public const int AuditCapacity = 1024;

    private const ulong TickNs = 100_000_000;

    // The manager judges canaries every tick (100 ms); the engine's cycle (sample, analyse,
    // follow) runs every tenth (1 s): its metrics change on that scale, and its cost stays a
    // small fraction of a percent of the CPU. Demos run it every tick to finish in seconds.
    private const ulong EngineEveryTicks = 10;

    private static int s_fastCycleUsers;

    /// <summary>Samples each metric channel keeps (one per engine cycle: about 2 minutes).</summary>
    public const int MonitorCapacity = 128;

    private static PatchManager? s_manager;
    private static EvolutionEngine? s_engine;
    private static SecurityModel? s_security;
    private static ulong s_engineSetupBytes;
    private static ulong s_startNs;
    private static KernelThread? s_thread;

    /// <summary>The manager; null before <see cref="Initialize"/>.</summary>
    public static PatchManager? Manager => s_manager;

    /// <summary>While a demo runs: the engine cycles on every 100 ms tick instead of every
    /// tenth. Calls nest; every <c>true</c> needs its <c>false</c>.</summary>
    public static void UseFastCycles(bool on) => s_fastCycleUsers = Math.Max(0, s_fastCycleUsers + (on ? 1 : -1));

    /// <summary>The engine's own cost since boot: its set-up allocation (monitor rings, models,
    /// priors), the time spent in its cycles, and what the cycles allocated.</summary>
    public static string CostLine()
    {
        EvolutionEngine? engine = s_engine;
        if (engine == null)
        {
            return "cost       the engine is not running\n";
        }

        EngineCost cost = engine.Cost;
        ulong steps = Math.Max(1, engine.Steps);
        double uptimeNs = Math.Max(1, Tsc.NowNs - s_startNs);
        return $"cost       set-up {s_engineSetupBytes / 1024} KiB; CPU {cost.BusyNs / 1_000_000} ms since boot ({cost.BusyNs * 100.0 / uptimeNs:F3}%), " +
            $"{cost.BusyNs / steps / 1000} us per cycle, longest call {cost.LongestNs / 1000} us; {cost.AllocatedBytes / steps} bytes allocated per cycle\n";
    }

    /// <summary>What the pre-trained priors did at boot, one line (shown by `models`).</summary>
    public static string PriorsLine { get; private set; } = "not initialised";

    /// <summary>The security model, which integrity checks report to; null before <see cref="Initialize"/>.</summary>
    public static SecurityModel? Security => s_security;

    /// <summary>The evolve thread (its CPU time is the engine's cost); null before it starts.</summary>
    public static KernelThread? Thread => s_thread;

    /// <summary>The AI engine; null before <see cref="Initialize"/>. Use under the manager's gate.</summary>
    public static EvolutionEngine? Engine => s_engine;

    /// <summary>
    /// Registers the hooks and parameter sets, creates the manager at the Standard level,
    /// makes the hooks live at their call sites and takes the integrity reference. Called
    /// once, after the scheduler and the collector are up.
    /// </summary>
    public static void Initialize()
    {
        s_startNs = Tsc.NowNs;
        var registry = new HookRegistry(static () => Tsc.NowNs);
        // The same registration as the host patch tool's preview (PatchPreview), so the tool's
        // verdict on a patch is this kernel's.
        HookCatalog.RegisterAll(registry);
        PolicyHook slice = registry.FindHook(HookCatalog.TimeSliceName)!;
        PolicyHook priority = registry.FindHook(HookCatalog.PriorityName)!;
        PolicyHook budget = registry.FindHook(HookCatalog.GcBudgetName)!;
        registry.AddParameterSet("sched.normal", Scheduler.Policy.Normal.Parameters, SafetyClass.Tuning);
        registry.AddParameterSet("sched.multi", Scheduler.Policy.Parameters, SafetyClass.Tuning);
        registry.AddParameterSet("sched.rt", Scheduler.Policy.RealTime.Parameters, SafetyClass.Critical);
        registry.AddParameterSet("smp", Scheduler.Balancer.Parameters, SafetyClass.Tuning);
        registry.AddParameterSet("gc", GcTuning.Parameters, SafetyClass.Tuning);
        registry.AddParameterSet("power", PowerTuning.Parameters, SafetyClass.Tuning);
        registry.AddParameterSet("heap", GcTuning.Placement.Set, SafetyClass.Tuning);
        registry.AddParameterSet("sched.group", Scheduler.Grouping.Parameters, SafetyClass.Tuning);
        var trail = new AuditTrail(AuditCapacity);
        s_manager = new PatchManager(registry, trail, new PatchKeyRing(), new KernelEvolveHost(), SecurityLevel.Standard);
        KernelHooks.Install(slice, priority, budget);
        ulong allocatedBefore = AllocatedBytes();
        var monitor = new MetricMonitor(MonitorCapacity);
        monitor.AddAll(KernelMetrics.Registry);
        s_engine = new EvolutionEngine(s_manager, monitor, new PerformanceModel(), Tsc.NowNs);
        s_engine.Cost.CpuClock = Scheduler.CurrentCpuNs;
        s_engine.Cost.AllocationClock = AllocatedBytes;
        s_security = new SecurityModel();
        s_engine.AddModel(s_security);
        s_engine.AddModel(new PowerModel());
        s_engine.AddModel(new MemoryModel());
        // One shadow for both scheduler-facing models: they search the same state and mix, and
        // the baseline runs are paid once.
        var shadow = new SchedulerShadow();
        s_engine.AddModel(new SchedulerModel(shadow));
        s_engine.AddModel(new CodeModel(shadow, 0x5EED));
        ReadOnlySpan<byte> priors = Boot.BootModules.Models;
        PriorsLine = priors.IsEmpty
            ? "no priors module: the models start from their built-in defaults"
            : s_engine.ApplyPriors(ModelPriors.Parse(priors));
        s_engineSetupBytes = AllocatedBytes() - allocatedBefore;
        Integrity.TakeBootReference();
    }

    /// <summary>Starts the thread that logs watchdog removals and decides canaries every 100 ms.</summary>
    public static void StartThread()
    {
        if (s_thread == null && s_manager != null)
        {
            s_thread = Scheduler.Spawn("evolve", Run);
        }
    }

    /// <summary>One step under the manager's gate: watchdog records, canary verdicts, then
    /// the engine's cycle (sample, follow, analyse, and with auto on submit).</summary>
    public static int Tick() => Tick(true);

    private static int Tick(bool engineCycle)
    {
        PatchManager manager = s_manager!;
        lock (manager.Gate)
        {
            int changes = manager.Tick();
            if (!engineCycle)
            {
                return changes;
            }

            MetricsRefresh.Refresh();
            s_engine!.Step(Tsc.NowNs);
            return changes;
        }
    }

    private static void Run()
    {
        KernelThread me = Scheduler.Current;
        for (ulong ticks = 1; !me.KillRequested; ticks++)
        {
            Scheduler.Sleep(TickNs);
            Tick(s_fastCycleUsers > 0 || ticks % EngineEveryTicks == 0);
        }
    }

    private static ulong AllocatedBytes() => Runtime.Gc.GcHeap.TotalAllocatedBytes + Runtime.BootHeap.BytesUsed;

    /// <summary>The kernel's clock and critical section (interrupts off; one CPU).</summary>
    private sealed class KernelEvolveHost : IEvolveHost
    {
        public ulong NowNs => Tsc.NowNs;

        public ulong Enter() => InterruptState.Disable();

        public void Leave(ulong state) => InterruptState.Restore(state);
    }
}

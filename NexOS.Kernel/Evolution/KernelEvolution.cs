using NexOS.Ai.Engine;
using NexOS.Ai.Monitoring;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Core;
using NexOS.Kernel.Core.Threading;
using NexOS.Kernel.Runtime.Gc;
using NexOS.Security.Audit;
using NexOS.Security.Evolution;
using NexOS.Security.Patches;
using NexOS.Security.Policy;

namespace NexOS.Kernel.Evolution;

/// <summary>
/// Self-modification in the running kernel: the hook registry, the patch manager with its
/// audit trail, the boot integrity reference and the evolve thread that judges canaries.
/// </summary>
internal static class KernelEvolution
{
    /// <summary>Records the audit ring keeps.</summary>
    public const int AuditCapacity = 1024;

    private const ulong TickNs = 100_000_000;

    /// <summary>Samples each metric channel keeps (one per evolve tick: 25.6 s of history).</summary>
    public const int MonitorCapacity = 256;

    private static PatchManager? s_manager;
    private static EvolutionEngine? s_engine;
    private static KernelThread? s_thread;

    /// <summary>The manager; null before <see cref="Initialize"/>.</summary>
    public static PatchManager? Manager => s_manager;

    /// <summary>The AI engine; null before <see cref="Initialize"/>. Use under the manager's gate.</summary>
    public static EvolutionEngine? Engine => s_engine;

    /// <summary>
    /// Registers the hooks and parameter sets, creates the manager at the Standard level,
    /// makes the hooks live at their call sites and takes the integrity reference. Called
    /// once, after the scheduler and the collector are up.
    /// </summary>
    public static void Initialize()
    {
        var registry = new HookRegistry(static () => Tsc.NowNs);
        PolicyHook slice = HookCatalog.CreateTimeSlice();
        PolicyHook priority = HookCatalog.CreatePriority();
        PolicyHook budget = HookCatalog.CreateGcBudget();
        registry.AddHook(slice);
        registry.AddHook(priority);
        registry.AddHook(budget);
        registry.AddParameterSet("sched.normal", Scheduler.Policy.Normal.Parameters, SafetyClass.Tuning);
        registry.AddParameterSet("sched.multi", Scheduler.Policy.Parameters, SafetyClass.Tuning);
        registry.AddParameterSet("sched.rt", Scheduler.Policy.RealTime.Parameters, SafetyClass.Critical);
        registry.AddParameterSet("gc", GcTuning.Parameters, SafetyClass.Tuning);
        var trail = new AuditTrail(AuditCapacity);
        s_manager = new PatchManager(registry, trail, new PatchKeyRing(), new KernelEvolveHost(), SecurityLevel.Standard);
        KernelHooks.Install(slice, priority, budget);
        var monitor = new MetricMonitor(MonitorCapacity);
        monitor.AddAll(KernelMetrics.Registry);
        s_engine = new EvolutionEngine(s_manager, monitor, new PerformanceModel(), Tsc.NowNs);
        s_engine.AddModel(new NexOS.Ai.Models.SchedulerModel(new NexOS.Ai.Models.SchedulerShadow()));
        s_engine.AddModel(new NexOS.Ai.Models.CodeModel(new NexOS.Ai.Models.SchedulerShadow(), 0x5EED));
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
    public static int Tick()
    {
        PatchManager manager = s_manager!;
        lock (manager.Gate)
        {
            int changes = manager.Tick();
            KernelMetrics.Refresh();
            s_engine!.Step(Tsc.NowNs);
            return changes;
        }
    }

    private static void Run()
    {
        KernelThread me = Scheduler.Current;
        while (!me.KillRequested)
        {
            Scheduler.Sleep(TickNs);
            Tick();
        }
    }

    /// <summary>The kernel's clock and critical section (interrupts off; one CPU).</summary>
    private sealed class KernelEvolveHost : IEvolveHost
    {
        public ulong NowNs => Tsc.NowNs;

        public ulong Enter() => InterruptState.Disable();

        public void Leave(ulong state) => InterruptState.Restore(state);
    }
}

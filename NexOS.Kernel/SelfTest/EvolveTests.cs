using NexOS.Core.Policy;
using NexOS.Core.Scheduling;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Threading;
using NexOS.Kernel.Hooks;
using NexOS.Kernel.SelfEvolution;
using NexOS.Security.Audit;
using NexOS.Security.Crypto;
using NexOS.Security.Patching;
using NexOS.Security.Patches;
using NexOS.Security.Policy;

namespace NexOS.Kernel.SelfTest;

/// <summary>Self tests of self-modification on the machine itself: the bad-patch corpus, good
/// patches, the live call sites and integrity. They use a private manager so that the kernel's
/// own stays at its boot state.</summary>
internal static class EvolveTests
{
    private static readonly string[] s_refused =
    {
        "endless", "unbalanced", "underflow", "type-confusion", "mid-instruction", "outside", "bad-call", "write-outside", "truncated", "bit-flip", "wrong-hash",
    };

    private static readonly string[] s_removed = { "loop", "div-zero", "out-of-range", "harmful" };

    private static readonly string[] s_promoted = { "slice-short", "priority-floor", "gc-half" };

    public static void Register()
    {
        SelfTestRunner.Add("evolve: live hooks pass the compiled policy through", LiveHooksPassThrough);
        SelfTestRunner.Add("evolve: bad patches refused by reader, policy or verifier", BadPatchesRefused);
        SelfTestRunner.Add("evolve: faulting and harmful patches removed", FaultsRemoved);
        SelfTestRunner.Add("evolve: good patches promoted, rollback restores", GoodPatchesPromoted);
        SelfTestRunner.Add("evolve: integrity and audit tampering", IntegrityAndTampering);
    }

    private static void LiveHooksPassThrough()
    {
        Expect.True(KernelEvolution.Manager != null, "the manager exists after boot");
        var thread = new SchedThread(999, "probe", SchedClass.Normal, 16);
        Expect.Equal(1_234_567UL, KernelHooks.TimeSlice(thread, 1_234_567, 2), "time slice");
        KernelHooks.AdjustPriority(thread, StopReason.Blocked, 1000);
        Expect.Equal(16, thread.EffectivePriority, "priority");
        Expect.Equal(8UL << 20, KernelHooks.GcBudget(8UL << 20, 1 << 20, 4 << 20, 100 << 20, 4096, 100), "gc budget");
    }

    private static void BadPatchesRefused()
    {
        (PatchManager manager, _) = Create(SecurityLevel.Standard);
        ulong id = 1;
        foreach (string name in s_refused)
        {
            SubmitResult r = manager.Submit(SamplePatchCatalog.Build(name, id++), PatchOrigin.Engine);
            Expect.True(!r.Accepted && r.Message.StartsWith("rejected", StringComparison.Ordinal), name + ": " + r.Message);
        }

        Expect.Equal(1, manager.Versions.Count, "no version was made");
        Expect.True(manager.Trail.Verify().IsIntact, "audit chain intact");
    }

    private static void FaultsRemoved()
    {
        (PatchManager manager, HookRegistry registry) = Create(SecurityLevel.Permissive);
        ulong id = 1;
        foreach (string name in s_removed)
        {
            SubmitResult r = manager.Submit(SamplePatchCatalog.Build(name, id++), PatchOrigin.Engine);
            Expect.True(r.Accepted, name + ": " + r.Message);
            for (int round = 0; round < 20 && AnyActive(registry); round++)
            {
                Exercise(manager, registry, 100);
            }

            Expect.True(!AnyActive(registry), name + " is gone");
        }

        Expect.Equal(3, manager.WatchdogRemovals, "watchdog removals (the harmful one goes by canary)");
        Expect.True(manager.Trail.Verify().IsIntact, "audit chain intact");
    }

    private static void GoodPatchesPromoted()
    {
        (PatchManager manager, HookRegistry registry) = Create(SecurityLevel.Permissive);
        ulong id = 1;
        foreach (string name in s_promoted)
        {
            Expect.True(manager.Submit(SamplePatchCatalog.Build(name, id++), PatchOrigin.Engine).Accepted, name + " accepted");
        }

        for (int round = 0; round < 20; round++)
        {
            Exercise(manager, registry, 100);
        }

        foreach (PolicyHook hook in registry.Hooks)
        {
            Expect.True(hook.Active != null && !hook.Active.IsCanary, hook.Name + " promoted");
        }

        manager.RollbackAll();
        Expect.True(!AnyActive(registry), "rollback all restores the defaults");
        Expect.True(manager.Trail.Verify().IsIntact, "audit chain intact");
    }

    private static void IntegrityAndTampering()
    {
        Span<byte> now = stackalloc byte[Sha256.HashSize];
        Integrity.HashImage(now);
        Expect.True(CryptoBytes.FixedTimeEquals(now, Integrity.BootImageHash), "the image is unchanged since boot");
        (PatchManager manager, _) = Create(SecurityLevel.Standard);
        manager.Submit(SamplePatchCatalog.Build("slice-short", 1), PatchOrigin.Engine);
        Expect.True(manager.Trail.Verify().IsIntact, "intact before");
        manager.Trail.Tamper(1);
        AuditVerifyResult result = manager.Trail.Verify();
        Expect.True(!result.IsIntact && result.BrokenSequence == 2, "tampering found at record 2: " + result.Message);
    }

    private static (PatchManager Manager, HookRegistry Registry) Create(SecurityLevel level)
    {
        var registry = new HookRegistry(static () => Tsc.NowNs);
        registry.AddHook(HookCatalog.CreateTimeSlice());
        registry.AddHook(HookCatalog.CreatePriority());
        registry.AddHook(HookCatalog.CreateGcBudget());
        var normal = new ParameterSet();
        normal.Add(new Parameter("slice_ns", "ns", 100_000, 1_000_000_000, 10_000_000, "slice"));
        registry.AddParameterSet("sched.normal", normal, SafetyClass.Tuning);
        return (new PatchManager(registry, new AuditTrail(128), new PatchKeyRing(), new Host(), level), registry);
    }

    private static void Exercise(PatchManager manager, HookRegistry registry, int count)
    {
        SyntheticContext.Exercise(registry, count, Tsc.Now | 1);
        manager.Tick();
    }

    private static bool AnyActive(HookRegistry registry)
    {
        foreach (PolicyHook hook in registry.Hooks)
        {
            if (hook.Active != null)
            {
                return true;
            }
        }

        return false;
    }

    private sealed class Host : IEvolveHost
    {
        public ulong NowNs => Tsc.NowNs;

        public ulong Enter() => InterruptState.Disable();

        public void Leave(ulong state) => InterruptState.Restore(state);
    }
}

using NexOS.Ai.Engine;
using NexOS.Ai.Models;
using NexOS.Ai.Monitoring;
using NexOS.Security.Cil;
using NexOS.Security.Patching;
using NexOS.Security.Patches;
using NexOS.Security.Policy;
using NexOS.Tests.Security.Patching;
using PatchTokenKind = NexOS.Security.Patches.CilTokenKind;

namespace NexOS.Tests.Ai;

/// <summary>The security model quarantines a flooding source, tightens on watchdog bursts and
/// integrity failures, never loosens, and tolerates a steady trickle it has learned.</summary>
[TestFixture]
public class SecurityModelTests
{
    private ulong _id = 1000;

    [Test]
    public void AFloodOfRefusedPatchesQuarantinesItsSource()
    {
        var (kit, engine, model) = Create(SecurityLevel.Standard);
        Step(kit, engine, 20);
        for (int i = 0; i < 6; i++)
        {
            kit.Manager.Submit(Unsigned("Mallory"), PatchOrigin.External);
        }

        Step(kit, engine, 1);
        Assert.That(kit.Manager.IsQuarantined("Mallory"), Is.True);
        Assert.That(engine.LastGuardAction, Does.StartWith("source 'Mallory' quarantined: 6.0 recent refusals"));
        SubmitResult later = kit.Manager.Submit(Unsigned("Mallory"), PatchOrigin.External);
        Assert.That(later.Message, Does.EndWith("source 'Mallory' is quarantined by the security model"));
        Assert.That(kit.Manager.IsQuarantined("Grace"), Is.False);
        Assert.That(model.Actions, Has.Count.EqualTo(1));
        Assert.That(kit.Trail.Verify().IsIntact, Is.True);
        Assert.That(kit.Manager.Release("Mallory"), Is.EqualTo("source 'Mallory' released from quarantine"));
        Assert.That(kit.Manager.IsQuarantined("Mallory"), Is.False);
    }

    [Test]
    public void ASuddenTrickleFromNowhereIsAnAnomaly()
    {
        // One refusal every 5 cycles settles at a decayed count of about 14, above the floor.
        var (kit, engine, _) = Create(SecurityLevel.Standard);
        for (int cycle = 0; cycle < 100; cycle++)
        {
            if (cycle % 5 == 0)
            {
                kit.Manager.Submit(Unsigned("Fuzzer"), PatchOrigin.External);
            }

            Step(kit, engine, 1);
        }

        Assert.That(kit.Manager.IsQuarantined("Fuzzer"), Is.True);
    }

    [Test]
    public void AKnownTrickleIsNormalButAFloodOnTopIsNot()
    {
        // Primed (as the pre-trained model ships) with a trickle of 0.2 refusals per cycle.
        var (kit, engine, model) = Create(SecurityLevel.Standard, new SecurityModel(0.2, 0.4));
        for (int cycle = 0; cycle < 3000; cycle++)
        {
            if (cycle % 5 == 0)
            {
                kit.Manager.Submit(Unsigned("Fuzzer"), PatchOrigin.External);
            }

            Step(kit, engine, 1);
        }

        Assert.That(kit.Manager.IsQuarantined("Fuzzer"), Is.False);
        Assert.That(model.BaselineMean, Is.EqualTo(0.2).Within(0.05));
        for (int i = 0; i < 30; i++)
        {
            kit.Manager.Submit(Unsigned("Fuzzer"), PatchOrigin.External);
        }

        Step(kit, engine, 1);
        Assert.That(kit.Manager.IsQuarantined("Fuzzer"), Is.True);
    }

    [Test]
    public void AFloodOfUnreadableBytesRaisesTheLevelInstead()
    {
        var (kit, engine, _) = Create(SecurityLevel.Permissive);
        for (int i = 0; i < 8; i++)
        {
            kit.Manager.Submit("garbage"u8, PatchOrigin.External);
        }

        Step(kit, engine, 1);
        Assert.That(kit.Manager.Policy.Level, Is.EqualTo(SecurityLevel.Standard));
        Assert.That(kit.Manager.IsQuarantined(PatchManager.UnreadableSource), Is.False);
    }

    [Test]
    public void WatchdogBurstsTightenAndIntegrityFailureGoesParanoidNeverBack()
    {
        var (kit, engine, model) = Create(SecurityLevel.Permissive);
        for (int i = 0; i < 3; i++)
        {
            Assert.That(kit.Apply("div-zero").Accepted, Is.True);
            kit.Exercise(50);
        }

        Step(kit, engine, 1);
        Assert.That(kit.Manager.WatchdogRemovals, Is.GreaterThanOrEqualTo(3));
        Assert.That(kit.Manager.Policy.Level, Is.EqualTo(SecurityLevel.Standard));

        model.ReportIntegrity(false);
        Step(kit, engine, 1);
        Assert.That(kit.Manager.Policy.Level, Is.EqualTo(SecurityLevel.Paranoid));
        Step(kit, engine, 500);
        Assert.That(kit.Manager.Policy.Level, Is.EqualTo(SecurityLevel.Paranoid), "the model never loosens");
        Assert.That(model.Describe(), Does.Contain("integrity FAILED"));
    }

    private static (EvolutionKit Kit, EvolutionEngine Engine, SecurityModel Model) Create(SecurityLevel level, SecurityModel? primed = null)
    {
        var kit = new EvolutionKit(level);
        var engine = new EvolutionEngine(kit.Manager, new MetricMonitor(8), new PerformanceModel(), 1);
        SecurityModel model = primed ?? new SecurityModel();
        engine.AddModel(model);
        return (kit, engine, model);
    }

    private static void Step(EvolutionKit kit, EvolutionEngine engine, int cycles)
    {
        for (int i = 0; i < cycles; i++)
        {
            kit.NowNs += 100_000_000;
            kit.Manager.Tick();
            engine.Step(kit.NowNs);
        }
    }

    private byte[] Unsigned(string source)
    {
        byte[] il = { 0x02, 0x7B, 0x01, 0x00, 0x00, 0x0A, 0x2A };
        var body = new CilBody(il, 2, Array.Empty<CilLocalType>(), new[] { new CilToken(0x0A000001, PatchTokenKind.ContextField, "policy_slice_ns") }, Array.Empty<long>());
        var provenance = new PatchProvenance(++_id, 0, PatchOrigin.External, source, "test", "", 0);
        Assert.That(PatchWriter.TryWrite(Patch.ForCil("sched.time_slice", body, provenance), null, out byte[]? bytes, out PatchError error), Is.True, error.Message);
        return bytes!;
    }
}

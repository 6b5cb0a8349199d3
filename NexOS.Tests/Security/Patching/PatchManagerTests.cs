using NexOS.Security.Audit;
using NexOS.Security.Patching;
using NexOS.Security.Patches;
using NexOS.Security.Policy;

namespace NexOS.Tests.Security.Patching;

[TestFixture]
public sealed class PatchManagerTests
{
    [TestCase("endless", "no path from here reaches 'ret' (a loop without an exit) [NoReturn]")]
    [TestCase("unbalanced", "[StackMismatch]")]
    [TestCase("underflow", "[StackUnderflow]")]
    [TestCase("type-confusion", "[TypeMismatch]")]
    [TestCase("mid-instruction", "not an instruction boundary [BranchTarget]")]
    [TestCase("outside", "outside the body (0x0000..0x0002) [BranchTarget]")]
    [TestCase("bad-call", "'Kernel.Shutdown()' is neither a context field")]
    [TestCase("write-outside", "[LocalIndex]")]
    [TestCase("truncated", "unreadable patch: truncated at offset")]
    [TestCase("bit-flip", "unreadable patch: hash mismatch")]
    [TestCase("wrong-hash", "unreadable patch: hash mismatch")]
    public void BadPatchesAreRefusedWithTheirReasonAndNothingChanges(string sample, string reason)
    {
        var kit = new EvolutionKit();
        SubmitResult result = kit.Apply(sample);
        Assert.That(result.Accepted, Is.False);
        Assert.That(result.Message, Does.Contain(reason));
        Assert.That(kit.Manager.Versions, Has.Count.EqualTo(1), "no new version");
        Assert.That(kit.Registry.SnapshotHooks(), Is.All.Null);
        AuditRecord last = kit.Trail.RecordAt(kit.Trail.Count - 1);
        Assert.That(last.Kind, Is.EqualTo(AuditEventKind.Rejected));
        Assert.That(last.Detail, Does.Contain(reason.TrimStart('[')));
        Assert.That(kit.Trail.Verify().IsIntact, Is.True);
    }

    [TestCase("loop", SecurityLevel.Standard, "OutOfFuel after 1000 instructions")]
    [TestCase("div-zero", SecurityLevel.Standard, "DivideByZero after 4 instructions")]
    [TestCase("out-of-range", SecurityLevel.Permissive, "result 0 outside [1000, 1000000000]")]
    public void RunTimeFaultsAreRemovedByTheWatchdogAndLogged(string sample, SecurityLevel level, string reason)
    {
        var kit = new EvolutionKit(level);
        SubmitResult result = kit.Apply(sample);
        Assert.That(result.Accepted, Is.True, result.Message);
        kit.Exercise(50);
        Assert.That(kit.Registry.SnapshotHooks(), Is.All.Null, "back to the defaults");
        Assert.That(kit.Manager.WatchdogRemovals, Is.EqualTo(1));
        AuditRecord removal = FindLast(kit.Trail, AuditEventKind.RolledBack)!;
        Assert.That(removal.PatchId, Is.EqualTo(result.PatchId));
        Assert.That(removal.Detail, Does.Contain("watchdog: ").And.Contain(reason));
        Assert.That(kit.Manager.Current.What, Does.StartWith("watchdog removed patch"));
        Assert.That(kit.Trail.Verify().IsIntact, Is.True);
    }

    [Test]
    public void LoopsAreRefusedByTheVerifierWhereThePolicyForbidsThem()
    {
        var kit = new EvolutionKit(SecurityLevel.Strict);
        SubmitResult result = kit.Apply("loop");
        Assert.That(result.Accepted, Is.False);
        Assert.That(result.Message, Does.Contain("[BackwardBranch]"));
    }

    [Test]
    public void ParanoidRefusesCodeAndStrictRefusesPolicyHooks()
    {
        var paranoid = new EvolutionKit(SecurityLevel.Paranoid);
        Assert.That(paranoid.Apply("slice-short").Message, Does.Contain("code patches are not allowed"));
        var strict = new EvolutionKit(SecurityLevel.Strict);
        Assert.That(strict.Apply("priority-floor").Message, Does.Contain("hook 'sched.priority_adjust' is Policy"));
    }

    [Test]
    public void AHarmfulPatchIsRolledBackByTheCanary()
    {
        var kit = new EvolutionKit();
        SubmitResult result = kit.Apply("harmful");
        Assert.That(result.Accepted, Is.True, result.Message);
        for (int i = 0; i < 20 && kit.Slice.Active != null; i++)
        {
            kit.Exercise(100, seed: i);
        }

        Assert.That(kit.Slice.Active, Is.Null);
        AuditRecord rollback = FindLast(kit.Trail, AuditEventKind.RolledBack)!;
        Assert.That(rollback.PatchId, Is.EqualTo(result.PatchId));
        Assert.That(rollback.Detail, Does.Contain("sched.imposed_wait_us: baseline mean"));
        Assert.That(kit.Manager.Current.What, Does.StartWith("canary rollback of patch"));
    }

    [TestCase("slice-short")]
    [TestCase("priority-floor")]
    [TestCase("gc-half")]
    public void GoodPatchesArePromotedAfterTheirCanary(string sample)
    {
        var kit = new EvolutionKit();
        SubmitResult result = kit.Apply(sample);
        Assert.That(result.Accepted, Is.True, result.Message);
        Assert.That(kit.Trail.RecordAt(kit.Trail.Count - 1).Kind, Is.EqualTo(AuditEventKind.CanaryStarted));
        for (int i = 0; i < 20 && FindLast(kit.Trail, AuditEventKind.Promoted) == null; i++)
        {
            kit.Exercise(100, seed: i);
        }

        Assert.That(FindLast(kit.Trail, AuditEventKind.Promoted)?.PatchId, Is.EqualTo(result.PatchId));
        InstalledPatch? active = Active(kit, result.PatchId);
        Assert.That(active, Is.Not.Null);
        Assert.That(active!.IsCanary, Is.False);
    }

    [Test]
    public void ParameterPatchesApplyAndEveryVersionCanBeRestored()
    {
        var kit = new EvolutionKit();
        SubmitResult slice = kit.Apply("param-slice");
        SubmitResult gc = kit.Apply("param-gc");
        Assert.That(slice.Message, Does.Contain("slice_ns 10000000 -> 8000000"));
        Assert.That(kit.Normal.Find("slice_ns")!.Value, Is.EqualTo(8_000_000));
        Assert.That(kit.Gc.Find("gc.growth_percent")!.Value, Is.EqualTo(120));
        Assert.That(kit.Manager.Rollback(slice.PatchId), Does.StartWith($"manual rollback of patch {slice.PatchId}: version 3 = state of version 0"));
        Assert.That(kit.Normal.Find("slice_ns")!.Value, Is.EqualTo(10_000_000));
        Assert.That(kit.Gc.Find("gc.growth_percent")!.Value, Is.EqualTo(100), "later patches go too");
        Assert.That(kit.Manager.Rollback(gc.PatchId), Does.Contain("no longer active"));
        Assert.That(kit.Manager.Restore(2), Does.Contain("state of version 2"));
        Assert.That(kit.Gc.Find("gc.growth_percent")!.Value, Is.EqualTo(120));
        Assert.That(kit.Manager.Rollback(999), Does.Contain("no applied patch 999"));
        Assert.That(kit.Manager.Restore(-1), Does.Contain("no version -1"));
        Assert.That(kit.Manager.Restore(99), Does.Contain("no version 99"));
    }

    [Test]
    public void RollbackAllRemovesCanariesAndPromotedPatches()
    {
        var kit = new EvolutionKit();
        kit.Apply("slice-short");
        kit.Exercise(500);
        kit.Apply("priority-floor");
        kit.Apply("param-gc");
        Assert.That(kit.Slice.Active, Is.Not.Null);
        Assert.That(kit.Priority.Active, Is.Not.Null);
        string message = kit.Manager.RollbackAll();
        Assert.That(message, Does.EndWith("active patches: none"));
        Assert.That(kit.Registry.SnapshotHooks(), Is.All.Null);
        Assert.That(kit.Gc.Find("gc.growth_percent")!.Value, Is.EqualTo(100));
        Assert.That(kit.Trail.Verify().IsIntact, Is.True);
    }

    [Test]
    public void ReplaysAndLevelChangesAreLogged()
    {
        var kit = new EvolutionKit();
        kit.Apply("slice-short");
        Assert.That(kit.Apply("replay").Message, Does.Contain("patch id 1 is not above the last accepted id"));
        Assert.That(kit.Manager.SetLevel(SecurityLevel.Strict), Is.EqualTo("security level Permissive -> Strict"));
        Assert.That(kit.Trail.RecordAt(kit.Trail.Count - 1).Kind, Is.EqualTo(AuditEventKind.PolicyChanged));
    }

    [Test]
    public void TighteningTheLevelRemovesHookPatchesItWouldRefuse()
    {
        var kit = new EvolutionKit();
        Assert.That(kit.Apply("slice-short").Accepted, Is.True);
        Assert.That(kit.Apply("priority-floor").Accepted, Is.True);
        int versions = kit.Manager.Versions.Count;

        // Strict patches Tuning hooks only: the priority hook (Policy) loses its patch.
        Assert.That(kit.Manager.SetLevel(SecurityLevel.Strict), Is.EqualTo("security level Permissive -> Strict; removed 1 hook patch the level does not allow"));
        Assert.That(kit.Priority.Active, Is.Null);
        Assert.That(kit.Slice.Active, Is.Not.Null);
        Assert.That(kit.Manager.Versions, Has.Count.EqualTo(versions + 1));
        AuditRecord last = kit.Trail.RecordAt(kit.Trail.Count - 1);
        Assert.That(last.Kind, Is.EqualTo(AuditEventKind.RolledBack));
        Assert.That(last.Detail, Does.Contain("Strict does not allow CIL patches on Policy hook sched.priority_adjust"));

        // Paranoid allows no CIL at all; loosening again brings nothing back.
        Assert.That(kit.Manager.SetLevel(SecurityLevel.Paranoid), Does.EndWith("removed 1 hook patch the level does not allow"));
        Assert.That(kit.Slice.Active, Is.Null);
        Assert.That(kit.Manager.SetLevel(SecurityLevel.Permissive), Is.EqualTo("security level Paranoid -> Permissive"));
        Assert.That(kit.Slice.Active, Is.Null);
        Assert.That(kit.Trail.Verify().IsIntact, Is.True);
    }

    [Test]
    public void RandomBytesAndMutatedSamplesNeverThrowOrBreakTheChain()
    {
        var kit = new EvolutionKit();
        var random = new Random(4);
        int accepted = 0;
        for (int i = 0; i < 3000; i++)
        {
            byte[] bytes;
            if (i % 3 == 0)
            {
                bytes = new byte[random.Next(0, 300)];
                random.NextBytes(bytes);
            }
            else
            {
                bytes = SamplePatchCatalog.Build(SamplePatchCatalog.All[random.Next(SamplePatchCatalog.All.Count)].Name, (ulong)(10_000 + i))!;
                if (i % 3 == 1)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                    bytes = bytes.AsSpan(0, random.Next(1, bytes.Length + 1)).ToArray();
                }
            }

            kit.NowNs += 2_000_000_000; // stay under the rate limit
            SubmitResult result = kit.Manager.Submit(bytes, i % 2 == 0 ? PatchOrigin.Engine : PatchOrigin.External);
            accepted += result.Accepted ? 1 : 0;
            Assert.That(result.Message, Is.Not.Empty);
            if (i % 50 == 0)
            {
                kit.Exercise(20, seed: i);
            }
        }

        TestContext.Out.WriteLine($"accepted {accepted} of 3000");
        Assert.That(kit.Trail.Verify().IsIntact, Is.True);
    }

    [Test]
    public void TamperingWithARecordIsDetected()
    {
        var kit = new EvolutionKit();
        kit.Apply("slice-short");
        kit.Apply("underflow");
        Assert.That(kit.Trail.Verify().IsIntact, Is.True);
        Assert.That(kit.Trail.Tamper(2), Is.True);
        AuditVerifyResult result = kit.Trail.Verify();
        Assert.That(result.IsIntact, Is.False);
        Assert.That(result.BrokenSequence, Is.EqualTo(3UL));
        Assert.That(kit.Trail.Tamper(kit.Trail.Count), Is.False);
        Assert.That(kit.Trail.Tamper(-1), Is.False);
    }

    private static AuditRecord? FindLast(AuditTrail trail, AuditEventKind kind)
    {
        for (int i = trail.Count - 1; i >= 0; i--)
        {
            if (trail.RecordAt(i).Kind == kind)
            {
                return trail.RecordAt(i);
            }
        }

        return null;
    }

    private static InstalledPatch? Active(EvolutionKit kit, ulong id)
    {
        foreach (InstalledPatch? p in kit.Registry.SnapshotHooks())
        {
            if (p != null && p.PatchId == id)
            {
                return p;
            }
        }

        return null;
    }
}

using System.Text.Json;
using System.Text.RegularExpressions;
using NexOS.Security.Audit;

namespace NexOS.Tests.Boot;

/// <summary>
/// Boot tests of self-modification through the shell: the bad-patch corpus refused or
/// removed with the kernel running and the audit chain intact, good patches promoted,
/// versions and rollback, tampering found, integrity, and the measured figures (printed,
/// never asserted).
/// </summary>
[TestFixture]
[Category("Boot")]
[NonParallelizable]
public sealed class EvolveBootTests : BootFixture
{
    [Test]
    [CancelAfter(TestBudget)]
    public void BadPatchCorpusIsRefusedOrRemovedWhileTheKernelRuns()
    {
        QemuMachine machine = Boot();
        Assert.That(RunCommand(machine, "evolve policy permissive"), Is.EqualTo(new[] { "security level Standard -> Permissive" }));
        (string Sample, string Reason)[] refused =
        {
            ("endless", "[NoReturn]"), ("unbalanced", "[StackMismatch]"), ("underflow", "[StackUnderflow]"), ("type-confusion", "[TypeMismatch]"),
            ("mid-instruction", "is not an instruction boundary [BranchTarget]"), ("outside", "is outside the body"),
            ("bad-call", "'Kernel.Shutdown()' is neither a context field"), ("write-outside", "[LocalIndex]"),
            ("truncated", "unreadable patch: truncated at offset"), ("bit-flip", "unreadable patch: hash mismatch"),
            ("wrong-hash", "unreadable patch: hash mismatch"),
        };
        foreach ((string sample, string reason) in refused)
        {
            List<string> output = RunCommand(machine, "evolve apply " + sample);
            Assert.That(output, Has.Count.EqualTo(1), sample);
            Assert.That(output[0], Does.StartWith("rejected").And.Contain(reason), sample);
        }

        (string Sample, string Audit)[] removed =
        {
            ("loop", "watchdog: OutOfFuel after 1000 instructions"), ("div-zero", "watchdog: DivideByZero after 4 instructions"),
            ("out-of-range", "watchdog: result 0 outside [1000, 1000000000]"), ("harmful", "sched.imposed_wait_us: baseline mean"),
        };
        foreach ((string sample, string audit) in removed)
        {
            Assert.That(RunCommand(machine, "evolve apply " + sample)[0], Does.Match(@"^patch \d+ verified \(\d+ instructions\); canary on "), sample);
            string status = string.Empty;
            for (int i = 0; i < 10 && (status.Length == 0 || status.Contains("canary patch", StringComparison.Ordinal)); i++)
            {
                RunCommand(machine, "evolve exercise 300");
                status = string.Join("\n", RunCommand(machine, "evolve status"));
            }

            Assert.That(status, Does.Not.Contain("canary patch").And.Not.Match(@"\): patch \d+"), sample + " is gone:\n" + status);
            Assert.That(string.Join("\n", RunCommand(machine, "audit")), Does.Contain(audit), sample);
        }

        Assert.That(RunCommand(machine, "evolve apply replay")[0], Does.StartWith("rejected patch 1: policy: Permissive: patch id 1 is not above"));
        string final = string.Join("\n", RunCommand(machine, "evolve status"));
        TestContext.Out.WriteLine(final);
        Match watchdog = Regex.Match(final, @"watchdog\s+last fault-to-restore (\d+) ns, max (\d+) ns");
        Assert.That(watchdog.Success, Is.True, final);
        TestContext.Out.WriteLine($"measured fault-to-restore: last {watchdog.Groups[1].Value} ns, max {watchdog.Groups[2].Value} ns");
        Assert.That(final, Does.Contain("3 removed by the watchdog"));
        Assert.That(RunCommand(machine, "audit verify")[0], Does.StartWith("audit chain intact:"));
        Assert.That(RunCommand(machine, "echo alive"), Is.EqualTo(new[] { "alive" }));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void StrictLevelRefusesLoopsAndParanoidRemovesAndRefusesCode()
    {
        QemuMachine machine = Boot();
        RunCommand(machine, "evolve policy strict");
        Assert.That(RunCommand(machine, "evolve apply loop")[0], Does.Contain("[BackwardBranch]"));
        Assert.That(RunCommand(machine, "evolve apply priority-floor")[0], Does.Contain("hook 'sched.priority_adjust' is Policy"));
        RunCommand(machine, "evolve policy paranoid");
        Assert.That(RunCommand(machine, "evolve apply slice-short")[0], Does.Contain("code patches are not allowed"));
        Assert.That(string.Join("\n", RunCommand(machine, "audit")), Does.Contain("PolicyChanged patch 0 evolve: security level Strict -> Paranoid"));

        // Back to Permissive for a patch; tightening to Paranoid takes it out again at once.
        RunCommand(machine, "evolve policy permissive");
        Assert.That(RunCommand(machine, "evolve apply slice-short")[0], Does.Match(@"^patch \d+ verified"));
        Assert.That(RunCommand(machine, "evolve policy paranoid"), Is.EqualTo(new[] { "security level Permissive -> Paranoid; removed 1 hook patch the level does not allow" }));
        Assert.That(string.Join("\n", RunCommand(machine, "evolve status")), Does.Contain("hook       sched.time_slice (Tuning, fuel 1000, range 1000..1000000000): default"));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void GoodPatchesArePromotedAndVersionsCanBeRestored()
    {
        QemuMachine machine = Boot();
        string bootPatchSet = PatchSetHash(machine);
        RunCommand(machine, "evolve policy permissive");
        var ids = new Dictionary<string, string>();
        foreach (string sample in new[] { "slice-short", "priority-floor", "gc-half" })
        {
            string line = RunCommand(machine, "evolve apply " + sample)[0];
            Match m = Regex.Match(line, @"^patch (\d+) verified");
            Assert.That(m.Success, Is.True, line);
            ids[sample] = m.Groups[1].Value;
        }

        string param = RunCommand(machine, "evolve apply param-slice")[0];
        Assert.That(param, Does.Match(@"^applied patch (\d+) as version \d+: slice_ns 10000000 -> 8000000$"));
        string status = string.Empty;
        for (int i = 0; i < 10 && (status.Length == 0 || status.Contains("canary patch", StringComparison.Ordinal)); i++)
        {
            RunCommand(machine, "evolve exercise 500");
            status = string.Join("\n", RunCommand(machine, "evolve status"));
        }

        TestContext.Out.WriteLine(status);
        foreach ((string sample, string id) in ids)
        {
            Assert.That(status, Does.Contain($"): patch {id};"), sample + " promoted");
        }

        string audit = string.Join("\n", RunCommand(machine, "audit"));
        Assert.That(Regex.Matches(audit, @"Promoted patch \d+ evolve"), Has.Count.EqualTo(3), audit);
        string versions = string.Join("\n", RunCommand(machine, "evolve versions"));
        Assert.That(versions, Does.Contain("version 0: boot state"));
        Assert.That(versions, Does.Match(@"version \d+ \(current\): promoted patch"));
        string paramId = Regex.Match(param, @"patch (\d+)").Groups[1].Value;
        Assert.That(RunCommand(machine, "evolve rollback " + paramId)[0], Does.StartWith($"manual rollback of patch {paramId}: version"));
        Assert.That(string.Join("\n", RunCommand(machine, "sched")), Does.Match(@"normal\.slice_ns\s+10000000 ns"));
        Assert.That(RunCommand(machine, "evolve rollback all")[0], Does.EndWith("active patches: none"));
        Assert.That(PatchSetHash(machine), Is.EqualTo(bootPatchSet), "the boot state's patch set again");
        Assert.That(RunCommand(machine, "audit verify")[0], Does.StartWith("audit chain intact:"));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void AuditExportVerifiesOnTheHostAndTamperingIsDetected()
    {
        QemuMachine machine = Boot();
        RunCommand(machine, "evolve apply slice-short");
        RunCommand(machine, "evolve apply underflow");
        string export = string.Join("\n", RunCommand(machine, "audit export"));
        Assert.That(AuditImport.TryParse(export, out AuditLog? log, out string error), Is.True, error);
        Assert.That(log!.Verify().IsIntact, Is.True);
        Assert.That(RunCommand(machine, "audit show 2"), Has.Some.Match(@"^kind\s+Verified$"));
        Assert.That(RunCommand(machine, "audit tamper 2")[0], Does.Contain("record #2 changed in memory"));
        Assert.That(RunCommand(machine, "audit verify"), Is.EqualTo(new[] { "audit chain BROKEN at record #2: record 2: the fields do not match the record's hash" }));
        string tampered = string.Join("\n", RunCommand(machine, "audit export"));
        Assert.That(AuditImport.TryParse(tampered, out AuditLog? bad, out error), Is.True, error);
        Assert.That(bad!.Verify().IsIntact, Is.False, "the export shows the break too");
        Assert.That(RunCommand(machine, "echo alive"), Is.EqualTo(new[] { "alive" }));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void IntegrityAndBenchReport()
    {
        QemuMachine machine = Boot();
        List<string> integrity = RunCommand(machine, "integrity");
        Assert.That(integrity[0], Does.Match(@"^kernel image sha256 [0-9a-f]{64} \(\d+ KiB, \d+ ms\): matches the boot reference$"));
        Assert.That(integrity[1], Does.Match(@"^patch set   sha256 [0-9a-f]{64} \(version 0, active patches: none\)$"));
        List<string> bench = RunCommand(machine, "evolve bench");
        Assert.That(bench, Has.Count.EqualTo(1), string.Join("\n", bench));
        using JsonDocument doc = JsonDocument.Parse(bench[0]);
        foreach (string key in new[] { "verifier_bodies_per_s", "interpreter_ns_per_call", "hook_patched_ns_per_call", "hook_default_ns_per_call", "compiled_csharp_ns_per_call", "fault_to_restore_ns_mean" })
        {
            Assert.That(doc.RootElement.GetProperty(key).GetInt64(), Is.GreaterThanOrEqualTo(0), key);
        }

        TestContext.Out.WriteLine("measured " + bench[0]);
        TestContext.Out.WriteLine("measured " + integrity[0]);
    }

    [TestCase("evolve apply nothing", "evolve apply: no sample 'nothing'")]
    [TestCase("evolve rollback x", "evolve rollback: 'x' is not a patch id")]
    [TestCase("evolve rollback 77", "evolve rollback: no applied patch 77")]
    [TestCase("evolve policy lax", "evolve policy: unknown level 'lax'")]
    [TestCase("evolve restore 9", "evolve restore: no version 9")]
    [TestCase("evolve exercise 0", "the count must be a number from 1 to 1000000")]
    [TestCase("evolve frobnicate", "usage: evolve")]
    [TestCase("audit show 999", "audit show: no record '999'")]
    [TestCase("audit tamper x", "audit tamper: no record 'x'")]
    [TestCase("audit bogus", "usage: audit")]
    [TestCase("integrity now", "usage: integrity")]
    [CancelAfter(TestBudget)]
    public void BadEvolveCommandsGiveOneClearError(string line, string error) =>
        AssertOneClearError(line, error);

    private static string PatchSetHash(QemuMachine machine)
        => Regex.Match(RunCommand(machine, "integrity")[1], @"sha256 ([0-9a-f]{64})").Groups[1].Value;
}

using NexOS.Core.Policy;
using NexOS.Security.Patches;
using NexOS.Security.Policy;
using NexOS.Tests.Security.Patches;

namespace NexOS.Tests.Security.Policy;

[TestFixture]
public sealed class PolicyCheckerTests
{
    private ParameterSet _scheduler = null!;
    private PatchTargets _targets = null!;
    private PatchKeyRing _keys = null!;

    [SetUp]
    public void SetUp()
    {
        _scheduler = new ParameterSet();
        _scheduler.Add(new Parameter("timeslice_ns", "ns", 1_000_000, 11_000_000, 4_000_000, "time slice"));
        _scheduler.Add(new Parameter("boost_levels", "levels", -10, 10, 0, "priority boost"));
        _scheduler.Add(new Parameter("watchdog_ns", "ns", 0, 1_000_000_000, 500_000_000, "hang detector"));
        _scheduler.Add(new Parameter("wide", "units", long.MinValue, long.MaxValue, 0, "full range"));
        _targets = new PatchTargets();
        Assert.That(_targets.AddParameterSet("scheduler", _scheduler, SafetyClass.Tuning), Is.Null);
        Assert.That(_targets.SetParameterClass("scheduler", "boost_levels", SafetyClass.Policy), Is.Null);
        Assert.That(_targets.SetParameterClass("scheduler", "watchdog_ns", SafetyClass.Critical), Is.Null);
        Assert.That(_targets.AddHook("scheduler.pick_timeslice", SafetyClass.Tuning), Is.Null);
        Assert.That(_targets.AddHook("memory.evict", SafetyClass.Policy), Is.Null);
        Assert.That(_targets.AddHook("scheduler.pick_timeslice", SafetyClass.Critical), Is.Not.Null);
        _keys = new PatchKeyRing();
        _keys.TryAdd(SamplePatches.Key);
    }

    // By default the patch arrives on the channel it claims to come from.
    private PolicyDecision Check(Patch patch, SecurityPolicy policy, int recent = 0, ulong highestId = 0)
        => PolicyChecker.Check(patch, policy, new PolicyContext(patch.Provenance.Origin, _targets, _keys, recent, highestId));

    // Goes through the writer and reader, as a real submission would, so hash and signature are real.
    private static Patch Submit(Patch patch, PatchSigningKey? key = null)
    {
        Assert.That(PatchReader.TryParse(SamplePatches.Encode(patch, key), out Patch? parsed, out PatchError error), Is.True, error.Message);
        return parsed!;
    }

    private static Patch Change(string name, long value, PatchOrigin origin = PatchOrigin.Engine)
        => Patch.ForParameters("scheduler", new[] { new ParameterChange(name, value) }, SamplePatches.Provenance(origin));

    [Test]
    public void SmallTuningStepIsAllowedAtEveryLevel()
    {
        // 4 ms -> 4.4 ms is 400000 ns, 4% of the 10 ms range: within Paranoid's 5%.
        Patch patch = Submit(Change("timeslice_ns", 4_400_000));
        foreach (SecurityPolicy policy in new[] { SecurityPolicies.Permissive, SecurityPolicies.Standard, SecurityPolicies.Strict, SecurityPolicies.Paranoid })
        {
            PolicyDecision decision = Check(patch, policy);
            Assert.That(decision.IsAllowed, Is.True, decision.Message);
            Assert.That(decision.Message, Is.EqualTo("allowed"));
        }
    }

    [Test]
    public void StepLimitIsAFractionOfTheRange()
    {
        Patch patch = Submit(Change("timeslice_ns", 5_000_000));
        Assert.That(Check(patch, SecurityPolicies.Strict).IsAllowed, Is.True, "10% of range");
        PolicyDecision decision = Check(patch, SecurityPolicies.Paranoid);
        Assert.That(decision.Rule, Is.EqualTo(PolicyRule.StepTooLarge));
        Assert.That(decision.Message, Is.EqualTo("Paranoid: timeslice_ns may move by at most 500000 ns (500 bp of its range) per patch; 4000000 -> 5000000 moves 1000000"));
        Assert.That(Check(Submit(Change("timeslice_ns", 5_000_001)), SecurityPolicies.Strict).Rule, Is.EqualTo(PolicyRule.StepTooLarge));
        Assert.That(Check(Submit(Change("timeslice_ns", 11_000_000)), SecurityPolicies.Permissive).IsAllowed, Is.True);
        Assert.That(Check(Submit(Change("wide", long.MaxValue)), SecurityPolicies.Permissive).IsAllowed, Is.True);
        Assert.That(Check(Submit(Change("wide", long.MinValue)), SecurityPolicies.Standard).Rule, Is.EqualTo(PolicyRule.StepTooLarge));
    }

    [Test]
    public void ValuesOutsideTheParameterRangeAreRefused()
    {
        PolicyDecision decision = Check(Submit(Change("timeslice_ns", 12_000_000)), SecurityPolicies.Permissive);
        Assert.That(decision.Rule, Is.EqualTo(PolicyRule.OutOfRange));
        Assert.That(decision.Message, Does.Contain("outside [1000000, 11000000] ns"));
    }

    [Test]
    public void ParameterClassesFollowTheLevel()
    {
        Patch policyClass = Submit(Change("boost_levels", 1));
        Patch critical = Submit(Change("watchdog_ns", 500_000_001));
        Assert.That(Check(policyClass, SecurityPolicies.Standard).IsAllowed, Is.True);
        Assert.That(Check(policyClass, SecurityPolicies.Strict).Rule, Is.EqualTo(PolicyRule.SafetyClass));
        Assert.That(Check(critical, SecurityPolicies.Permissive).IsAllowed, Is.True);
        PolicyDecision decision = Check(critical, SecurityPolicies.Standard);
        Assert.That(decision.Rule, Is.EqualTo(PolicyRule.SafetyClass));
        Assert.That(decision.Message, Is.EqualTo("Standard: parameter 'watchdog_ns' is Critical; changeable parameter classes are Tuning, Policy"));
    }

    [Test]
    public void UnknownTargetsAreRefused()
    {
        Assert.That(Check(Submit(Change("no_such", 1)), SecurityPolicies.Permissive).Rule, Is.EqualTo(PolicyRule.UnknownTarget));
        Patch otherSet = Patch.ForParameters("network", new[] { new ParameterChange("x", 1) }, SamplePatches.Provenance());
        Assert.That(Check(Submit(otherSet), SecurityPolicies.Permissive).Rule, Is.EqualTo(PolicyRule.UnknownTarget));
        Patch otherHook = Patch.ForCil("fs.readahead", SamplePatches.Cil().Cil!, SamplePatches.Provenance());
        Assert.That(Check(Submit(otherHook), SecurityPolicies.Permissive).Rule, Is.EqualTo(PolicyRule.UnknownTarget));
    }

    [Test]
    public void CilRulesAndLimitsArePassedOn()
    {
        Patch cil = Submit(SamplePatches.Cil());
        PolicyDecision strict = Check(cil, SecurityPolicies.Strict);
        Assert.That(strict.IsAllowed, Is.True, strict.Message);
        Assert.That((strict.CilLoopsAllowed, strict.CilMaxFuel, strict.CilMaxCodeBytes), Is.EqualTo((false, 2000, 256)));
        PolicyDecision standard = Check(cil, SecurityPolicies.Standard);
        Assert.That((standard.CilLoopsAllowed, standard.CilMaxFuel, standard.CilMaxCodeBytes), Is.EqualTo((true, 20000, 1024)));
        Assert.That(Check(cil, SecurityPolicies.Paranoid).Rule, Is.EqualTo(PolicyRule.CilNotAllowed));

        Patch evict = Submit(Patch.ForCil("memory.evict", SamplePatches.Cil().Cil!, SamplePatches.Provenance()));
        Assert.That(Check(evict, SecurityPolicies.Standard).IsAllowed, Is.True);
        Assert.That(Check(evict, SecurityPolicies.Strict).Rule, Is.EqualTo(PolicyRule.SafetyClass));

        var big = new CilBody(new byte[300], 1, new CilLocalType[0], new CilToken[0], new long[0]);
        Patch large = Submit(Patch.ForCil("scheduler.pick_timeslice", big, SamplePatches.Provenance()));
        Assert.That(Check(large, SecurityPolicies.Standard).IsAllowed, Is.True);
        PolicyDecision tooBig = Check(large, SecurityPolicies.Strict);
        Assert.That((tooBig.Rule, tooBig.Message), Is.EqualTo((PolicyRule.CodeSize, "Strict: code of 300 bytes exceeds the limit of 256")));
        Assert.That(tooBig.CilMaxFuel, Is.Zero);
    }

    [Test]
    public void SubmittersFollowTheLevel()
    {
        Patch unsigned = Submit(Change("timeslice_ns", 4_100_000, PatchOrigin.External));
        Patch signed = Submit(Change("timeslice_ns", 4_100_000, PatchOrigin.External), SamplePatches.Key);
        Patch forged = Submit(Change("timeslice_ns", 4_100_000, PatchOrigin.External), new PatchSigningKey(7, new byte[] { 9 }));

        Assert.That(Check(unsigned, SecurityPolicies.Permissive).IsAllowed, Is.True);
        Assert.That(Check(unsigned, SecurityPolicies.Standard).Rule, Is.EqualTo(PolicyRule.Signature));
        Assert.That(Check(signed, SecurityPolicies.Standard).IsAllowed, Is.True);
        Assert.That(Check(signed, SecurityPolicies.Strict).IsAllowed, Is.True);
        Assert.That(Check(forged, SecurityPolicies.Permissive).Rule, Is.EqualTo(PolicyRule.Signature));
        Assert.That(Check(forged, SecurityPolicies.Standard).Rule, Is.EqualTo(PolicyRule.Signature));
        Assert.That(Check(signed, SecurityPolicies.Paranoid).Rule, Is.EqualTo(PolicyRule.Submitter));
        Assert.That(PolicyChecker.Check(signed, SecurityPolicies.Standard, new PolicyContext(PatchOrigin.External, _targets, null, 0, 0)).Rule, Is.EqualTo(PolicyRule.Signature));
    }

    [Test]
    public void ThePatchCannotClaimToComeFromTheEngine()
    {
        Patch spoofed = Submit(Change("timeslice_ns", 4_100_000, PatchOrigin.Engine));
        var fromOutside = new PolicyContext(PatchOrigin.External, _targets, _keys, 0, 0);
        PolicyDecision decision = PolicyChecker.Check(spoofed, SecurityPolicies.Permissive, fromOutside);
        Assert.That((decision.Rule, decision.Message), Is.EqualTo((PolicyRule.Submitter, "Permissive: the patch claims to come from the engine but arrived from outside")));

        // The engine's own channel may carry a patch describing an external maker (a person's
        // patch the engine adopted); it is then judged as the engine's.
        Patch adopted = Submit(Change("timeslice_ns", 4_100_000, PatchOrigin.External));
        var fromEngine = new PolicyContext(PatchOrigin.Engine, _targets, _keys, 0, 0);
        Assert.That(PolicyChecker.Check(adopted, SecurityPolicies.Paranoid, fromEngine).IsAllowed, Is.True);
    }

    [Test]
    public void ReplaysAndBurstsAreRefused()
    {
        Patch patch = Submit(Change("timeslice_ns", 4_100_000));
        Assert.That(Check(patch, SecurityPolicies.Standard, highestId: 41).IsAllowed, Is.True);
        Assert.That(Check(patch, SecurityPolicies.Standard, highestId: 42).Rule, Is.EqualTo(PolicyRule.PatchId));
        Assert.That(Check(patch, SecurityPolicies.Standard, recent: 9).IsAllowed, Is.True);
        PolicyDecision burst = Check(patch, SecurityPolicies.Standard, recent: 10);
        Assert.That((burst.Rule, burst.Message), Is.EqualTo((PolicyRule.RateLimit, "Standard: at most 10 patches per minute; 10 already accepted")));
    }

    [Test]
    public void RateLimiterCountsASlidingMinute()
    {
        var limiter = new PatchRateLimiter();
        const ulong second = 1_000_000_000;
        limiter.Record(0);
        limiter.Record(30 * second);
        limiter.Record(59 * second);
        Assert.That(limiter.CountInWindow(59 * second), Is.EqualTo(3));
        Assert.That(limiter.CountInWindow(60 * second), Is.EqualTo(2));
        Assert.That(limiter.CountInWindow(119 * second), Is.Zero);
        for (int i = 0; i < 100; i++)
        {
            limiter.Record(200 * second);
        }

        Assert.That(limiter.CountInWindow(200 * second), Is.EqualTo(PatchRateLimiter.Capacity));
    }

    [Test]
    public void AllowedChecksDoNotAllocate()
    {
        Patch patch = Submit(Change("timeslice_ns", 4_100_000));
        var context = new PolicyContext(PatchOrigin.Engine, _targets, _keys, 0, 0);
        PolicyChecker.Check(patch, SecurityPolicies.Standard, context);
        int allowed = 0;
        long allocated = AllocationMeter.Measure(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                allowed += PolicyChecker.Check(patch, SecurityPolicies.Standard, context).IsAllowed ? 1 : 0;
            }
        });
        Assert.That(allocated, Is.Zero);
        Assert.That(allowed, Is.EqualTo(100));
    }
}

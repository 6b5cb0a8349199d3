using NexOS.Security.Cil;
using NexOS.Security.Evaluation;
using NexOS.Security.Patching;
using NexOS.Security.Patches;

namespace NexOS.Tests.Security.Patching;

[TestFixture]
public sealed class PolicyHookTests
{
    private static CompiledHook Compile(PolicyHook hook, string sample, bool loops = true)
    {
        Assert.That(PatchReader.TryParse(SamplePatchCatalog.Build(sample, 1), out Patch? patch, out PatchError error), Is.True, error.Message);
        CompiledHook? code = PatchManager.VerifyBody(hook, patch!.Cil!, loops, 1024, out string message);
        Assert.That(code, Is.Not.Null, message);
        return code!;
    }

    private static long[] SliceContext(long slice = 4_000_000, long runnable = 3)
    {
        var c = new long[HookCatalog.TimeSliceFields];
        c[0] = slice;
        c[9] = runnable;
        return c;
    }

    [Test]
    public void WithoutAPatchTheDefaultAnswersClampedToTheRange()
    {
        PolicyHook hook = HookCatalog.CreateTimeSlice();
        Assert.That(hook.Invoke(SliceContext(4_000_000)), Is.EqualTo(4_000_000));
        Assert.That(hook.Invoke(SliceContext(5)), Is.EqualTo(1000), "below the range");
        Assert.That(hook.Invoke(SliceContext(long.MaxValue)), Is.EqualTo(1_000_000_000), "above the range");
        Assert.That(hook.Calls, Is.EqualTo(3UL));
        Assert.That(hook.PatchedCalls, Is.Zero);
    }

    [Test]
    public void APromotedPatchServesEveryCall()
    {
        PolicyHook hook = HookCatalog.CreateTimeSlice();
        hook.Swap(new InstalledPatch(Compile(hook, "slice-short"), 7, 1000, null, null, 10_000, 0));
        Assert.That(hook.Invoke(SliceContext(4_000_000)), Is.EqualTo(3_000_000));
        Assert.That(hook.Invoke(SliceContext(1000)), Is.EqualTo(1000), "Math.Max keeps it in range");
        Assert.That(hook.PatchedCalls, Is.EqualTo(2UL));
    }

    [TestCase(2000)]
    [TestCase(5000)]
    [TestCase(500)]
    public void ACanaryServesExactlyItsShareAndBothArmsAreJudgedOnEveryCall(int shareBp)
    {
        PolicyHook hook = HookCatalog.CreateTimeSlice();
        var evaluator = new CanaryEvaluator(MetricDirection.LowerIsBetter, 9500, 100, 5000);
        hook.Swap(new InstalledPatch(Compile(hook, "slice-short"), 7, 1000, null, evaluator, shareBp, 0));
        int patched = 0;
        for (int i = 0; i < 10_000; i++)
        {
            patched += hook.Invoke(SliceContext(4_000_000)) == 3_000_000 ? 1 : 0;
        }

        Assert.That(patched, Is.EqualTo(shareBp));
        Assert.That(hook.PatchedCalls, Is.EqualTo((ulong)shareBp), "the unserved runs are not counted as served");
        Assert.That(evaluator.Canary.Count, Is.EqualTo(10_000));
        Assert.That(evaluator.Baseline.Count, Is.EqualTo(10_000));
        Assert.That(evaluator.Canary.Mean, Is.EqualTo(3000.0 * 3).Within(1e-9), "slice in us x runnable");
        Assert.That(evaluator.Baseline.Mean, Is.EqualTo(4000.0 * 3).Within(1e-9), "the default's answer for the same calls");
    }

    [Test]
    public void AnOutlierContextCannotMakeAWorsePatchLookBetter()
    {
        // The harmful sample quadruples the slice. Unpaired, a single burst of runnable
        // threads that happened to land on a baseline call (the first, here) could outweigh it; paired,
        // both arms see the burst.
        PolicyHook hook = HookCatalog.CreateTimeSlice();
        var evaluator = new CanaryEvaluator(MetricDirection.LowerIsBetter, 9000, 30, 2000);
        hook.Swap(new InstalledPatch(Compile(hook, "harmful"), 7, 1000, null, evaluator, 5000, 0));
        for (int i = 0; i < 600; i++)
        {
            long[] c = SliceContext(i % 2 == 0 ? 2_000_000 : 9_000_000);
            c[9] = i == 0 ? 5000 : (i % 7) + 1;
            hook.Invoke(c);
            Assert.That(evaluator.Decide(), Is.Not.EqualTo(CanaryVerdict.Keep), $"call {i}");
        }

        Assert.That(evaluator.Canary.Mean, Is.GreaterThan(evaluator.Baseline.Mean * 3.9), "the same calls, four times the slice");
    }

    [TestCase("div-zero", CilExecStatus.DivideByZero)]
    [TestCase("loop", CilExecStatus.OutOfFuel)]
    public void TheWatchdogRemovesAFaultingPatchAndRestoresThePreviousOne(string sample, CilExecStatus status)
    {
        PolicyHook hook = sample == "loop" ? HookCatalog.CreateTimeSlice() : HookCatalog.CreatePriority();
        ulong clock = 100;
        hook.Clock = () => clock += 10;
        var good = new InstalledPatch(Compile(hook, sample == "loop" ? "slice-short" : "priority-floor"), 1, 1000, null, null, 10_000, 0);
        var bad = new InstalledPatch(Compile(hook, sample), 2, hook.FuelBudget, good, null, 10_000, 0);
        hook.Swap(bad);
        long[] c = sample == "loop" ? SliceContext() : new long[] { 10, 12, 0, 0, 0, 0 };
        long answer = hook.Invoke(c);
        Assert.That(hook.Active, Is.SameAs(good), "the previous version is back");
        Assert.That(answer, Is.EqualTo(sample == "loop" ? 3_000_000 : 12), "the restored version answered the call");
        Assert.That(hook.FaultCount, Is.EqualTo(1));
        HookFault fault = hook.LastFault;
        Assert.That(fault.Status, Is.EqualTo(status));
        Assert.That(fault.PatchId, Is.EqualTo(2UL));
        Assert.That(fault.RestoredPatchId, Is.EqualTo(1UL));
        Assert.That(fault.FaultToRestoreNs, Is.EqualTo(10UL));
        if (sample == "loop")
        {
            Assert.That(fault.FuelUsed, Is.EqualTo(hook.FuelBudget), "stopped exactly at its budget");
        }
    }

    [Test]
    public void AResultOutsideTheRangeBreaksTheInvariantAndTheDefaultReturns()
    {
        PolicyHook hook = HookCatalog.CreateTimeSlice();
        hook.Swap(new InstalledPatch(Compile(hook, "out-of-range"), 3, 1000, null, null, 10_000, 0));
        Assert.That(hook.Invoke(SliceContext(4_000_000)), Is.EqualTo(4_000_000));
        Assert.That(hook.Active, Is.Null);
        Assert.That(hook.LastFault.Kind, Is.EqualTo(HookFaultKind.Invariant));
        Assert.That(hook.LastFault.Result, Is.Zero);
        Assert.That(hook.LastFault.Describe(hook.MinResult, hook.MaxResult), Does.StartWith("watchdog: result 0 outside [1000, 1000000000]; restored the default"));
    }

    [Test]
    public void AFaultingPatchUnderAFaultingPatchIsRemovedToo()
    {
        PolicyHook hook = HookCatalog.CreateTimeSlice();
        var loop = new InstalledPatch(Compile(hook, "loop"), 1, 1000, null, null, 10_000, 0);
        var zero = new InstalledPatch(Compile(hook, "out-of-range"), 2, 1000, loop, null, 10_000, 0);
        hook.Swap(zero);
        Assert.That(hook.Invoke(SliceContext(4_000_000)), Is.EqualTo(4_000_000));
        Assert.That(hook.Active, Is.Null);
        Assert.That(hook.FaultCount, Is.EqualTo(2));
        Assert.That(hook.FaultAt(1).PatchId, Is.EqualTo(2UL));
        Assert.That(hook.FaultAt(2).PatchId, Is.EqualTo(1UL));
    }

    [Test]
    public void ATooShortContextIsAFaultNotACrash()
    {
        PolicyHook hook = HookCatalog.CreateTimeSlice();
        hook.Swap(new InstalledPatch(Compile(hook, "slice-short"), 3, 1000, null, null, 10_000, 0));
        Assert.That(hook.Invoke(new long[] { 4_000_000 }), Is.EqualTo(4_000_000));
        Assert.That(hook.LastFault.Status, Is.EqualTo(CilExecStatus.InvalidInput));
    }

    [Test]
    public void CallsDoNotAllocateOnAnyPath()
    {
        PolicyHook hook = HookCatalog.CreateTimeSlice();
        hook.Clock = () => 5;
        CompiledHook good = Compile(hook, "slice-short");
        CompiledHook bad = Compile(hook, "loop");
        var evaluator = new CanaryEvaluator(MetricDirection.LowerIsBetter, 9500, 100, 5000);
        var canary = new InstalledPatch(good, 1, 1000, null, evaluator, 5000, 0);
        var faulty = new InstalledPatch(bad, 2, 1000, null, null, 10_000, 0);
        long[] c = SliceContext();
        hook.Invoke(c);
        long allocated = AllocationMeter.Measure(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                hook.Invoke(c);
                hook.Swap(canary);
                hook.Invoke(c);
                hook.Invoke(c);
                hook.Swap(faulty);
                hook.Invoke(c);
            }
        });
        Assert.That(allocated, Is.Zero);
    }
}

using NexOS.Ai.Learning;
using NexOS.Ai.Models;
using NexOS.Security.Cil;
using NexOS.Security.Patching;
using NexOS.Security.Policy;

namespace NexOS.Tests.Ai.Scheduling;

/// <summary>The code model: programs assemble into bodies the verifier accepts, the search is
/// deterministic for a seed, and what it proposes runs as written.</summary>
public sealed class CodeModelTests
{
    [Test]
    public void EveryRandomMutatedAndRecombinedProgramAssemblesToAVerifiedBody()
    {
        var random = new SplitMix(11);
        PolicyProgram previous = CodeModel.RandomProgram(ref random);
        for (int i = 0; i < 2000; i++)
        {
            PolicyProgram p = (i % 3) switch
            {
                0 => CodeModel.RandomProgram(ref random),
                1 => CodeModel.Mutate(previous, ref random),
                _ => CodeModel.Recombine(previous, CodeModel.RandomProgram(ref random)),
            };
            PolicyHook hook = HookCatalog.Create(p.Hook)!;
            CompiledHook? code = PatchManager.VerifyBody(hook, p.Assemble(), loopsAllowed: false, maxCodeBytes: 256, out string error);
            Assert.That(code, Is.Not.Null, $"{p}: {error}");
            previous = p;
        }
    }

    [Test]
    public void ABodyTheVerifierRefusesIsNeverACandidate()
    {
        // A time-slice action on the int32 priority hook returns an int64: the verifier refuses it.
        var wrong = new PolicyProgram(HookCatalog.PriorityName, 4, true, 50, -1, ProgramAction.Scale, 1, 2, ProgramAction.Keep, 0, 1);
        var kernel = new SimulatedKernel(SchedulerKit.DemoWorkload());
        var context = new ShadowContext(new SchedulerShadow(), SchedulerKit.DemoWorkload(), kernel.Manager);
        Assert.That(context.Code("code.priority", wrong, out string error), Is.Null);
        Assert.That(error, Does.Contain("[").And.Contain("]"), error);
    }

    [Test]
    public void TheSearchIsDeterministicAndProposesOnlyVerifiedBodies()
    {
        string[] first = Search(42, out CodeModel a);
        string[] second = Search(42, out _);
        Assert.That(second, Is.EqualTo(first));
        Assert.That(first, Is.Not.Empty);
        Assert.That(a.LastRefused, Is.Zero);
        Assert.That(a.LastSimulated, Is.GreaterThan(a.Population));
        foreach (SchedulerCandidate c in a.Candidates)
        {
            PolicyHook hook = HookCatalog.Create(c.Target)!;
            Assert.That(PatchManager.VerifyBody(hook, c.Body!, false, 256, out string error), Is.Not.Null, error);
        }

        // On the demo's mix (plain round robin) the best program shortens CPU-bound slices.
        SchedulerCandidate best = a.Candidates[0];
        Assert.That(best.Target, Is.EqualTo(HookCatalog.TimeSliceName));
        Assert.That(best.GainPercent, Is.GreaterThan(50));
        Assert.That(best.CostPercent, Is.LessThan(5));
    }

    [Test]
    public void AProgramComputesWhatItSays()
    {
        var p = new PolicyProgram(HookCatalog.TimeSliceName, 3, false, 50, -1, ProgramAction.Scale, 1, 4, ProgramAction.Keep, 0, 1);
        PolicyHook hook = HookCatalog.CreateTimeSlice();
        CompiledHook code = PatchManager.VerifyBody(hook, p.Assemble(), false, 256, out _)!;
        hook.Swap(new InstalledPatch(code, 1, hook.FuelBudget, null, null, 10_000, 0));
        var c = new long[HookCatalog.TimeSliceFields];
        c[0] = 10_000_000;
        c[3] = 10;
        Assert.That(hook.Invoke(c), Is.EqualTo(2_500_000), "CPU-bound (score 10): a quarter");
        c[3] = 90;
        Assert.That(hook.Invoke(c), Is.EqualTo(10_000_000), "interactive (score 90): kept");
        var raise = new PolicyProgram(HookCatalog.PriorityName, 3, false, 1_000_000, 1, ProgramAction.Raise, 20, 1, ProgramAction.Keep, 0, 1);
        PolicyHook priority = HookCatalog.CreatePriority();
        priority.Swap(new InstalledPatch(PatchManager.VerifyBody(priority, raise.Assemble(), false, 256, out _)!, 2, 200, null, null, 10_000, 0));
        Assert.That(priority.Invoke(new long[] { 20, 16, 1, 500_000, 100, 0 }), Is.EqualTo(31), "blocked after a short burst: raised, clamped to 31");
        Assert.That(priority.Invoke(new long[] { 20, 16, 0, 500_000, 100, 0 }), Is.EqualTo(20), "slice expiry: kept");
        Assert.That(priority.Invoke(new long[] { 20, 16, 1, 5_000_000, 100, 0 }), Is.EqualTo(20), "long burst: kept");
    }

    private static string[] Search(ulong seed, out CodeModel model)
    {
        var kernel = new SimulatedKernel(SchedulerKit.DemoWorkload(), SecurityLevel.Standard);
        kernel.PlainRoundRobin();
        model = new CodeModel(new SchedulerShadow(), seed);
        model.Evaluate(new ShadowContext(model.Shadow, SchedulerKit.DemoWorkload(), kernel.Manager), 0);
        var texts = new List<string>();
        foreach (SchedulerCandidate c in model.Candidates)
        {
            texts.Add($"{c.Why} {c.GainPercent:F3} {c.CostPercent:F3}");
        }

        return texts.ToArray();
    }
}

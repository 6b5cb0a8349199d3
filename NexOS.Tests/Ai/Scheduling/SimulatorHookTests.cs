using System.Linq;
using NexOS.Ai.Models;
using NexOS.Core.Scheduling;
using NexOS.Security.Cil;
using NexOS.Security.Patching;
using NexOS.Security.Patches;

namespace NexOS.Tests.Ai.Scheduling;

/// <summary>The simulator calls the scheduler hooks where the kernel does and runs patches in the interpreter.</summary>
public sealed class SimulatorHookTests
{
    [Test]
    public void HooksWithoutPatchesLeaveTheScheduleExactlyAsItWas()
    {
        SimThread[] plain = Run(null, 0);
        var slice = HookCatalog.CreateTimeSlice();
        var priority = HookCatalog.CreatePriority();
        SimThread[] hooked = Run(new PolicyHookSchedulerHooks(slice, priority), 0);
        for (int i = 0; i < plain.Length; i++)
        {
            Assert.That(hooked[i].ToString(), Is.EqualTo(plain[i].ToString()));
        }

        Assert.That(slice.Calls + priority.Calls, Is.Zero, "no patch: the call sites pass the policy's answer through without invoking");
    }

    [Test]
    public void ASlicePatchRunsInTheInterpreterAtEverySwitchAndShortensTheIoWait()
    {
        var shadow = new SchedulerShadow();
        SchedulerWorkload w = SchedulerKit.DemoWorkload();
        var program = new PolicyProgram(HookCatalog.TimeSliceName, 3, false, 50, -1, ProgramAction.Scale, 1, 4, ProgramAction.Keep, 0, 1);
        PolicyHook hook = HookCatalog.CreateTimeSlice();
        CompiledHook code = PatchManager.VerifyBody(hook, program.Assemble(), true, 1024, out string error)!;
        Assert.That(code, Is.Not.Null, error);
        ShadowResult baseline = shadow.Run(w, SchedulerKit.PlainRoundRobin(), ReadOnlySpan<ParameterChange>.Empty, null, null);
        ShadowResult patched = shadow.Run(w, SchedulerKit.PlainRoundRobin(), ReadOnlySpan<ParameterChange>.Empty, code, null);
        Assert.That(patched.IoWaitNs, Is.LessThan(baseline.IoWaitNs * 0.5), "a quarter slice for CPU-bound threads");
        Assert.That(patched.Switches, Is.GreaterThan(baseline.Switches));

        // The same body through a hook the test holds: every call ran the patch.
        hook.Swap(new InstalledPatch(code, 1, hook.FuelBudget, null, null, 10_000, 0));
        var sim = new SchedulerSimulator(SchedulerShadow.CreatePolicy(SchedulerKit.PlainRoundRobin(), ReadOnlySpan<ParameterChange>.Empty))
        {
            Hooks = new PolicyHookSchedulerHooks(hook, null),
        };
        w.AddTo(sim);
        sim.Run(500_000_000);
        Assert.That(hook.Calls, Is.GreaterThan(0));
        Assert.That(hook.PatchedCalls, Is.EqualTo(hook.Calls));
        Assert.That(hook.FaultCount, Is.Zero);
    }

    [Test]
    public void APriorityPatchThatDemotesBlockersStarvesIoThreadsInTheShadow()
    {
        var shadow = new SchedulerShadow();
        SchedulerWorkload w = SchedulerKit.DemoWorkload();
        var demote = new PolicyProgram(HookCatalog.PriorityName, 4, true, 0, 1, ProgramAction.Lower, 4, 1, ProgramAction.Keep, 0, 1);
        CompiledHook code = PatchManager.VerifyBody(HookCatalog.CreatePriority(), demote.Assemble(), true, 1024, out string error)!;
        Assert.That(code, Is.Not.Null, error);
        ShadowResult adaptive = shadow.Run(w, null, ReadOnlySpan<ParameterChange>.Empty, null, null);
        ShadowResult demoted = shadow.Run(w, null, ReadOnlySpan<ParameterChange>.Empty, null, code);
        Assert.That(demoted.IoWaitNs, Is.GreaterThan(adaptive.IoWaitNs * 10), $"adaptive {adaptive.IoWaitNs} ns, demoted {demoted.IoWaitNs} ns");
    }

    [Test]
    public void SwitchCostChargesShortSlicesInUsefulWorkOnly()
    {
        SchedulerWorkload w = SchedulerKit.DemoWorkload();
        var free = new SchedulerShadow { SwitchCostNs = 0 };
        var costly = new SchedulerShadow { SwitchCostNs = 100_000 };
        var shortSlice = new[] { new ParameterChange("slice_ns", 1_000_000) };
        ShadowResult freeShort = free.Run(w, SchedulerKit.PlainRoundRobin(), shortSlice, null, null);
        ShadowResult freeLong = free.Run(w, SchedulerKit.PlainRoundRobin(), ReadOnlySpan<ParameterChange>.Empty, null, null);
        ShadowResult costlyShort = costly.Run(w, SchedulerKit.PlainRoundRobin(), shortSlice, null, null);
        ShadowResult costlyLong = costly.Run(w, SchedulerKit.PlainRoundRobin(), ReadOnlySpan<ParameterChange>.Empty, null, null);
        Assert.That(freeShort.CostOver(freeLong), Is.LessThan(2), "without a switch cost only the I/O threads' extra turns cost");
        Assert.That(costlyShort.CostOver(costlyLong), Is.GreaterThan(5), "100 us per switch at 1 ms slices");
    }

    [Test]
    public void ShadowRunsAreDeterministic()
    {
        var shadow = new SchedulerShadow();
        ShadowResult a = shadow.Run(SchedulerKit.DemoWorkload(), SchedulerKit.PlainRoundRobin(), ReadOnlySpan<ParameterChange>.Empty, null, null);
        ShadowResult b = shadow.Run(SchedulerKit.DemoWorkload(), SchedulerKit.PlainRoundRobin(), ReadOnlySpan<ParameterChange>.Empty, null, null);
        Assert.That(b, Is.EqualTo(a));
    }

    private static SimThread[] Run(ISchedulerHooks? hooks, ulong switchCost)
    {
        var sim = new SchedulerSimulator(new AdaptivePolicy()) { Hooks = hooks, SwitchCostNs = switchCost };
        SchedulerKit.DemoWorkload().AddTo(sim);
        sim.Run(1_000_000_000);
        return sim.Threads.ToArray();
    }
}

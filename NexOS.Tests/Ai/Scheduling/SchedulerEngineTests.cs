using NexOS.Ai.Engine;
using NexOS.Ai.Models;
using NexOS.Security.Patching;
using NexOS.Security.Patches;

namespace NexOS.Tests.Ai.Scheduling;

/// <summary>
/// The engine with the scheduler models over a simulated kernel: the best proposal goes
/// through the patch manager and is kept only when the measured I/O wait did not get worse;
/// a change the measurement says is worse is rolled back, whoever claimed it would help.
/// </summary>
public sealed class SchedulerEngineTests
{
    private const string Metric = SchedulerShadowModel.Metric;

    [Test]
    public void TheEnginesBestProposalCutsTheIoWaitAndIsKept()
    {
        var k = new SimulatedKernel(SchedulerKit.DemoWorkload());
        Assert.That(k.PlainRoundRobin().Accepted, Is.True);
        k.Tick(20);
        double before = k.Mean(Metric);
        double cpuBefore = k.Mean("sched.run_ns.cpu.rate");
        Proposal best = Best(k);
        string verdict = k.Engine.Submit(best, k.NowNs);
        k.Follow(best);
        Assert.That(best.State, Is.EqualTo(ProposalState.Kept), verdict + " / " + best.Verdict);
        k.Tick(20);
        double after = k.Mean(Metric);
        double cpuAfter = k.Mean("sched.run_ns.cpu.rate");
        Assert.That(after, Is.LessThanOrEqualTo(0.7 * before), $"io wait {before} -> {after} ns by {best.Why}");
        Assert.That((cpuAfter - cpuBefore) / cpuBefore, Is.GreaterThanOrEqualTo(-0.05), "CPU-bound CPU time per second");
    }

    [Test]
    public void AChangeTheMeasurementSaysIsWorseIsRolledBackWhateverItClaimed()
    {
        // Under plain round robin a four times longer slice is a lie dressed as a 50% gain:
        // the engine measures, rolls it back, and the value returns.
        var k = new SimulatedKernel(SchedulerKit.DemoWorkload());
        Assert.That(k.PlainRoundRobin().Accepted, Is.True);
        k.Tick(20);
        var off = new SchedulerCandidate
        {
            Family = "test.slice.longer", Target = "sched.normal", Why = "slice x4",
            Changes = new[] { new ParameterChange("slice_ns", 40_000_000) },
        };
        var p = new Proposal("scheduler", off.Family, off.Target, off.Kind, Metric, true, 50, off.Why, id => off.Encode(id, k.NowNs, "test", 50))
        {
            SimulatedGainPercent = 50,
        };
        Assert.That(k.Engine.Submit(p, k.NowNs), Does.StartWith("applied"));
        Assert.That(k.Policy.Parameters.Find("slice_ns")!.Value, Is.EqualTo(40_000_000));
        k.Follow(p);
        Assert.That(p.State, Is.EqualTo(ProposalState.RolledBack));
        Assert.That(p.MetricAfter, Is.GreaterThan(p.MetricBefore));
        Assert.That(k.Policy.Parameters.Find("slice_ns")!.Value, Is.EqualTo(10_000_000));
        Assert.That(k.Manager.Current.IsActive(p.PatchId), Is.False);
        Assert.That(k.SchedulerModel.CalibrationOf(off.Family), Is.LessThan(1), "the model learned its estimate was wrong");
    }

    [Test]
    public void TheHarmfulSliceProgramIsRolledBackByTheCanary()
    {
        var k = new SimulatedKernel(SchedulerKit.DemoWorkload());
        Assert.That(k.PlainRoundRobin().Accepted, Is.True);
        k.Tick(20);
        var harmful = new PolicyProgram(HookCatalog.TimeSliceName, 9, true, 0, -1, ProgramAction.Scale, 8, 1, ProgramAction.Keep, 0, 1);
        var bad = new SchedulerCandidate { Family = "demo.harmful.slice", Target = harmful.Hook, Program = harmful, Body = harmful.Assemble(), Why = harmful.ToString() };
        var p = new Proposal("code", bad.Family, bad.Target, bad.Kind, Metric, true, 50, bad.Why, id => bad.Encode(id, k.NowNs, "test", 50));
        Assert.That(k.Engine.Submit(p, k.NowNs), Does.Contain("canary on sched.time_slice"));
        k.Follow(p);
        Assert.That(p.State, Is.EqualTo(ProposalState.RolledBack));
        Assert.That(k.Slice.Active, Is.Null, "the compiled default serves again");
    }

    [Test]
    public void WithinThreeRoundsTheEngineComesWithinTenPercentOfTheBestStaticSetting()
    {
        // The ranking explores (Thompson draws), so the first kept change need not be the best;
        // each round's models start from the state the last one left. The demo runs the same rounds.
        var k = new SimulatedKernel(SchedulerKit.DemoWorkload());
        Assert.That(k.PlainRoundRobin().Accepted, Is.True);
        k.Tick(20);
        var reference = SchedulerKit.PlainRoundRobin();
        SchedulerWorkload w = SchedulerWorkload.Read(k.Engine.Snapshot, SchedulerShadowModel.Window, SchedulerShadowModel.MinSamples)!;
        SweepPoint sweep = SchedulerSweep.Run(k.Shadow, w, reference);
        double engine = double.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            Proposal? best = BestOrNull(k);
            if (best == null)
            {
                break;
            }

            k.Engine.Submit(best, k.NowNs);
            k.Follow(best);
            TestContext.Out.WriteLine($"round {round}: {best.Why}: {StateName(best.State)}");
            k.Tick(20);
            ShadowResult live = new ShadowContext(k.Shadow, w, k.Manager).Baseline;
            engine = live.IoWaitNs;
            if (engine <= 1.1 * sweep.Result.IoWaitNs)
            {
                break;
            }
        }

        TestContext.Out.WriteLine($"engine: {engine:F0} ns; best static slice {sweep.SliceNs} boost {sweep.BoostLevels}/{sweep.MaxBoost}: {sweep.Result.IoWaitNs:F0} ns (cost {sweep.CostPercent:F2}%)");
        Assert.That(engine, Is.LessThanOrEqualTo(1.1 * sweep.Result.IoWaitNs));
    }

    private static string StateName(ProposalState s) => s == ProposalState.Kept ? "kept" : s == ProposalState.RolledBack ? "rolled back" : "other";

    private static Proposal? BestOrNull(SimulatedKernel k)
    {
        foreach (Proposal p in k.Engine.Analyse(k.NowNs))
        {
            if (p.Model is "scheduler" or "code")
            {
                return p;
            }
        }

        return null;
    }

    private static Proposal Best(SimulatedKernel k)
    {
        foreach (Proposal p in k.Engine.Analyse(k.NowNs))
        {
            if (p.Model is "scheduler" or "code")
            {
                return p;
            }
        }

        Assert.Fail("no scheduler proposal");
        return null!;
    }
}

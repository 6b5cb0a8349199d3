using System.Linq;
using NexOS.Ai.Models;
using NexOS.Security.Patches;

namespace NexOS.Tests.Ai.Scheduling;

/// <summary>What keeps the scheduler models' shadow search cheap: a search runs again only on
/// a new state or a mix that moved, the two models share the baseline runs, and the code
/// model screens its population on short runs but proposes only from full ones.</summary>
public sealed class ShadowSearchCostTests
{
    [Test]
    public void AnUnchangedStateAndMixIsSearchedOnceHoweverOftenTheEngineCycles()
    {
        var k = new SimulatedKernel(SchedulerKit.DemoWorkload());
        Assert.That(k.PlainRoundRobin().Accepted, Is.True);
        k.Tick(20);
        Assert.That(k.SchedulerModel.Evaluations, Is.EqualTo(1));
        Assert.That(k.CodeModel.Evaluations, Is.EqualTo(1));
        int runs = k.Shadow.Runs;
        k.Tick(40);
        Assert.That(k.SchedulerModel.Evaluations, Is.EqualTo(1), "the reading moves a little every tick; that is no new mix");
        Assert.That(k.CodeModel.Evaluations, Is.EqualTo(1));
        Assert.That(k.Shadow.Runs, Is.EqualTo(runs));
    }

    [Test]
    public void AMixMustLastBeforeTheFirstSearchOfAnUnchangedState()
    {
        // At the default the first search waits for ten readings of a mixed workload (readings
        // at most two a second): a mix that passes in a few seconds is never searched.
        var k = new SimulatedKernel(SchedulerKit.DemoWorkload());
        k.SchedulerModel.FirstSearchReadings = SchedulerShadowModel.Window;
        k.CodeModel.FirstSearchReadings = SchedulerShadowModel.Window;
        k.Tick(40); // 4 s: the window fills, then a few readings
        Assert.That(k.SchedulerModel.Evaluations, Is.Zero);
        Assert.That(k.CodeModel.Evaluations, Is.Zero);
        Assert.That(k.Shadow.Runs, Is.Zero, "not a shadow run spent");
        k.Tick(40); // 8 s
        Assert.That(k.SchedulerModel.Evaluations, Is.EqualTo(1), "a lasting mix is searched");
        Assert.That(k.CodeModel.Evaluations, Is.EqualTo(1));
    }

    [Test]
    public void ANewStateStartsANewSearchAtOnce()
    {
        var k = new SimulatedKernel(SchedulerKit.DemoWorkload());
        Assert.That(k.PlainRoundRobin().Accepted, Is.True);
        k.Tick(20);
        var provenance = new PatchProvenance(k.Manager.HighestPatchId + 1, k.NowNs, PatchOrigin.Engine, "test", "shorter slice", "none", 0);
        PatchWriter.TryWrite(Patch.ForParameters("sched.normal", new[] { new ParameterChange("slice_ns", 8_000_000) }, provenance), null, out byte[]? bytes, out _);
        Assert.That(k.Manager.Submit(bytes!, PatchOrigin.Engine).Accepted, Is.True);
        k.Engine.Analyse(k.NowNs);
        Assert.That(k.SchedulerModel.Evaluations, Is.EqualTo(2));
        Assert.That(k.CodeModel.Evaluations, Is.EqualTo(2));
    }

    [Test]
    public void TheTwoModelsPayForOneSetOfBaselineRuns()
    {
        var k = new SimulatedKernel(SchedulerKit.DemoWorkload());
        k.PlainRoundRobin();
        SchedulerWorkload w = SchedulerKit.DemoWorkload();
        ShadowContext first = k.Shadow.Context(w, k.Manager, 1UL);
        int runs = k.Shadow.Runs;
        Assert.That(runs, Is.EqualTo(2), "live baseline and shipped configuration");
        Assert.That(k.Shadow.Context(SchedulerKit.DemoWorkload(), k.Manager, 1UL), Is.SameAs(first), "same state, same mix");
        Assert.That(k.Shadow.Runs, Is.EqualTo(runs));
        Assert.That(k.Shadow.Context(w, k.Manager, 2UL), Is.Not.SameAs(first), "a new state");
        var other = new SchedulerWorkload { IoThreads = w.IoThreads, IoBurstNs = w.IoBurstNs + 1, IoBlockNs = w.IoBlockNs, CpuThreads = w.CpuThreads };
        ShadowContext b = k.Shadow.Context(w, k.Manager, 2UL);
        Assert.That(k.Shadow.Context(other, k.Manager, 2UL), Is.Not.SameAs(b), "a mix that replays differently");
    }

    [Test]
    public void TheCodeModelProposesOnlyFromFullRuns()
    {
        var k = new SimulatedKernel(SchedulerKit.DemoWorkload());
        k.PlainRoundRobin();
        var model = new CodeModel(new SchedulerShadow(), 42);
        model.Evaluate(new ShadowContext(model.Shadow, SchedulerKit.DemoWorkload(), k.Manager), 0);
        Assert.That(model.Candidates, Is.Not.Empty);
        Assert.That(model.Candidates.Select(c => c.Screened), Has.None.True);
        Assert.That(model.LastSimulated, Is.GreaterThan(2 * CodeModel.Finalists), "most programs were only screened");

        // The budget: every program screened once, at most two finalists per hook and the two
        // baselines for the full time, the two screening baselines; far less than running
        // every program in full.
        SchedulerShadow shadow = model.Shadow;
        ulong budget = ((ulong)model.LastSimulated * shadow.ScreenDurationNs) + ((2 * CodeModel.Finalists + 2) * shadow.DurationNs) + (2 * shadow.ScreenDurationNs);
        Assert.That(shadow.SimulatedNs, Is.LessThanOrEqualTo(budget));
        Assert.That(shadow.SimulatedNs, Is.LessThan((ulong)model.LastSimulated * shadow.DurationNs));
    }

    [TestCase(10, 10, true)]
    [TestCase(10, 11, true)]
    [TestCase(10, 16, false)]
    [TestCase(1, 2, true)]
    [TestCase(0, 1, false)]
    public void ThreadCountsMayFlickerByOne(int a, int b, bool close)
    {
        var x = new SchedulerWorkload { IoThreads = a, IoBurstNs = 100_000, IoBlockNs = 10_000_000, CpuThreads = 4 };
        var y = new SchedulerWorkload { IoThreads = b, IoBurstNs = 100_000, IoBlockNs = 10_000_000, CpuThreads = 4 };
        Assert.That(x.IsCloseTo(y, 0.25), Is.EqualTo(close));
        Assert.That(y.IsCloseTo(x, 0.25), Is.EqualTo(close), "symmetric");
    }

    [TestCase(10_000_000UL, 12_000_000UL, 0.25, true)]
    [TestCase(10_000_000UL, 14_000_000UL, 0.25, false)]
    [TestCase(10_000_000UL, 19_000_000UL, 0.5, true)]
    [TestCase(10_000_000UL, ulong.MaxValue, 0.5, false)]
    public void BurstsAndBlocksMustStayWithinTheTolerance(ulong a, ulong b, double tolerance, bool close)
    {
        var x = new SchedulerWorkload { IoThreads = 4, IoBurstNs = 100_000, IoBlockNs = a, CpuThreads = 4 };
        var y = new SchedulerWorkload { IoThreads = 4, IoBurstNs = 100_000, IoBlockNs = b, CpuThreads = 4 };
        Assert.That(x.IsCloseTo(y, tolerance), Is.EqualTo(close));
        Assert.That(x.SameMix(y), Is.EqualTo(a == b));
    }

    [Test]
    public void ACpuClassThatStartsBlockingIsANewMix()
    {
        var never = new SchedulerWorkload { IoThreads = 4, IoBurstNs = 100_000, IoBlockNs = 10_000_000, CpuThreads = 4 };
        var blocks = new SchedulerWorkload { IoThreads = 4, IoBurstNs = 100_000, IoBlockNs = 10_000_000, CpuThreads = 4, CpuBurstNs = 1_000, CpuBlockNs = 1_000 };
        Assert.That(never.IsCloseTo(blocks, 0.5), Is.False);
    }
}

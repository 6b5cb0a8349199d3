using NexOS.Ai.Engine;
using NexOS.Ai.Models;
using NexOS.Security.Patching;
using NexOS.Security.Patches;

namespace NexOS.Tests.Ai.Scheduling;

/// <summary>The scheduler model: its input (the workload read back from the per-class metrics),
/// its output (proposals the patch manager accepts), and its learning rule.</summary>
public sealed class SchedulerModelTests
{
    [Test]
    public void ItProposesNothingWithoutBothClasses()
    {
        var k = new SimulatedKernel(new SchedulerWorkload { IoThreads = 0, CpuThreads = 4 });
        k.Tick(20);
        var proposals = new List<Proposal>();
        k.SchedulerModel.Analyse(k.Engine.Snapshot, proposals);
        Assert.That(proposals, Is.Empty);
    }

    [Test]
    public void TheWorkloadReadFromTheMetricsMatchesTheTraceThatMadeThem()
    {
        var k = new SimulatedKernel(SchedulerKit.DemoWorkload());
        Assert.That(k.PlainRoundRobin().Accepted, Is.True);
        k.Tick(20);
        SchedulerWorkload w = SchedulerWorkload.Read(k.Engine.Snapshot, SchedulerShadowModel.Window, SchedulerShadowModel.MinSamples)!;
        Assert.That(w, Is.Not.Null);
        Assert.That(w.IoThreads, Is.EqualTo(4));
        Assert.That(w.CpuThreads, Is.EqualTo(6));
        Assert.That(w.CpuBlockNs, Is.Zero, "CPU-bound threads never block");
        // CPU time includes the switch into the thread, in the kernel as in the simulator.
        Assert.That((double)w.IoBurstNs, Is.EqualTo(30_000 + SchedulerShadow.DefaultSwitchCostNs).Within(10).Percent);
        Assert.That((double)w.IoBlockNs, Is.EqualTo(10_000_000).Within(10).Percent);
        Assert.That(w.IoWaitNs, Is.GreaterThan(10 * 1_000_000), "plain round robin behind six CPU hogs");
    }

    [Test]
    public void EveryProposalIsOneStepTheLevelAcceptsAndImprovesTheShadow()
    {
        var k = new SimulatedKernel(SchedulerKit.DemoWorkload());
        Assert.That(k.PlainRoundRobin().Accepted, Is.True);
        k.Tick(20);
        var proposals = new List<Proposal>();
        k.SchedulerModel.Analyse(k.Engine.Snapshot, proposals);
        Assert.That(proposals, Is.Not.Empty);
        foreach (Proposal p in proposals)
        {
            Assert.That(p.SimulatedGainPercent, Is.GreaterThanOrEqualTo(k.SchedulerModel.MinGainPercent));
            Assert.That(p.SideCostPercent, Is.LessThanOrEqualTo(k.SchedulerModel.MaxCostPercent));
            var fresh = new SimulatedKernel(SchedulerKit.DemoWorkload());
            Assert.That(fresh.PlainRoundRobin().Accepted, Is.True);
            p.PatchId = fresh.Manager.HighestPatchId + 1;
            SubmitResult r = fresh.Manager.Submit(p.Build()!, PatchOrigin.Engine);
            Assert.That(r.Accepted, Is.True, p.Why + ": " + r.Message);
        }
    }

    [Test]
    public void LearningCalibratesSimulatedAgainstMeasuredGainAndARefusalBarsTheFamily()
    {
        var k = new SimulatedKernel(SchedulerKit.DemoWorkload());
        Assert.That(k.PlainRoundRobin().Accepted, Is.True);
        k.Tick(20);
        var proposals = new List<Proposal>();
        SchedulerModel model = k.SchedulerModel;
        model.Analyse(k.Engine.Snapshot, proposals);
        Proposal p = proposals[0];
        p.SimulatedGainPercent = 80;
        model.Learn(p, new ProposalOutcome(ProposalState.Kept, 40));
        Assert.That(model.CalibrationOf(p.Family), Is.EqualTo(1 + ((0.5 - 1) / 3)).Within(1e-9));
        model.Learn(p, new ProposalOutcome(ProposalState.RolledBack, double.NaN));
        Assert.That(model.CalibrationOf(p.Family), Is.LessThan(0.6), "a rollback with nothing measured counts as no gain");

        Proposal q = proposals[^1];
        model.Learn(q, new ProposalOutcome(ProposalState.Refused, double.NaN));
        var again = new List<Proposal>();
        model.Analyse(k.Engine.Snapshot, again);
        Assert.That(again.Exists(x => x.Family == q.Family), Is.False, "refused at this level: not proposed again");
    }
}

using NexOS.Ai.Engine;
using NexOS.Ai.Models;
using NexOS.Core.Heap;
using NexOS.Security.Patching;
using NexOS.Security.Patches;
using NexOS.Security.Policy;

namespace NexOS.Tests.Ai.Memory;

/// <summary>The memory model in an engine like the kernel's: detection, the simulated proposal
/// through the patch manager, keep or roll back by measurement, learning, and its pick against
/// the best static strategy of a sweep.</summary>
[TestFixture]
public sealed class MemoryModelTests
{
    [Test]
    public void QuietHeapGetsNoProposalAndNoSimulation()
    {
        var kit = new MemoryKit();
        kit.Steps(MemoryModel.Window, 20);
        Assert.That(kit.MemoryProposal(), Is.Null);
        Assert.That(kit.Model.Simulations, Is.Zero);
        Assert.That(kit.Model.Describe(), Does.Contain("quiet"));
    }

    [Test]
    public void NoTraceMeansNoProposal()
    {
        var kit = new MemoryKit();
        kit.Model.Trace = null;
        kit.Steps(MemoryModel.Window, 60);
        Assert.That(kit.MemoryProposal(), Is.Null);
        Assert.That(kit.Model.Describe(), Does.Contain("no allocation trace"));
    }

    [Test]
    public void FragmentedHeapGetsBorrowingWhichIsVerifiedKeptAndLearned()
    {
        var kit = new MemoryKit();
        kit.Steps(MemoryModel.Window, 55);
        Proposal? p = kit.MemoryProposal();
        Assert.That(p, Is.Not.Null, kit.Model.Describe());
        Assert.That(p!.Family, Is.EqualTo("heap.borrow.more"));
        Assert.That(p.Target, Is.EqualTo("heap"));
        Assert.That(p.SimulatedGainPercent, Is.GreaterThanOrEqualTo(50));
        Assert.That(p.Why, Does.Contain("heap.borrow_waste_percent = 25"));

        string verdict = kit.Engine.Submit(p, kit.NowNs);
        Assert.That(p.State, Is.EqualTo(ProposalState.OnTrial), verdict);
        Assert.That(kit.Placement.Read(), Is.EqualTo(new PlacementSettings(25, 100)));
        kit.Steps(EvolutionEngine.DefaultWindow + 1, 12);
        Assert.That(p.State, Is.EqualTo(ProposalState.Kept));
        Assert.That(kit.Model.Learned, Is.EqualTo(1));
        Assert.That(kit.Model.ReliabilityOf("heap.borrow.more"), Is.InRange(0.5, 1.5));
        Assert.That(kit.Trail.Verify().IsIntact, Is.True);
        Assert.That(LearnedRecords(kit), Has.Some.Contains("heap.borrow.more kept"));
        Assert.That(kit.MemoryProposal()?.Metric, Is.Not.EqualTo(MemoryModel.FragmentationChannel), "no fragmentation left to gain at 12% (the run cap may still be proposed, on refills)");
    }

    [Test]
    public void ALongTraceIsReplayedThinnedAndGivesTheWholeTracesProposal()
    {
        var thinned = new MemoryKit();
        thinned.Steps(MemoryModel.Window, 55);
        Proposal p = thinned.MemoryProposal()!;
        Assert.That(thinned.Model.SampleEvery, Is.EqualTo(32));
        Assert.That(p.Why, Does.Contain("replaying 1/32 of the recent trace (7928 of 253704 objects)"));

        var whole = new MemoryKit(sampleObjects: int.MaxValue);
        whole.Steps(MemoryModel.Window, 55);
        Proposal w = whole.MemoryProposal()!;
        Assert.That(whole.Model.SampleEvery, Is.EqualTo(1));
        Assert.That(w.Why, Does.Contain("replaying the recent trace with"));
        Assert.That(p.Family, Is.EqualTo(w.Family));
        Assert.That(p.SimulatedGainPercent, Is.EqualTo(w.SimulatedGainPercent).Within(5));
    }

    [Test]
    public void AThinningThatMissesTheLiveHeapIsDroppedForTheWholeTrace()
    {
        // Each step fills a page and its newest two thirds die: the kept prefixes all survive,
        // so the thinned replay shows no fragmentation while the whole trace (and the heap)
        // strands two thirds of every page.
        var trace = new AllocationTrace();
        int page = (int)AllocationRecording.CellsPerPage(SizeClasses.ClassFor(64));
        for (int i = 0; i < 128; i++)
        {
            int first = trace.Alloc(64, page);
            trace.Free(first + (page / 3), first + page, 1);
        }

        trace.Collect();
        SimulationResult whole = new AllocatorSimulator().Run(trace, PlacementSettings.Default);
        AllocationTrace thin = TraceThinning.Thin(trace, TraceThinning.Factor(trace, MemoryModel.DefaultSampleObjects, MemoryModel.DefaultSamplePages))!;
        SimulationResult thinned = new AllocatorSimulator().Run(thin, PlacementSettings.Default);
        Assert.That(Math.Abs(whole.Fragmentation - thinned.Fragmentation), Is.GreaterThan(0.1), "the thinning misrepresents this trace");

        var kit = new MemoryKit(trace: trace);
        kit.Steps(MemoryModel.Window, (long)Math.Round(whole.Fragmentation * 100));
        kit.MemoryProposal();
        Assert.That(kit.Model.Simulations, Is.GreaterThan(1), kit.Model.Describe());
        Assert.That(kit.Model.SampleEvery, Is.EqualTo(1), kit.Model.Describe());
        Assert.That(kit.Model.Describe(), Does.Contain("of the whole trace: 1/"));
        Assert.That(kit.Model.Describe(), Does.Contain("% live"));
    }

    [Test]
    public void AStrategyAlreadyReplayedOnTheTraceIsNotReplayedAgain()
    {
        var kit = new MemoryKit();
        kit.Steps(MemoryModel.Window, 55);
        Proposal p = kit.MemoryProposal()!;
        int firstSearch = kit.Model.Simulations;
        Assert.That(firstSearch, Is.GreaterThanOrEqualTo(3), "the current strategy and its neighbours");
        kit.Engine.Submit(p, kit.NowNs);
        kit.Steps(EvolutionEngine.DefaultWindow + 1, 55);
        kit.MemoryProposal();
        int secondSearch = kit.Model.Simulations - firstSearch;
        Assert.That(secondSearch, Is.GreaterThan(0), "the new strategy has new neighbours");
        Assert.That(secondSearch, Is.LessThan(firstSearch), "the new strategy and the old one were replayed already");

        // A new trace is new ground: nothing is looked up.
        kit.Model.Trace = new FragmentingPattern(1, pages: 32).Trace;
        kit.MemoryProposal();
        Assert.That(kit.Model.Simulations - firstSearch - secondSearch, Is.GreaterThanOrEqualTo(3));
    }

    [Test]
    public void HarmfulCandidateIsRolledBackAndItsFamilyLosesReliability()
    {
        var kit = new MemoryKit();
        kit.Steps(MemoryModel.Window, 55);
        Proposal good = kit.MemoryProposal()!;
        kit.Engine.Submit(good, kit.NowNs);
        kit.Steps(EvolutionEngine.DefaultWindow + 1, 10);
        Assert.That(good.State, Is.EqualTo(ProposalState.Kept));

        Proposal? harmful = kit.Model.Candidate(kit.Engine.Snapshot, PlacementParameters.ReuseName, 75);
        Assert.That(harmful, Is.Not.Null);
        Assert.That(harmful!.SimulatedGainPercent, Is.LessThan(0), "the simulator already says it is worse");
        kit.Engine.Submit(harmful, kit.NowNs);
        Assert.That(harmful.State, Is.EqualTo(ProposalState.OnTrial), harmful.Verdict);
        kit.Steps(EvolutionEngine.DefaultWindow + 1, 55);
        Assert.That(harmful.State, Is.EqualTo(ProposalState.RolledBack));
        Assert.That(kit.Placement.Read(), Is.EqualTo(new PlacementSettings(25, 100)), "back to the kept strategy");
        Assert.That(kit.Model.ReliabilityOf("heap.reuse.less"), Is.LessThan(1));
        Assert.That(kit.Trail.Verify().IsIntact, Is.True);
    }

    [Test]
    public void PolicyRefusesAStrategyJumpBeyondTheStepLimitAndTheModelLearnsIt()
    {
        var kit = new MemoryKit();
        Proposal? jump = kit.Model.Candidate(kit.Engine.Snapshot, PlacementParameters.BorrowName, 100);
        Assert.That(jump, Is.Not.Null);
        string verdict = kit.Engine.Submit(jump!, kit.NowNs);
        Assert.That(jump!.State, Is.EqualTo(ProposalState.Refused));
        Assert.That(verdict, Does.Contain("may move by at most 25"));
        Assert.That(kit.Placement.Read(), Is.EqualTo(PlacementSettings.Default));
        Assert.That(kit.Model.ReliabilityOf("heap.borrow.more"), Is.EqualTo(0.5));
    }

    [Test]
    public void ParanoidStepLimitStillAllowsASmallerMoveThatGainsNothing()
    {
        var kit = new MemoryKit(SecurityLevel.Paranoid);
        kit.Steps(MemoryModel.Window, 55);
        Assert.That(kit.MemoryProposal(), Is.Null, "5 points of borrowing fits no pair of classes in the pattern");
        Assert.That(kit.Model.Simulations, Is.GreaterThan(0));
    }

    [Test]
    public void PatchesOutsideTheParameterRangeOrUnknownAreRefused()
    {
        var kit = new MemoryKit(SecurityLevel.Permissive);
        Assert.That(Submit(kit, PlacementParameters.BorrowName, 101).Message, Does.Contain("outside [0, 100]"));
        Assert.That(Submit(kit, PlacementParameters.ReuseName, -1).Message, Does.Contain("outside [0, 100]"));
        Assert.That(Submit(kit, "heap.compact", 1).Message, Does.Contain("has no parameter 'heap.compact'"));
        Assert.That(kit.Placement.Read(), Is.EqualTo(PlacementSettings.Default));
        Assert.That(Submit(kit, PlacementParameters.BorrowName, 100).Accepted, Is.True, "Permissive allows the whole range in one step");
    }

    [Test]
    public void EnginePickIsWithinTenPercentOfTheBestStaticSetting()
    {
        var pattern = new FragmentingPattern();
        var kit = new MemoryKit(trace: pattern.Trace);
        kit.Steps(MemoryModel.Window, 55);
        Proposal p = kit.MemoryProposal()!;
        kit.Engine.Submit(p, kit.NowNs);
        var simulator = new AllocatorSimulator();
        double today = simulator.Run(pattern.Trace, PlacementSettings.Default).Fragmentation;
        double picked = simulator.Run(pattern.Trace, kit.Placement.Read()).Fragmentation;
        SimulationResult best = PlacementSweep.Best(pattern.Trace, 5);
        TestContext.Out.WriteLine($"today {today:F4}, engine's pick {kit.Placement.Read()} {picked:F4}, best static {best.Settings} {best.Fragmentation:F4}");
        Assert.That(today - picked, Is.GreaterThanOrEqualTo(0.9 * (today - best.Fragmentation)), "the pick achieves at least 90% of the best reduction");
        Assert.That(picked, Is.LessThanOrEqualTo(best.Fragmentation + (0.1 * today)));
    }

    private static List<string> LearnedRecords(MemoryKit kit)
    {
        var found = new List<string>();
        for (int i = 0; i < kit.Trail.Count; i++)
        {
            var r = kit.Trail.RecordAt(i);
            if (r.Kind == NexOS.Security.Audit.AuditEventKind.Learned)
            {
                found.Add(r.Detail);
            }
        }

        return found;
    }

    private static SubmitResult Submit(MemoryKit kit, string name, long value)
    {
        var patch = Patch.ForParameters("heap", new[] { new ParameterChange(name, value) },
            new PatchProvenance(kit.Manager.HighestPatchId + 1, 0, PatchOrigin.Engine, "test", "test", "x", 0));
        Assert.That(PatchWriter.TryWrite(patch, null, out byte[]? bytes, out _), Is.True);
        return kit.Manager.Submit(bytes, PatchOrigin.Engine);
    }
}

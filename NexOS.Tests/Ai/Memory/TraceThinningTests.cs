using System.Linq;
using NexOS.Ai.Models;
using NexOS.Ai.Training;
using NexOS.Core.Heap;

namespace NexOS.Tests.Ai.Memory;

/// <summary>Thinning a trace to a prefix of each alloc step: exact id mapping,
/// limits, and replays of the thinned trace that judge strategies as the full trace does.</summary>
[TestFixture]
public sealed class TraceThinningTests
{

    [Test]
    public void KeepsAPrefixOfEachStepAndMapsFreesIntoIt()
    {
        var trace = new AllocationTrace();
        trace.Alloc(64, 800); // ids 0..799
        trace.Alloc(64, 480); // ids 800..1279
        trace.Free(1, 1280, 2); // every odd id
        trace.Collect();

        AllocationTrace thin = TraceThinning.Thin(trace, 4)!;

        // A quarter of each step: old 0..199 -> new 0..199, old 800..919 -> new 200..319.
        Assert.That(thin.Objects, Is.EqualTo(320));
        Assert.That(thin.Ops[0], Is.EqualTo(new TraceOp(TraceOpKind.Alloc, 64, 200, 0, 0, 0)));
        Assert.That(thin.Ops[1], Is.EqualTo(new TraceOp(TraceOpKind.Alloc, 64, 120, 0, 0, 0)));

        // The odd ids of each prefix, the stride kept: 1, 3, .. 199 and (801 -> 201), .. 319.
        Assert.That(thin.Ops[2], Is.EqualTo(new TraceOp(TraceOpKind.Free, 0, 0, 1, 200, 2)));
        Assert.That(thin.Ops[3], Is.EqualTo(new TraceOp(TraceOpKind.Free, 0, 0, 201, 320, 2)));
        Assert.That(thin.Ops[4].Kind, Is.EqualTo(TraceOpKind.Collect));
        Assert.That(thin.Ops, Has.Count.EqualTo(5));
        Assert.That(thin.Validate(), Is.Null);
    }

    [Test]
    public void EqualBigStepsKeepEqualShares()
    {
        // Three rounds of a 1,001-object working set at 1/4: 250 each, not 250, 250, 251 (one
        // object over the holes would open a page of its own).
        var trace = new AllocationTrace();
        for (int round = 0; round < 3; round++)
        {
            trace.Alloc(48, 1001);
        }

        AllocationTrace thin = TraceThinning.Thin(trace, 4)!;
        Assert.That(thin.Ops.Select(o => o.Count), Is.EqualTo(new[] { 250, 250, 250 }));
    }

    [Test]
    public void SmallStepsAreKeptInTurn()
    {
        // Ten steps of 3 objects at 1/4: the remainder carries, 7 objects in all, one per kept step.
        var trace = new AllocationTrace();
        for (int i = 0; i < 10; i++)
        {
            trace.Alloc(64, 3);
        }

        trace.Free(0, 30, 1);
        AllocationTrace thin = TraceThinning.Thin(trace, 4)!;
        Assert.That(thin.Objects, Is.EqualTo(7));
        Assert.That(thin.Ops.Count(o => o.Kind == TraceOpKind.Alloc), Is.EqualTo(7));
        Assert.That(thin.Ops.Count(o => o.Kind == TraceOpKind.Free), Is.EqualTo(7));
        Assert.That(thin.Validate(), Is.Null);
    }

    [Test]
    public void ClassesCarryTheirOwnRemainders()
    {
        var trace = new AllocationTrace();
        for (int i = 0; i < 400; i++)
        {
            trace.Alloc(64, 3);
            trace.Alloc(512, 1);
        }

        AllocationTrace thin = TraceThinning.Thin(trace, 2)!;
        Assert.That(thin.Validate(), Is.Null);
        Assert.That(thin.Objects, Is.EqualTo(600 + 200));
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(-5)]
    public void NothingToThinBelowTwo(int every)
    {
        Assert.That(TraceThinning.Thin(new FragmentingPattern().Trace, every), Is.Null);
    }

    [Test]
    public void AHugeFactorKeepsNothingAndReplaysEmpty()
    {
        AllocationTrace thin = TraceThinning.Thin(new FragmentingPattern().Trace, int.MaxValue)!;
        Assert.That(thin.Objects, Is.Zero);
        Assert.That(thin.Validate(), Is.Null);
        SimulationResult r = new AllocatorSimulator().Run(thin, PlacementSettings.Default);
        Assert.That(r.Error, Is.Null);
        Assert.That(r.Fragmentation, Is.Zero);
    }

    [Test]
    public void AFreeSplitOverTooManyStepsGivesNoThinnedTrace()
    {
        // 2,000 steps, then 2,000 frees that each meet every step's kept prefix: over the thinned
        // trace's step limit, so the caller replays the trace itself.
        var trace = new AllocationTrace();
        for (int i = 0; i < 2000; i++)
        {
            trace.Alloc(64, 16);
        }

        for (int i = 0; i < 2000 && trace.Free(i, trace.Objects, 2000); i++)
        {
        }

        Assert.That(TraceThinning.Thin(trace, 2), Is.Null);

        // The same steps freed one id at a time thin fine.
        var narrow = new AllocationTrace();
        narrow.Alloc(64, 32_000);
        for (int i = 0; i < 4000 && narrow.Free(i * 8, (i * 8) + 1, 1); i++)
        {
        }

        Assert.That(TraceThinning.Thin(narrow, 2), Is.Not.Null);
    }

    [Test]
    public void ThinnedReplaysJudgeEveryStrategyLikeTheFullTrace()
    {
        // Every trainer scenario and the demo's trace, thinned as the memory model thins them:
        // each strategy of a 25-point sweep replays to about the same fragmentation, and the
        // thinned sweep's pick is as good on the full trace as the full sweep's.
        var traces = new List<(string Name, AllocationTrace Trace)> { ("demo", new FragmentingPattern().Trace) };
        foreach (MemoryScenario s in MemoryTrainer.SyntheticScenarios())
        {
            traces.Add((s.Name + " (seen)", s.Seen));
            traces.Add((s.Name + " (future)", s.Future));
        }

        var full = new AllocatorSimulator();
        var sampled = new AllocatorSimulator();
        int thinned = 0;
        foreach ((string name, AllocationTrace trace) in traces)
        {
            int every = TraceThinning.Factor(trace, MemoryModel.DefaultSampleObjects, MemoryModel.DefaultSamplePages);
            AllocationTrace? thin = TraceThinning.Thin(trace, every);
            if (thin == null)
            {
                Assert.That(every, Is.EqualTo(1), name);
                continue;
            }

            thinned++;
            var fullResults = new List<SimulationResult>();
            SimulationResult fullBest = PlacementSweep.Best(trace, 25, fullResults, full);
            var thinResults = new List<SimulationResult>();
            SimulationResult thinBest = PlacementSweep.Best(thin, 25, thinResults, sampled);
            double worst = 0;
            for (int i = 0; i < fullResults.Count; i++)
            {
                worst = Math.Max(worst, Math.Abs(fullResults[i].Fragmentation - thinResults[i].Fragmentation));
            }

            SimulationResult pickOnFull = full.Run(trace, thinBest.Settings);
            TestContext.Out.WriteLine($"{name} 1/{every}: {thin.Objects} of {trace.Objects} objects; worst fragmentation error {worst:F3}; pick {thinBest.Settings} -> {pickOnFull.Fragmentation:F3} vs best {fullBest.Fragmentation:F3}");
            Assert.That(worst, Is.LessThan(0.1), name);
            Assert.That(pickOnFull.Fragmentation, Is.LessThanOrEqualTo(fullBest.Fragmentation + 0.02), name);
        }

        Assert.That(thinned, Is.GreaterThanOrEqualTo(10));
    }

    [Test]
    public void RecordedTracesAreMarkedAndTheModelReplaysThemWhole()
    {
        // FIXME: a recording's thinned replays miss its whole replays by up to 0.33 (the demo
        // recorded with collections while everything was reachable, at 1/64); until thinning
        // is validated on recordings, the memory model replays them whole.
        AllocationTrace recorded = AllocationRecordingTests.FragmentingRecording(4, budgetCollections: true).ToTrace(AllocationTrace.MaxObjects, out _);
        Assert.That(recorded.Recorded, Is.True);
        Assert.That(AllocationTrace.TryParse(recorded.Write(), out AllocationTrace? parsed, out _) && parsed!.Recorded, Is.True, "text may be a recording");
        Assert.That(new FragmentingPattern().Trace.Recorded, Is.False);

        var kit = new MemoryKit(trace: recorded);
        kit.Steps(MemoryModel.Window, 55);
        kit.MemoryProposal();
        Assert.That(kit.Model.Simulations, Is.GreaterThan(0));
        Assert.That(kit.Model.SampleEvery, Is.EqualTo(1));
    }

    [Test]
    public void TheFactorKeepsBothTheObjectsAndThePages()
    {
        AllocationTrace demo = new FragmentingPattern().Trace;
        // 253,704 objects in 14 MB: 1/41 by objects, 1/27 by pages, so 1/16.
        Assert.That(TraceThinning.Factor(demo, 6144, 8), Is.EqualTo(16));
        Assert.That(TraceThinning.Factor(demo, 6144, 6), Is.EqualTo(32));
        Assert.That(TraceThinning.Factor(demo, int.MaxValue, 8), Is.EqualTo(1));
        Assert.That(TraceThinning.Factor(demo, 8192, int.MaxValue), Is.EqualTo(1));
        Assert.That(TraceThinning.Factor(demo, 0, 0), Is.EqualTo(128)); // nonsense limits: a page of bytes each
        Assert.That(TraceThinning.Factor(new AllocationTrace(), 8192, 8), Is.EqualTo(1));
    }
}

using NexOS.Core.Heap;

namespace NexOS.Tests.Ai.Memory;

/// <summary>The live heap's recording (per-class counts between collections) turned into a
/// trace: it parses, replays, stays within the limits, and reproduces the heap it describes.</summary>
[TestFixture]
public sealed class AllocationRecordingTests
{
    private const int Survivor = 4; // 64-byte cells
    private const int Work = 3;     // 48-byte cells

    /// <summary>What the recorder would see of the demo's pattern on the live heap: 128 pages
    /// of 64-byte objects of which every 16th survives, then rounds of a 48-byte working set
    /// as large as the holes, each dropped before the next.</summary>
    internal static AllocationRecording FragmentingRecording(int rounds, bool budgetCollections = false)
    {
        var r = new AllocationRecording();
        uint cells = AllocationRecording.CellsPerPage(Survivor);
        uint allocated = 128 * cells;
        uint survivors = (allocated + 15) / 16;
        uint holes = allocated - survivors;
        uint workPages = (holes + AllocationRecording.CellsPerPage(Work) - 1) / AllocationRecording.CellsPerPage(Work);
        if (budgetCollections)
        {
            // The allocation budget ran out twice while the setup was still reachable: two
            // collections where everything survived, then the one after the drop.
            uint third = allocated / 3;
            r.AddEpoch(Counts((Survivor, third)), Counts((Survivor, third)), Counts((Survivor, 43)), true);
            r.AddEpoch(Counts((Survivor, third)), Counts((Survivor, 2 * third)), Counts((Survivor, 86)), true);
            r.AddEpoch(Counts((Survivor, allocated - (2 * third))), Counts((Survivor, survivors)), Counts((Survivor, 128)), true);
        }
        else
        {
            r.AddEpoch(Counts((Survivor, allocated)), Counts((Survivor, survivors)), Counts((Survivor, 128)), true);
        }

        for (int i = 0; i < rounds; i++)
        {
            if (i > 0)
            {
                r.AddEpoch(Counts(), Counts((Survivor, survivors)), Counts((Survivor, 128)), true);
            }

            r.AddEpoch(Counts((Work, holes)), Counts((Survivor, survivors), (Work, holes)), Counts((Survivor, 128), (Work, workPages)), true);
        }

        return r;
    }

    private static uint[] Counts(params (int Class, uint N)[] entries)
    {
        var a = new uint[SizeClasses.Count];
        foreach ((int c, uint n) in entries)
        {
            a[c] = n;
        }

        return a;
    }

    [Test]
    public void RecordedTextParsesAndReplays()
    {
        AllocationTrace trace = FragmentingRecording(3).ToTrace(AllocationTrace.MaxObjects, out string note);
        TestContext.Out.WriteLine(note);
        string text = trace.Write();
        Assert.That(AllocationTrace.TryParse(text, out AllocationTrace? back, out string error), Is.True, error);
        Assert.That(back!.Write(), Is.EqualTo(text));
        SimulationResult r = new AllocatorSimulator().Run(back, PlacementSettings.Default);
        Assert.That(r.Error, Is.Null);
        Assert.That(note, Does.StartWith("6 of 6 epochs (6 collections)"));
    }

    [Test]
    public void ScatteredSurvivorsReproduceTheOriginalsFragmentation()
    {
        AllocationTrace derived = FragmentingRecording(4).ToTrace(AllocationTrace.MaxObjects, out _);
        AllocationTrace original = new FragmentingPattern(4).Trace;
        var sim = new AllocatorSimulator();
        SimulationResult a = sim.Run(original, PlacementSettings.Default);
        SimulationResult b = sim.Run(derived, PlacementSettings.Default);
        TestContext.Out.WriteLine($"original {a.Fragmentation:F3} derived {b.Fragmentation:F3}");
        Assert.That(b.Fragmentation, Is.GreaterThanOrEqualTo(0.5));
        Assert.That(b.Fragmentation, Is.EqualTo(a.Fragmentation).Within(0.02));
        Assert.That(b.LiveBytes, Is.EqualTo(a.LiveBytes));

        // The strategy the sweep picks on the derived trace fares as well on the original.
        SimulationResult bestDerived = PlacementSweep.Best(derived, 10);
        SimulationResult onOriginal = sim.Run(original, bestDerived.Settings);
        SimulationResult bestOriginal = PlacementSweep.Best(original, 10);
        TestContext.Out.WriteLine($"derived best {bestDerived.Settings} -> original {onOriginal.Fragmentation:F3}; original best {bestOriginal.Fragmentation:F3}");
        Assert.That(onOriginal.Fragmentation, Is.EqualTo(bestOriginal.Fragmentation).Within(0.02));
    }

    [Test]
    public void CollectionsWhileEverythingWasReachableDoNotHideTheScatter()
    {
        AllocationTrace derived = FragmentingRecording(4, budgetCollections: true).ToTrace(AllocationTrace.MaxObjects, out _);
        SimulationResult a = new AllocatorSimulator().Run(new FragmentingPattern(4).Trace, PlacementSettings.Default);
        SimulationResult b = new AllocatorSimulator().Run(derived, PlacementSettings.Default);
        TestContext.Out.WriteLine($"original {a.Fragmentation:F3} derived {b.Fragmentation:F3}");
        Assert.That(b.Fragmentation, Is.EqualTo(a.Fragmentation).Within(0.02));
    }

    [Test]
    public void PackedSurvivorsDoNotFragment()
    {
        // 40 pages' worth allocated, 10 full pages survive: the survivors are packed.
        uint cells = AllocationRecording.CellsPerPage(Survivor);
        var r = new AllocationRecording();
        r.AddEpoch(Counts((Survivor, 40 * cells)), Counts((Survivor, 10 * cells)), Counts((Survivor, 10)), true);
        SimulationResult s = new AllocatorSimulator().Run(r.ToTrace(AllocationTrace.MaxObjects, out _), PlacementSettings.Default);
        Assert.That(s.Fragmentation, Is.LessThan(0.01));
        Assert.That(s.LiveBytes, Is.EqualTo(10UL * cells * 64));
    }

    [Test]
    public void OlderSurvivorsDieNewestFirstWhenTheClassShrinks()
    {
        var r = new AllocationRecording();
        r.AddEpoch(Counts((Work, 100)), Counts((Work, 100)), Counts((Work, 1)), true);
        r.AddEpoch(Counts((Work, 50)), Counts((Work, 150)), Counts((Work, 1)), true);
        r.AddEpoch(Counts((Work, 10)), Counts((Work, 60)), Counts((Work, 1)), true);
        AllocationTrace t = r.ToTrace(AllocationTrace.MaxObjects, out _);
        Assert.That(t.Write(), Is.EqualTo("nexos-alloc-trace 1\nalloc 48 100\ncollect\nalloc 48 50\ncollect\nalloc 48 10\nfree 150 160 1\nfree 100 150 1\nfree 60 100 1\ncollect\n"));
    }

    [Test]
    public void BigRecordingsAreScaledUnderTheLimit()
    {
        var r = new AllocationRecording();
        for (int i = 0; i < 10; i++)
        {
            r.AddEpoch(Counts((Work, 300_000), (8, 100_000)), Counts((Work, 1000), (8, 5000)), Counts((Work, 40), (8, 30)), true);
        }

        AllocationTrace t = r.ToTrace(100_000, out string note);
        Assert.That(t.Objects, Is.LessThanOrEqualTo(100_000));
        Assert.That(note, Does.Contain("scale 1:40"));
        Assert.That(t.Validate(), Is.Null);
        Assert.That(new AllocatorSimulator().Run(t, PlacementSettings.Default).Error, Is.Null);
    }

    [Test]
    public void LongRecordingsStopBeforeTheStepLimit()
    {
        var r = new AllocationRecording();
        uint[] all = new uint[SizeClasses.Count];
        uint[] some = new uint[SizeClasses.Count];
        uint[] pages = new uint[SizeClasses.Count];
        for (int c = 1; c < SizeClasses.Count; c++)
        {
            all[c] = 400;
            some[c] = 10;
            pages[c] = 8;
        }

        for (int i = 0; i < 400; i++)
        {
            r.AddEpoch(all, some, pages, true);
        }

        AllocationTrace t = r.ToTrace(AllocationTrace.MaxObjects, out string note);
        TestContext.Out.WriteLine(note);
        Assert.That(t.Ops, Has.Count.LessThanOrEqualTo(AllocationTrace.MaxOps));
        Assert.That(note, Does.Not.StartWith("400 of 400"));
        Assert.That(t.Validate(), Is.Null);
        Assert.That(t.Ops[^1].Kind, Is.EqualTo(TraceOpKind.Collect));
    }

    [Test]
    public void FlatFormMatchesEpochs()
    {
        AllocationRecording a = FragmentingRecording(2);
        var words = new List<uint>();
        for (int e = 0; e < a.Epochs; e++)
        {
            for (int c = 0; c < SizeClasses.Count; c++)
            {
                words.Add(a.Allocated(e, c));
            }

            for (int c = 0; c < SizeClasses.Count; c++)
            {
                words.Add(a.Survivors(e, c));
            }

            for (int c = 0; c < SizeClasses.Count; c++)
            {
                words.Add(a.Pages(e, c));
            }

            words.Add(a.Collected(e) ? 1u : 0u);
        }

        words.Add(7); // a partial epoch is ignored
        var b = new AllocationRecording();
        b.AddFlat(words.ToArray());
        Assert.That(b.ToTrace(AllocationTrace.MaxObjects, out _).Write(), Is.EqualTo(a.ToTrace(AllocationTrace.MaxObjects, out _).Write()));
    }
}

using NexOS.Ai.Engine;
using NexOS.Ai.Models;
using NexOS.Core.Heap;

namespace NexOS.Tests.Ai.Memory;

/// <summary>Predictive allocation: a class that keeps refilling fetches ahead (longer runs,
/// up to the "heap" set's run cap); the simulator counts the slow paths saved, and the memory
/// model proposes the cap when refills are frequent, judged on the refill rate.</summary>
[TestFixture]
public sealed class RunCapTests
{
    private static AllocationTrace Burst()
    {
        var t = new AllocationTrace();
        t.Alloc(48, 200_000);
        t.Free(0, 200_000, 2);
        t.Collect();
        t.Alloc(96, 50_000);
        t.Collect();
        return t;
    }

    [Test]
    public void LongRunsTakeContiguousCellsAcrossBitmapWords()
    {
        var page = new HeapPage(0x10000, SizeClasses.ClassFor(48));
        Assert.That(page.TryTakeLongRun(200, out ulong start, out int count), Is.True);
        Assert.That(count, Is.EqualTo(200));
        Assert.That(start, Is.EqualTo(page.ObjectAddress(0)));
        Assert.That(page.Count, Is.EqualTo(200));
        Assert.That(page.Free(page.ObjectAddress(100)), Is.EqualTo(HeapStatus.Ok));
        Assert.That(page.Free(page.ObjectAddress(150)), Is.EqualTo(HeapStatus.Ok));

        // The next run starts at the first free cell (100) and stops before the taken 101.
        Assert.That(page.TryTakeLongRun(1000, out start, out count), Is.True);
        Assert.That((start, count), Is.EqualTo((page.ObjectAddress(100), 1)));
        Assert.That(page.TryTakeLongRun(1000, out start, out count), Is.True);
        Assert.That((start, count), Is.EqualTo((page.ObjectAddress(150), 1)));
        Assert.That(page.TryTakeLongRun(100_000, out start, out count), Is.True);
        Assert.That((start, count), Is.EqualTo((page.ObjectAddress(200), page.Capacity - 200)));
        Assert.That(page.IsFull, Is.True);
        Assert.That(page.TryTakeLongRun(10, out _, out _), Is.False);
    }

    [Test]
    public void DefaultRunsAreTodaysRuns()
    {
        var s = PlacementSettings.Default;
        Assert.That(s.RunMaxKib, Is.EqualTo(PlacementSettings.BaseRunKib));
        foreach (ulong cell in new ulong[] { 16, 48, 64, 256, 8192 })
        {
            for (int refills = 0; refills < 10; refills++)
            {
                Assert.That(s.RunCells(cell, refills), Is.EqualTo((int)Math.Min(64, Math.Max(1, 4096 / cell))));
            }
        }

        var capped = new PlacementSettings(0, 100, 64);
        Assert.That(capped.RunCells(48, 0), Is.EqualTo(64));
        Assert.That(capped.RunCells(48, 1), Is.EqualTo(8192 / 48));
        Assert.That(capped.RunCells(48, 4), Is.EqualTo(65536 / 48));
        Assert.That(capped.RunCells(48, 9), Is.EqualTo(65536 / 48));
        Assert.That(new PlacementSettings(0, 100, 1000).RunMaxKib, Is.EqualTo(PlacementSettings.MaxRunKib));
        Assert.That(capped.ToString(), Is.EqualTo("borrow 0% / reuse <= 100% free / runs <= 64 KiB"));
    }

    [Test]
    public void ALongerRunCapCutsRefillsNotFragmentation()
    {
        var sim = new AllocatorSimulator();
        SimulationResult today = sim.Run(Burst(), PlacementSettings.Default);
        SimulationResult ahead = sim.Run(Burst(), new PlacementSettings(0, 100, 64));
        TestContext.Out.WriteLine($"refills {today.Refills} -> {ahead.Refills}; fragmentation {today.Fragmentation:F3} -> {ahead.Fragmentation:F3}; cost {today.CostPerAllocation:F3} -> {ahead.CostPerAllocation:F3}");
        Assert.That(ahead.Refills * 10, Is.LessThan(today.Refills));
        Assert.That(ahead.Fragmentation, Is.EqualTo(today.Fragmentation).Within(0.01));
        Assert.That(ahead.LiveBytes, Is.EqualTo(today.LiveBytes));
        Assert.That(ahead.CostPerAllocation, Is.LessThan(today.CostPerAllocation));
    }

    [Test]
    public void FrequentRefillsGetALongerRunCapJudgedOnTheRefillRate()
    {
        var kit = new MemoryKit(trace: Burst());
        kit.Steps(MemoryModel.Window + 1, 10, refills: 100); // a rate needs one sample to prime
        Proposal? p = kit.MemoryProposal();
        Assert.That(p, Is.Not.Null, kit.Model.Describe());
        Assert.That(p!.Family, Is.EqualTo("heap.run.more"));
        Assert.That(p.Metric, Is.EqualTo(MemoryModel.RefillChannel));
        Assert.That(p.SimulatedGainPercent, Is.GreaterThan(50));
        Assert.That(p.Why, Does.Contain("heap.run_max_kib = 19"));

        string verdict = kit.Engine.Submit(p, kit.NowNs);
        Assert.That(p.State, Is.EqualTo(ProposalState.OnTrial), verdict);
        Assert.That(kit.Placement.Read().RunMaxKib, Is.EqualTo(19));
        kit.Steps(EvolutionEngine.DefaultWindow + 1, 10, refills: 30);
        Assert.That(p.State, Is.EqualTo(ProposalState.Kept));
        Assert.That(kit.Model.ReliabilityOf("heap.run.more"), Is.InRange(0.2, 1.5));
    }

    [Test]
    public void RareRefillsOrAQuietHeapGetNoRunProposal()
    {
        var kit = new MemoryKit(trace: Burst());
        kit.Steps(MemoryModel.Window + 1, 10, refills: 5);
        Assert.That(kit.MemoryProposal(), Is.Null);
        Assert.That(kit.Model.Simulations, Is.Zero);
    }

    [Test]
    public void ARunCapThatDoesNotCutTheLiveRefillRateIsRolledBack()
    {
        var kit = new MemoryKit(trace: Burst());
        kit.Steps(MemoryModel.Window + 1, 10, refills: 100); // a rate needs one sample to prime
        Proposal p = kit.MemoryProposal()!;
        kit.Engine.Submit(p, kit.NowNs);
        kit.Steps(EvolutionEngine.DefaultWindow + 1, 10, refills: 120);
        Assert.That(p.State, Is.EqualTo(ProposalState.RolledBack));
        Assert.That(kit.Placement.Read().RunMaxKib, Is.EqualTo(PlacementSettings.BaseRunKib));
        Assert.That(kit.Model.ReliabilityOf("heap.run.more"), Is.LessThan(1));
    }
}

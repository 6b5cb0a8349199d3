using NexOS.Ai.Engine;
using NexOS.Ai.Models;
using NexOS.Core.Heap;

namespace NexOS.Tests.Ai.Memory;

/// <summary>The simulator's cache-line count of objects allocated together, and the memory
/// model charging a strategy for scattering them.</summary>
[TestFixture]
public sealed class CacheLocalityTests
{
    [Test]
    public void PackedBurstsTouchTheLeastLines()
    {
        var t = new AllocationTrace();
        t.Alloc(64, 1000); // 64-byte cells in a fresh page: one line each, no more
        t.Alloc(48, 1000); // 48-byte cells share lines with their neighbours: 750 lines packed
        SimulationResult r = new AllocatorSimulator().Run(t, PlacementSettings.Default);
        TestContext.Out.WriteLine($"{r.LinesTouched} lines for {r.LinesMinimum} needed");
        Assert.That(r.LinesMinimum, Is.EqualTo(1000UL + 750));
        Assert.That(r.Scatter, Is.InRange(1.0, 1.02), "bumping through runs packs a burst (a few lines lost at run and page edges)");
    }

    [Test]
    public void FillingScatteredHolesScattersTheBurst()
    {
        AllocationTrace trace = new FragmentingPattern().Trace;
        var sim = new AllocatorSimulator();
        SimulationResult today = sim.Run(trace, PlacementSettings.Default);
        SimulationResult borrow = sim.Run(trace, new PlacementSettings(25, 100));
        TestContext.Out.WriteLine($"scatter {today.Scatter:F3} -> {borrow.Scatter:F3}; fragmentation {today.Fragmentation:F3} -> {borrow.Fragmentation:F3}");
        Assert.That(borrow.Fragmentation, Is.LessThan(today.Fragmentation / 2));
        Assert.That(borrow.Scatter, Is.GreaterThan(today.Scatter * 1.1), "the working set's 48-byte objects now sit one per 16 cells of the survivors' pages");
    }

    [Test]
    public void TheModelChargesTheScatterAsSideCost()
    {
        var kit = new MemoryKit();
        kit.Steps(MemoryModel.Window, 55);
        Proposal? p = kit.MemoryProposal();
        Assert.That(p, Is.Not.Null);
        Assert.That(p!.Why, Does.Contain("cache lines per burst"));
        SimulationResult today = new AllocatorSimulator().Run(new FragmentingPattern().Trace, PlacementSettings.Default);
        SimulationResult borrow = new AllocatorSimulator().Run(new FragmentingPattern().Trace, new PlacementSettings(25, 100));
        double scatterCost = (borrow.Scatter - today.Scatter) / today.Scatter * 10;
        Assert.That(p.SideCostPercent, Is.GreaterThanOrEqualTo(scatterCost - 1e-9));
        Assert.That(p.Family, Is.EqualTo("heap.borrow.more"), "fragmentation halved outweighs the scatter");
    }
}

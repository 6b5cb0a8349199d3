using NexOS.Core.Heap;

namespace NexOS.Tests.Ai.Memory;

/// <summary>The allocator simulator: the kernel heap's page and placement code replayed on a
/// trace, deterministic, and the strategies' effect on the demo's pattern.</summary>
[TestFixture]
public sealed class AllocatorSimulatorTests
{
    [Test]
    public void DemoPatternStrandsOverHalfTheCellsUnderTodaysStrategy()
    {
        var pattern = new FragmentingPattern();
        SimulationResult today = new AllocatorSimulator().Run(pattern.Trace, PlacementSettings.Default);
        TestContext.Out.WriteLine(today);
        Assert.That(today.Error, Is.Null);
        Assert.That(today.Fragmentation, Is.GreaterThanOrEqualTo(0.5));
        Assert.That(today.Borrowed, Is.Zero);
        Assert.That(today.Allocations, Is.EqualTo((ulong)pattern.Trace.Objects));
    }

    [Test]
    public void BorrowingHolesFromTheNextClassMoreThanHalvesFragmentation()
    {
        AllocationTrace trace = new FragmentingPattern().Trace;
        var simulator = new AllocatorSimulator();
        SimulationResult today = simulator.Run(trace, PlacementSettings.Default);
        SimulationResult borrow = simulator.Run(trace, new PlacementSettings(25, 100));
        TestContext.Out.WriteLine(borrow);
        Assert.That(borrow.Fragmentation, Is.LessThanOrEqualTo(today.Fragmentation / 2));
        Assert.That(borrow.Borrowed, Is.GreaterThan(0UL));
        Assert.That(borrow.Pages, Is.LessThan(today.Pages), "the working set fits in the holes instead of new pages");
        Assert.That(borrow.CostPerAllocation, Is.GreaterThan(today.CostPerAllocation), "short runs between survivors cost more refills");
        Assert.That(borrow.InternalWasteBytes, Is.GreaterThan(today.InternalWasteBytes));
    }

    [Test]
    public void DrainingEmptyPagesMakesThisPatternWorse()
    {
        AllocationTrace trace = new FragmentingPattern(rounds: 2).Trace;
        var simulator = new AllocatorSimulator();
        SimulationResult borrow = simulator.Run(trace, new PlacementSettings(25, 100));
        SimulationResult drain = simulator.Run(trace, new PlacementSettings(25, 75));
        TestContext.Out.WriteLine(drain);
        Assert.That(drain.Fragmentation, Is.GreaterThan(2 * borrow.Fragmentation));
        Assert.That(drain.Borrowed, Is.Zero, "94% free pages are past a 75% reuse limit");
    }

    [Test]
    public void RunsAreDeterministic()
    {
        AllocationTrace trace = new FragmentingPattern(rounds: 2, pages: 8).Trace;
        var simulator = new AllocatorSimulator();
        var settings = new PlacementSettings(40, 90);
        SimulationResult first = simulator.Run(trace, settings);
        SimulationResult second = new AllocatorSimulator().Run(trace, settings);
        Assert.That(second, Is.EqualTo(first));
        Assert.That(simulator.PooledPages, Is.GreaterThan(0));
        simulator.Run(trace, PlacementSettings.Default);
        Assert.That(simulator.Run(trace, settings), Is.EqualTo(first), "pooled descriptors and handles change nothing");
    }

    [Test]
    public void DefaultsTakeTheHeadOfTheOwnListLikeTheKernelDid()
    {
        var partial = new PartialPages();
        var low = new HeapPage(0x10000, 4);
        var high = new HeapPage(0x20000, 4);
        low.TryAllocate(out _);
        high.TryAllocate(out _);
        partial.Push(high);
        partial.Push(low);
        Assert.That(partial.Take(4, PlacementSettings.Default), Is.SameAs(low));
        Assert.That(partial.Take(3, PlacementSettings.Default), Is.Null, "no borrowing by default");
        Assert.That(partial.Take(3, new PlacementSettings(25, 100)), Is.SameAs(high), "48 in 64 wastes 25%");
        Assert.That(partial.Take(-1, PlacementSettings.Default), Is.Null);
        Assert.That(partial.Take(SizeClasses.Count, PlacementSettings.Default), Is.Null);
    }

    [Test]
    public void BorrowLimitFollowsTheWasteOfTheLargerCell()
    {
        var s = new PlacementSettings(25, 100);
        Assert.That(s.MayBorrow(3, 4), Is.True, "48 -> 64: 25%");
        Assert.That(s.MayBorrow(2, 3), Is.False, "32 -> 48: 33%");
        Assert.That(s.MayBorrow(4, 3), Is.False, "never a smaller cell");
        Assert.That(s.MayBorrow(3, SizeClasses.Count), Is.False);
        Assert.That(PlacementSettings.Default.MayBorrow(3, 4), Is.False);
        Assert.That(new PlacementSettings(-5, 400), Is.EqualTo(new PlacementSettings(0, 100)), "clamped");
    }

    [Test]
    public void SweepFindsAStrategyAtLeastAsGoodAsBorrowing()
    {
        AllocationTrace trace = new FragmentingPattern(pages: 16).Trace;
        var all = new List<SimulationResult>();
        SimulationResult best = PlacementSweep.Best(trace, 10, all);
        TestContext.Out.WriteLine($"best {best}");
        Assert.That(all, Has.Count.EqualTo(121));
        Assert.That(best.Fragmentation, Is.LessThanOrEqualTo(new AllocatorSimulator().Run(trace, new PlacementSettings(30, 100)).Fragmentation));
        foreach (SimulationResult r in all)
        {
            Assert.That(PlacementSweep.Better(r, best), Is.False, r.ToString());
        }
    }
}

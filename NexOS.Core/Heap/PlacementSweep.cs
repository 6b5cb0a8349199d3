namespace NexOS.Core.Heap;

/// <summary>
/// The best static placement strategy for a trace: every setting on a grid replayed in the
/// simulator, lowest fragmentation first, then least allocation cost, then least internal
/// waste (so a tie goes to the milder change).
/// </summary>
public static class PlacementSweep
{
    /// <summary>Sweeps borrow 0..100 and reuse 0..100 in steps of <paramref name="step"/>
    /// percent. <paramref name="results"/>, when given, receives every result.</summary>
    public static SimulationResult Best(AllocationTrace trace, int step = 5, List<SimulationResult>? results = null, AllocatorSimulator? simulator = null)
    {
        simulator ??= new AllocatorSimulator();
        step = Math.Clamp(step, 1, 100);
        SimulationResult best = default;
        bool any = false;
        for (int borrow = 0; borrow <= 100; borrow += step)
        {
            for (int reuse = 0; reuse <= 100; reuse += step)
            {
                SimulationResult r = simulator.Run(trace, new PlacementSettings(borrow, reuse));
                results?.Add(r);
                if (r.Error == null && (!any || Better(r, best)))
                {
                    best = r;
                    any = true;
                }
            }
        }

        return best;
    }

    /// <summary>True when <paramref name="a"/> beats <paramref name="b"/>: fragmentation lower
    /// by more than 1e-9, then cost, then waste.</summary>
    public static bool Better(in SimulationResult a, in SimulationResult b)
    {
        if (Math.Abs(a.Fragmentation - b.Fragmentation) > 1e-9)
        {
            return a.Fragmentation < b.Fragmentation;
        }

        if (Math.Abs(a.CostPerAllocation - b.CostPerAllocation) > 1e-9)
        {
            return a.CostPerAllocation < b.CostPerAllocation;
        }

        return a.InternalWasteBytes < b.InternalWasteBytes;
    }
}

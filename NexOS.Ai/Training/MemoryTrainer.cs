using NexOS.Ai.Engine;
using NexOS.Ai.Models;
using NexOS.Core.Heap;

namespace NexOS.Ai.Training;

/// <summary>A training scenario: the trace the memory model would see (the recent past) and
/// the one its change would then face (what the workload does next).</summary>
public sealed record MemoryScenario(string Name, AllocationTrace Seen, AllocationTrace Future);

/// <summary>
/// Trains the memory model's priors the way the kernel would judge its proposals, with the
/// simulator standing in for the live heap. For each scenario and each starting strategy, every
/// neighbour the model would look at (one parameter moved by the policy's step) is replayed on
/// the seen trace; those whose simulated gain reaches the model's threshold are the proposals
/// it would make. Each is then "measured" on the future trace: kept when that gain reaches the
/// engine's minimum, rolled back otherwise, and its measured / simulated ratio (clamped 0..1.5)
/// is the lesson the model's reliability rule would learn. Per family the trainer writes the
/// Beta prior (1 + kept, 1 + rolled back) and the starting reliability: the mean ratio shrunk
/// towards the untrained 1 by one pseudo-observation. Deterministic.
/// </summary>
public static class MemoryTrainer
{
    /// <summary>Strategies the model is started from: today's, and places a kept patch or an
    /// operator could have left it.</summary>
    public static readonly PlacementSettings[] Starts =
    {
        PlacementSettings.Default, new(25, 100), new(0, 75), new(50, 50),
    };

    /// <summary>
    /// Synthetic scenarios built from <see cref="FragmentingPattern"/> (32 pages, so training
    /// takes seconds): the demo's pattern and a larger-celled one, each facing more rounds of
    /// itself; a drift where the long-lived cache thins out; a working set larger than the
    /// survivors' cells (borrowing cannot help); half-emptied pages; and three where the
    /// working set changes size after the model looked (its trace no longer represents it).
    /// </summary>
    public static IReadOnlyList<MemoryScenario> SyntheticScenarios() => new[]
    {
        new MemoryScenario("64/48 every 16th", new FragmentingPattern(1, 32, 16, 64, 48).Trace, new FragmentingPattern(3, 32, 16, 64, 48).Trace),
        new MemoryScenario("128/96 every 8th", new FragmentingPattern(1, 32, 8, 128, 96).Trace, new FragmentingPattern(3, 32, 8, 128, 96).Trace),
        new MemoryScenario("cache thins out", new FragmentingPattern(1, 32, 16, 64, 48).Trace, new FragmentingPattern(2, 32, 4, 64, 48).Trace),
        new MemoryScenario("48/64 every 16th", new FragmentingPattern(1, 32, 16, 48, 64).Trace, new FragmentingPattern(3, 32, 16, 48, 64).Trace),
        new MemoryScenario("256/192 every 2nd", new FragmentingPattern(1, 32, 2, 256, 192).Trace, new FragmentingPattern(3, 32, 2, 256, 192).Trace),
        new MemoryScenario("working set shrinks to 32", new FragmentingPattern(1, 32, 16, 64, 48).Trace, new FragmentingPattern(3, 32, 16, 64, 32).Trace),
        new MemoryScenario("working set grows to 64", new FragmentingPattern(1, 32, 16, 64, 48).Trace, new FragmentingPattern(3, 32, 16, 64, 64).Trace),
        new MemoryScenario("128/96 then 128/80", new FragmentingPattern(1, 32, 8, 128, 96).Trace, new FragmentingPattern(3, 32, 8, 128, 80).Trace),
    };

    /// <summary>
    /// Trains on <paramref name="scenarios"/> with the policy's step (<paramref name="stepBp"/>
    /// of each parameter's 0..100 range), the model's proposal threshold and the engine's
    /// keep threshold, and adds the memory model's priors to <paramref name="priors"/>.
    /// Returns one line per family: proposals, kept, rolled back, reliability.
    /// </summary>
    public static string Train(IReadOnlyList<MemoryScenario> scenarios, long stepBp, double proposeGainPercent, double keepGainPercent, ModelPriors priors)
    {
        IReadOnlyList<string> families = MemoryModel.Families;
        var kept = new int[families.Count];
        var rolledBack = new int[families.Count];
        var ratioSum = new double[families.Count];
        int step = (int)Math.Clamp(100 * stepBp / 10_000, 1, 100);
        var sim = new AllocatorSimulator();
        foreach (MemoryScenario s in scenarios)
        {
            foreach (PlacementSettings start in Starts)
            {
                SimulationResult seenBefore = sim.Run(s.Seen, start);
                SimulationResult futureBefore = sim.Run(s.Future, start);
                foreach ((string parameter, int value, bool up) in Neighbours(start, step))
                {
                    PlacementSettings next = parameter == PlacementParameters.BorrowName
                        ? new(value, start.ReuseMaxFreePercent) : new(start.BorrowWastePercent, value);
                    double simulated = MemoryModel.GainPercent(seenBefore, sim.Run(s.Seen, next));
                    if (simulated < proposeGainPercent)
                    {
                        continue; // the model would not propose it
                    }

                    double measured = MemoryModel.GainPercent(futureBefore, sim.Run(s.Future, next));
                    int f = IndexOf(families, MemoryModel.FamilyOf(parameter, up));
                    kept[f] += measured >= keepGainPercent ? 1 : 0;
                    rolledBack[f] += measured >= keepGainPercent ? 0 : 1;
                    ratioSum[f] += Math.Clamp(measured / simulated, 0, MemoryModel.MaxReliability);
                }
            }
        }

        var summary = new System.Text.StringBuilder();
        for (int f = 0; f < families.Count; f++)
        {
            int n = kept[f] + rolledBack[f];
            double reliability = (1 + ratioSum[f]) / (1 + n);
            priors.AddFamily(families[f], 1 + kept[f], 1 + rolledBack[f]);
            priors.AddValue(MemoryModel.ReliabilityPrior + families[f], reliability);
            summary.Append($"{families[f]}: {n} proposals, {kept[f]} kept, {rolledBack[f]} rolled back, reliability {reliability:F3}\n");
        }

        return summary.ToString();
    }

    private static IEnumerable<(string Parameter, int Value, bool Up)> Neighbours(PlacementSettings s, int step)
    {
        if (s.BorrowWastePercent < 100)
        {
            yield return (PlacementParameters.BorrowName, Math.Min(100, s.BorrowWastePercent + step), true);
        }

        if (s.BorrowWastePercent > 0)
        {
            yield return (PlacementParameters.BorrowName, Math.Max(0, s.BorrowWastePercent - step), false);
        }

        if (s.ReuseMaxFreePercent < 100)
        {
            yield return (PlacementParameters.ReuseName, Math.Min(100, s.ReuseMaxFreePercent + step), true);
        }

        if (s.ReuseMaxFreePercent > 0)
        {
            yield return (PlacementParameters.ReuseName, Math.Max(0, s.ReuseMaxFreePercent - step), false);
        }
    }

    private static int IndexOf(IReadOnlyList<string> list, string name)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}

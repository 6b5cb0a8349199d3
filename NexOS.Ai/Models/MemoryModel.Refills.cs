using NexOS.Ai.Engine;
using NexOS.Core.Heap;
using NexOS.Core.Policy;

namespace NexOS.Ai.Models;

/// <summary>
/// The model's second objective, predictive allocation: when fragmentation is quiet but the
/// allocator takes its slow path often (the "mem.alloc_refills.rate" window's mean at or over
/// <see cref="MemoryModel.RefillTriggerPerSecond"/>), it replays the trace with the run cap
/// (<see cref="PlacementSettings.RunMaxKib"/>: how far a class that keeps refilling fetches
/// ahead) one step up and one down, and proposes the one that cuts the simulated refills most,
/// judged live on the refill rate. Side cost: the simulated rise in fragmentation, relative,
/// plus a tenth of the rise in peak pages. Same reliability rule, families heap.run.more/less.
/// </summary>
public sealed partial class MemoryModel
{
    private SearchMemo _refillsSearched;

    /// <summary>Slow paths per second (window mean) at which the model looks at the run cap.</summary>
    public double RefillTriggerPerSecond { get; set; } = 200;

    private void AnalyseRefills(EngineSnapshot snapshot, List<Proposal> proposals)
    {
        (int Count, double Mean) stats = snapshot.Mean(RefillChannel, Window);
        if (stats.Count < Window || stats.Mean < RefillTriggerPerSecond || _trace == null)
        {
            return;
        }

        ParameterSet? set = snapshot.Manager.Registry.FindParameterSet(TargetSet);
        Parameter? run = set?.Find(PlacementParameters.RunName);
        if (set == null || run == null)
        {
            return;
        }

        PlacementSettings current = PlacementParameters.ReadFrom(set);
        long stepBp = snapshot.Manager.Policy.MaxParameterStepBp;
        if (!_refillsSearched.Holds(current, stepBp))
        {
            _refillsSearched.Store(SearchRuns(run, current, stepBp), current, stepBp);
        }

        Choice c = _refillsSearched.Choice;
        if (c.Family < 0 || c.Gain * _reliability[c.Family] < MinGainPercent)
        {
            return;
        }

        _state = $"refills {stats.Mean:F0}/s: proposing {c.Parameter} = {c.Value}";
        proposals.Add(Make(snapshot, c));
    }

    /// <summary>The run cap one step up and down, replayed; the best as a choice (Family -1
    /// when neither gains).</summary>
    private Choice SearchRuns(Parameter run, PlacementSettings current, long stepBp)
    {
        Choice best = default;
        best.Family = -1;
        long step = (run.Max - run.Min) * stepBp / 10_000;
        if (step <= 0)
        {
            return best;
        }

        _simulator = new AllocatorSimulator();
        SimulationResult before = SimulateToday(current);
        foreach (long value in new[] { Math.Min(run.Max, run.Value + step), Math.Max(run.Min, run.Value - step) })
        {
            if (value == run.Value || before.Refills == 0)
            {
                continue;
            }

            SimulationResult after = Simulate(With(current, run.Name, value));
            var c = new Choice
            {
                Parameter = run.Name,
                Value = value,
                Family = FamilyIndex(run.Name, value > run.Value),
                Before = before.Refills,
                After = after.Refills,
                Gain = (before.Refills - (double)after.Refills) / before.Refills * 100,
                Cost = Math.Max(0, -GainPercent(before, after)) + (before.PeakPages == 0 ? 0 : Math.Max(0, (after.PeakPages - before.PeakPages) * 10.0 / before.PeakPages)),
                Metric = RefillChannel,
            };
            c.Why = $"{before.Refills} refills replaying {Replayed()}; with {run.Name} = {value}: {after.Refills} ({c.Gain:F1}% fewer), fragmentation {before.Fragmentation * 100:F1}% -> {after.Fragmentation * 100:F1}%";
            if (c.Gain > 0 && (best.Family < 0 || c.Gain - c.Cost > best.Gain - best.Cost))
            {
                best = c;
            }
        }

        _simulator = null;
        return best;
    }

    private struct Choice
    {
        public string Parameter;
        public long Value;
        public int Family;
        public double Before;
        public double After;
        public double Gain;
        public double Cost;

        /// <summary>The metric the engine judges it on; null: fragmentation.</summary>
        public string? Metric;

        /// <summary>The proposal's sentence; null: the fragmentation one.</summary>
        public string? Why;

        /// <summary>Cache lines touched per line needed by each alloc step, before and after.</summary>
        public double ScatterBefore;

        public double ScatterAfter;
    }
}

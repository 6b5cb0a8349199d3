using NexOS.Ai.Engine;
using NexOS.Core.Heap;
using NexOS.Core.Policy;
using NexOS.Security.Audit;
using NexOS.Security.Patches;

namespace NexOS.Ai.Models;

/// <summary>The model's search: neighbours of the current strategy replayed in the simulator.</summary>
public sealed partial class MemoryModel
{
    /// <summary>Replays remembered per trace (a search is five).</summary>
    private const int ResultCache = 12;

    /// <summary>Objects a thinned replay keeps at least (<see cref="SampleObjects"/>'s default).</summary>
    public const int DefaultSampleObjects = 6144;

    /// <summary>Pages' worth of bytes a thinned replay keeps at least (<see cref="SamplePages"/>'s default).</summary>
    public const int DefaultSamplePages = 6;

    private readonly PlacementSettings[] _replayed = new PlacementSettings[ResultCache];
    private readonly SimulationResult[] _results = new SimulationResult[ResultCache];
    private AllocationTrace? _resultsFor;
    private int _resultsOps;
    private int _resultCount;
    private AllocationTrace? _sample;
    private int _every = 1;
    private bool _sampleChecked;
    private string? _sampleMiss;

    /// <summary>A longer trace is replayed thinned (<see cref="TraceThinning"/>) to about this
    /// many objects: a replay costs about what the workload's own allocations cost, and a
    /// search is five of them. The live trial judges what the thinned replay proposed. A
    /// recorded trace (<see cref="AllocationTrace.Recorded"/>) is replayed whole.</summary>
    public int SampleObjects { get; init; } = DefaultSampleObjects;

    /// <summary>...and to at least this many pages' worth of bytes.</summary>
    public int SamplePages { get; init; } = DefaultSamplePages;

    /// <summary>The thinning of the last trace replayed (1: replayed whole).</summary>
    public int SampleEvery => _every;

    /// <summary>How far (fraction) the thinned replay of today's strategy may land from the
    /// heap's own fragmentation before the trace is replayed whole.</summary>
    public double SampleTolerance { get; init; } = 0.1;

    private Choice Search(ParameterSet set, PlacementSettings current, long stepBp)
    {
        _simulator = new AllocatorSimulator();
        SimulationResult before = SimulateToday(current);
        Choice best = default;
        best.Family = -1;
        foreach (Parameter p in set.All)
        {
            if (p.Name == PlacementParameters.RunName)
            {
                continue; // the run cap is judged on refills (MemoryModel.Refills.cs), not fragmentation
            }

            long step = (p.Max - p.Min) * stepBp / 10_000;
            if (step <= 0)
            {
                continue;
            }

            foreach (long value in new[] { Math.Min(p.Max, p.Value + step), Math.Max(p.Min, p.Value - step) })
            {
                if (value == p.Value)
                {
                    continue;
                }

                Choice c = Evaluate(p.Name, value, value > p.Value, before, Simulate(With(current, p.Name, value)));
                if (c.Family >= 0 && (best.Family < 0 || c.Gain - c.Cost > best.Gain - best.Cost))
                {
                    best = c;
                }
            }
        }

        _simulator = null;
        return best;
    }

    private static Choice Evaluate(string parameter, long value, bool up, in SimulationResult before, in SimulationResult after)
    {
        var c = new Choice
        {
            Parameter = parameter,
            Value = value,
            Family = FamilyIndex(parameter, up),
            Before = before.Fragmentation,
            After = after.Fragmentation,
            Gain = GainPercent(before, after),
            // A tenth of the rise in allocation work, and a tenth of the rise in scatter
            // (objects allocated together spread over more cache lines): both are small parts
            // of a workload's time next to the memory fragmentation strands.
            Cost = (before.CostPerAllocation > 0 ? Math.Max(0, (after.CostPerAllocation - before.CostPerAllocation) / before.CostPerAllocation * 10) : 0)
                + Math.Max(0, (after.Scatter - before.Scatter) / before.Scatter * 10),
            ScatterBefore = before.Scatter,
            ScatterAfter = after.Scatter,
        };
        return c;
    }

    private SimulationResult Simulate(PlacementSettings settings)
    {
        // A replay is deterministic, so a strategy already replayed on this trace is looked up,
        // not replayed: after a kept change the next search starts from a neighbour of the last
        // one and shares most of its points.
        AllocationTrace trace = _trace!;
        if (_resultsFor != trace || _resultsOps != trace.Ops.Count)
        {
            _resultsFor = trace;
            _resultsOps = trace.Ops.Count;
            _resultCount = 0;
            _every = trace.Recorded ? 1 : TraceThinning.Factor(trace, SampleObjects, SamplePages);
            _sample = TraceThinning.Thin(trace, _every);
            _every = _sample == null ? 1 : _every;
            _sampleChecked = false;
            _sampleMiss = null;
        }

        for (int i = 0; i < _resultCount; i++)
        {
            if (_replayed[i].Equals(settings))
            {
                return _results[i];
            }
        }

        Simulations++;
        SimulationResult r = _simulator!.Run(_sample ?? trace, settings);
        int slot = _resultCount < ResultCache ? _resultCount++ : (int)(Simulations % ResultCache);
        _replayed[slot] = settings;
        _results[slot] = r;
        return r;
    }

    /// <summary>
    /// Today's strategy replayed, and the thinning checked once per trace against the heap
    /// itself: the thinned replay should land near the fragmentation gauge's window mean (the
    /// demo's does: 0.551 against 0.548). A thinning that misses by more than
    /// <see cref="SampleTolerance"/> misrepresents this trace (a recording whose frees fall on
    /// the newest objects of each step, outside the kept prefixes), so the trace is replayed
    /// whole from then on, and the check costs nothing when it passes.
    /// </summary>
    private SimulationResult SimulateToday(PlacementSettings current)
    {
        SimulationResult r = Simulate(current);
        if (_every <= 1 || _sampleChecked || r.Error != null || _snapshot == null)
        {
            return r;
        }

        var live = _snapshot.Statistics(FragmentationChannel, Window);
        if (live.Count == 0)
        {
            return r;
        }

        _sampleChecked = true;
        if (Math.Abs(r.Fragmentation - (live.Mean / 100)) <= SampleTolerance)
        {
            return r;
        }

        _sampleMiss = $"1/{_every} replayed today's strategy at {r.Fragmentation * 100:F1}% against {live.Mean:F1}% live";
        _every = 1;
        _sample = null;
        _resultCount = 0;
        return Simulate(current);
    }

    /// <summary>What the replays ran on, for the proposal's sentence.</summary>
    private string Replayed() => _every > 1 && _sample != null
        ? $"1/{_every} of the recent trace ({_sample.Objects} of {_trace?.Objects} objects)"
        : _sampleMiss == null ? "the recent trace" : $"the whole recent trace (thinned, {_sampleMiss})";

    private static PlacementSettings With(PlacementSettings s, string parameter, long value) => parameter switch
    {
        PlacementParameters.BorrowName => new((int)value, s.ReuseMaxFreePercent, s.RunMaxKib),
        PlacementParameters.ReuseName => new(s.BorrowWastePercent, (int)value, s.RunMaxKib),
        _ => new(s.BorrowWastePercent, s.ReuseMaxFreePercent, (int)value),
    };

    private Proposal Make(EngineSnapshot snapshot, Choice c)
    {
        string metric = c.Metric ?? FragmentationChannel;
        string why = c.Why ?? $"fragmentation {c.Before * 100:F1}%: replaying {Replayed()} with {c.Parameter} = {c.Value} gives {c.After * 100:F1}% ({c.Gain:F1}% better); side cost {c.Cost:F1}% (allocation work and cache lines per burst {c.ScatterBefore:F2} -> {c.ScatterAfter:F2})";
        string parameter = c.Parameter;
        long value = c.Value;
        ulong now = snapshot.NowNs;
        int gainBp = (int)Math.Clamp(c.Gain * 100, -1_000_000, 1_000_000);
        return new Proposal(Name, s_families[c.Family], TargetSet, PatchKind.Parameter, metric, true,
            c.Gain * _reliability[c.Family], why, patchId =>
            {
                var patch = Patch.ForParameters(TargetSet, new[] { new ParameterChange(parameter, value) },
                    new PatchProvenance(patchId, now, PatchOrigin.Engine, "memory-model", why, metric, -gainBp));
                return PatchWriter.TryWrite(patch, null, out byte[]? bytes, out _) ? bytes : null;
            })
        {
            SimulatedGainPercent = c.Gain,
            SideCostPercent = c.Cost,
        };
    }

    /// <summary>A search's answer and what it was searched from: valid until the strategy,
    /// the level's step or the trace changes.</summary>
    private struct SearchMemo
    {
        private bool _valid;
        private PlacementSettings _from;
        private long _stepBp;

        /// <summary>The remembered answer.</summary>
        public Choice Choice { get; private set; }

        /// <summary>Whether the answer was searched from <paramref name="current"/> at <paramref name="stepBp"/>.</summary>
        public readonly bool Holds(PlacementSettings current, long stepBp) => _valid && current.Equals(_from) && stepBp == _stepBp;

        /// <summary>Remembers <paramref name="choice"/> as the answer for <paramref name="current"/> at <paramref name="stepBp"/>.</summary>
        public void Store(Choice choice, PlacementSettings current, long stepBp)
        {
            Choice = choice;
            _from = current;
            _stepBp = stepBp;
            _valid = true;
        }

        /// <summary>Forgets the answer (a new trace).</summary>
        public void Forget() => _valid = false;
    }
}

using NexOS.Core.Policy;
using NexOS.Security.Patches;

namespace NexOS.Ai.Models;

/// <summary>One static setting of the sweep and what the shadow measured for it.</summary>
public readonly struct SweepPoint
{
    /// <summary>slice_ns.</summary>
    public long SliceNs { get; init; }

    /// <summary>boost_levels.</summary>
    public long BoostLevels { get; init; }

    /// <summary>max_boost.</summary>
    public long MaxBoost { get; init; }

    /// <summary>The shadow run.</summary>
    public ShadowResult Result { get; init; }

    /// <summary>CPU-bound work lost against the sweep's reference, percent.</summary>
    public double CostPercent { get; init; }
}

/// <summary>
/// The best static setting: sweeps the normal policy's time slice and boost over a workload
/// in the simulator and keeps the setting with the lowest I/O-bound wait among those that
/// lose at most <see cref="MaxCostPercent"/> of the CPU-bound work of the reference setting
/// (ties go to the cheaper setting).
/// The yardstick the engine's choice is measured against ("within 10% of the best static
/// setting"). Deterministic.
/// </summary>
public static class SchedulerSweep
{
    /// <summary>Largest CPU-bound work loss a setting may cost to qualify, percent.</summary>
    public const double MaxCostPercent = 5;

    /// <summary>Time slices swept, ns.</summary>
    public static readonly long[] Slices = { 1_000_000, 2_000_000, 5_000_000, 10_000_000, 20_000_000 };

    /// <summary>(boost_levels, max_boost) pairs swept: none, gentle, the default, strong.</summary>
    public static readonly (long Boost, long Max)[] Boosts = { (0, 0), (1, 2), (2, 4), (4, 8) };

    /// <summary>
    /// Runs every setting on <paramref name="workload"/> with the other parameters of
    /// <paramref name="reference"/> and no hook patches; the cost of each is measured against
    /// <paramref name="reference"/> itself. Returns the best qualifying point (the reference
    /// qualifies at cost 0, so there always is one) and fills <paramref name="all"/> when given.
    /// </summary>
    public static SweepPoint Run(SchedulerShadow shadow, SchedulerWorkload workload, ParameterSet reference, List<SweepPoint>? all = null)
    {
        ShadowResult baseline = shadow.Run(workload, reference, ReadOnlySpan<ParameterChange>.Empty, null, null);
        var best = new SweepPoint
        {
            SliceNs = reference.Find("slice_ns")?.Value ?? 0,
            BoostLevels = reference.Find("boost_levels")?.Value ?? 0,
            MaxBoost = reference.Find("max_boost")?.Value ?? 0,
            Result = baseline,
        };
        bool adaptive = reference.Find("boost_levels") != null;
        var changes = new ParameterChange[3];
        foreach (long slice in Slices)
        {
            foreach ((long boost, long max) in Boosts)
            {
                if (!adaptive && boost != 0)
                {
                    continue;
                }

                changes[0] = new ParameterChange("slice_ns", slice);
                changes[1] = new ParameterChange("boost_levels", boost);
                changes[2] = new ParameterChange("max_boost", max);
                ShadowResult r = shadow.Run(workload, reference, changes, null, null);
                var point = new SweepPoint { SliceNs = slice, BoostLevels = boost, MaxBoost = max, Result = r, CostPercent = r.CostOver(baseline) };
                all?.Add(point);
                bool better = r.IoWaitNs < best.Result.IoWaitNs || (r.IoWaitNs == best.Result.IoWaitNs && point.CostPercent < best.CostPercent);
                if (point.CostPercent <= MaxCostPercent && better)
                {
                    best = point;
                }
            }
        }

        return best;
    }
}

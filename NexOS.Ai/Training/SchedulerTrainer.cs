using NexOS.Ai.Engine;
using NexOS.Ai.Models;
using NexOS.Core.Scheduling;
using NexOS.Security.Audit;
using NexOS.Security.Patching;
using NexOS.Security.Patches;
using NexOS.Security.Policy;

namespace NexOS.Ai.Training;

/// <summary>
/// Trains the scheduler model's priors in the simulator: for each synthetic workload and each
/// starting configuration, the model evaluates its candidates as it would live; each family's
/// best proposable candidate is then replayed on held-out variations of the workload (other
/// bursts, blocks and thread counts, as the live mix drifts between analysis and measurement).
/// A variation where it still gains at least the engine's minimum at an acceptable cost counts
/// as "kept", any other as "rolled back"; the mean of held-out over estimated gain (clamped to
/// [0, 2], the model's learning rule) becomes the family's starting calibration.
/// </summary>
public static class SchedulerTrainer
{
    /// <summary>Simulated time per shadow run while training (shorter than live, for build time).</summary>
    public const ulong TrainingRunNs = 1_000_000_000;

    /// <summary>Synthetic mixes of I/O-bound and CPU-bound threads. Deterministic.</summary>
    public static IReadOnlyList<SchedulerWorkload> SyntheticWorkloads() => new[]
    {
        Mix(4, 30_000, 10_000_000, 6),
        Mix(2, 100_000, 5_000_000, 4),
        Mix(8, 20_000, 20_000_000, 3),
        Mix(3, 500_000, 2_000_000, 8),
    };

    /// <summary>Held-out variations of <paramref name="w"/>: longer bursts, shorter blocks, more threads.</summary>
    public static IReadOnlyList<SchedulerWorkload> Variations(SchedulerWorkload w) => new[]
    {
        Mix(w.IoThreads, w.IoBurstNs * 3 / 2, w.IoBlockNs, w.CpuThreads),
        Mix(w.IoThreads, w.IoBurstNs, w.IoBlockNs * 7 / 10, w.CpuThreads),
        Mix(w.IoThreads + 1, w.IoBurstNs, w.IoBlockNs, w.CpuThreads + 2),
    };

    /// <summary>Trains on <paramref name="workloads"/> and adds `family` and
    /// `scheduler.calibration.FAMILY` entries to <paramref name="priors"/>. Returns the
    /// number of held-out trials.</summary>
    public static int Train(IReadOnlyList<SchedulerWorkload> workloads, double minGainPercent, ModelPriors priors)
    {
        var families = new List<string>();
        var kept = new List<int>();
        var trials = new List<int>();
        var ratioSums = new List<double>();
        var shadow = new SchedulerShadow { DurationNs = TrainingRunNs };
        int total = 0;
        foreach (SchedulerWorkload workload in workloads)
        {
            for (int start = 0; start < 2; start++)
            {
                var host = new TrainingHost();
                PatchManager manager = Manager(host, plainRoundRobin: start == 0);
                // Every family's candidate runs in full, not only the two best: the trainer
                // learns about each family, whichever the live model would rank first.
                var model = new SchedulerModel(shadow) { Finalists = int.MaxValue };
                model.Evaluate(new ShadowContext(shadow, workload, manager), 0);
                foreach (SchedulerCandidate best in BestPerFamily(model))
                {
                    int f = families.IndexOf(best.Family);
                    if (f < 0)
                    {
                        families.Add(best.Family);
                        kept.Add(0);
                        trials.Add(0);
                        ratioSums.Add(0);
                        f = families.Count - 1;
                    }

                    foreach (SchedulerWorkload variation in Variations(workload))
                    {
                        SchedulerCandidate? r = Replay(new ShadowContext(shadow, variation, manager), best);
                        double gain = r?.GainPercent ?? 0;
                        bool good = r != null && gain >= minGainPercent && r.CostPercent <= model.MaxCostPercent;
                        kept[f] += good ? 1 : 0;
                        trials[f]++;
                        ratioSums[f] += Math.Clamp(gain / best.GainPercent, 0, 2);
                        total++;
                    }
                }
            }
        }

        for (int f = 0; f < families.Count; f++)
        {
            priors.AddFamily(families[f], 1 + kept[f], 1 + (trials[f] - kept[f]));
            priors.AddValue("scheduler.calibration." + families[f], ratioSums[f] / trials[f]);
        }

        return total;
    }

    /// <summary>The best candidate of each family that the model would propose (gain at least
    /// its minimum at a cost at most its maximum), best first.</summary>
    private static List<SchedulerCandidate> BestPerFamily(SchedulerModel model)
    {
        var best = new List<SchedulerCandidate>();
        foreach (SchedulerCandidate c in model.Candidates)
        {
            bool seen = false;
            foreach (SchedulerCandidate b in best)
            {
                seen |= b.Family == c.Family;
            }

            if (!seen && c.GainPercent >= model.MinGainPercent && c.CostPercent <= model.MaxCostPercent)
            {
                best.Add(c);
            }
        }

        return best;
    }

    private static SchedulerCandidate? Replay(ShadowContext context, SchedulerCandidate c)
    {
        if (c.Changes != null)
        {
            return context.Parameters(c.Family, c.Why, c.Changes);
        }

        return c.Program == null ? null : context.Code(c.Family, c.Program, out _);
    }

    /// <summary>A patch manager over a fresh adaptive policy, as the kernel registers it; the
    /// demo's starting point (plain round robin) or the shipped defaults.</summary>
    private static PatchManager Manager(TrainingHost host, bool plainRoundRobin)
    {
        var policy = new AdaptivePolicy();
        if (plainRoundRobin)
        {
            policy.Parameters.TrySet("boost_levels", 0);
            policy.Parameters.TrySet("max_boost", 0);
            policy.Parameters.TrySet("max_decay", 0);
        }

        var registry = new HookRegistry(() => host.NowNs);
        registry.AddHook(HookCatalog.CreateTimeSlice());
        registry.AddHook(HookCatalog.CreatePriority());
        registry.AddParameterSet("sched.normal", policy.Parameters, SafetyClass.Tuning);
        return new PatchManager(registry, new AuditTrail(64), new PatchKeyRing(), host, SecurityLevel.Standard);
    }

    private static SchedulerWorkload Mix(int io, ulong burst, ulong block, int cpu) => new()
    {
        IoThreads = io,
        IoBurstNs = burst,
        IoBlockNs = block,
        CpuThreads = cpu,
    };

    /// <summary>The patch manager's host while training: a clock that stands still.</summary>
    private sealed class TrainingHost : IEvolveHost
    {
        public ulong NowNs => 0;

        public ulong Enter() => 0;

        public void Leave(ulong state)
        {
        }
    }
}

using NexOS.Ai.Engine;
using NexOS.Ai.Models;
using NexOS.Core.Scheduling;

namespace NexOS.Ai.Training;

/// <summary>
/// Trains the power model's priors on sleeper traces: for each trace (the periods of the
/// threads that sleep), count the distinct timer wake-ups in a second under each slack the
/// model would try (250 us, doubling up to the parameter's limit) using the kernel's own
/// <see cref="TimerSlack"/>, and record the gain of each doubling. The mean gain becomes the
/// model's starting estimate; each doubling that gains at least the engine's minimum counts as
/// "kept" in the family's Beta prior, every other as "rolled back".
/// </summary>
public static class PowerTrainer
{
    /// <summary>Largest slack tried, microseconds (the parameter's maximum).</summary>
    public const long MaxSlackUs = 20_000;

    /// <summary>
    /// Synthetic sleeper traces of the kind the kernel runs: a housekeeping thread at 100 ms,
    /// I/O-style threads polling every few milliseconds, and mixes of both, with periods that
    /// share no common step (as independent threads' do). Deterministic.
    /// </summary>
    public static IReadOnlyList<ulong[]> SyntheticTraces()
    {
        var traces = new List<ulong[]>
        {
            new ulong[] { 100_000_000 },
            new ulong[] { 100_000_000, 3_100_000, 4_700_000, 5_300_000 },
            new ulong[] { 1_000_000, 1_300_000, 1_700_000, 2_300_000, 2_900_000, 3_700_000 },
            new ulong[] { 10_000_000, 11_300_000, 12_700_000, 14_100_000, 15_900_000, 17_300_000, 19_100_000 },
        };
        var periods = new List<ulong>();
        for (ulong p = 2_000_000; p < 40_000_000; p += 1_913_000)
        {
            periods.Add(p);
        }

        traces.Add(periods.ToArray());
        return traces;
    }

    /// <summary>Distinct wake-up times in one second of the sleepers in <paramref name="periods"/>.</summary>
    public static int WakeUpsPerSecond(ulong[] periods, ulong slackNs)
    {
        var wakes = new HashSet<ulong>();
        foreach (ulong period in periods)
        {
            for (ulong t = period; period > 0 && t < 1_000_000_000; t += period)
            {
                wakes.Add(TimerSlack.Apply(t, slackNs));
            }
        }

        return wakes.Count;
    }

    /// <summary>Trains on <paramref name="traces"/> and adds the power model's priors to <paramref name="priors"/>.</summary>
    public static void Train(IReadOnlyList<ulong[]> traces, double minGainPercent, ModelPriors priors)
    {
        double gainSum = 0;
        int doublings = 0, kept = 0;
        foreach (ulong[] trace in traces)
        {
            int before = WakeUpsPerSecond(trace, 0);
            for (long slack = PowerModel.FirstSlackUs; slack <= MaxSlackUs; slack *= 2)
            {
                int after = WakeUpsPerSecond(trace, (ulong)slack * 1000);
                double gain = before == 0 ? 0 : (before - after) * 100.0 / before;
                gainSum += gain;
                doublings++;
                kept += gain >= minGainPercent ? 1 : 0;
                before = after;
            }
        }

        priors.AddFamily("power.slack.up", 1 + kept, 1 + (doublings - kept));
        priors.AddValue(PowerModel.GainPrior, doublings == 0 ? 0 : gainSum / doublings);
    }
}

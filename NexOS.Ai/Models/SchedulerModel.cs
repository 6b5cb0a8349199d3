using NexOS.Core.Policy;
using NexOS.Security.Patching;
using NexOS.Security.Patches;

namespace NexOS.Ai.Models;

/// <summary>
/// The scheduler model ("scheduler").
/// <para>Input: the per-class scheduler metrics over the last <see cref="SchedulerShadowModel.Window"/>
/// evolve ticks (I/O-bound and CPU-bound wait, CPU time and blocks per class, active threads
/// per class, CPU-bound work units per second, run-queue length), read as a synthetic trace
/// of the current workload mix (<see cref="SchedulerWorkload"/>).</para>
/// <para>Output: parameter patches for "sched.normal" (a shorter time slice; stronger wake-up
/// boosts) and two hand-written hook patches (raise threads that block after a short burst;
/// shorten the slice of CPU-bound threads), each one step the security level allows, each
/// scored first in the simulator on that trace: simulated I/O wait gain and CPU-bound work lost
/// (every candidate on a short screening run, the best <see cref="Finalists"/> again for the
/// full time; only those are proposed).</para>
/// <para>Learning: see <see cref="SchedulerShadowModel"/> (per-family calibration of simulated
/// against measured gain).</para>
/// </summary>
public sealed class SchedulerModel : SchedulerShadowModel
{
    /// <summary>Creates the model over <paramref name="shadow"/>.</summary>
    public SchedulerModel(SchedulerShadow shadow)
        : base(shadow)
    {
    }

    /// <inheritdoc/>
    public override string Name => "scheduler";

    /// <summary>Candidates that, after screening on short runs, run for the full time, by default.</summary>
    public const int DefaultFinalists = 2;

    /// <summary>Candidates that, after screening on short runs, run for the full time (the
    /// trainer confirms them all, to learn about every family).</summary>
    public int Finalists { get; init; } = DefaultFinalists;

    /// <inheritdoc/>
    protected override void Generate(ShadowContext context, List<SchedulerCandidate> found)
    {
        // Every candidate is screened on a short run; the best few run for the full time, and
        // only those are proposed.
        var screened = new List<SchedulerCandidate>();
        Screen(context, screened);
        screened.Sort(static (a, b) => b.Score.CompareTo(a.Score));
        for (int i = 0; i < Math.Min(Finalists, screened.Count); i++)
        {
            if (context.Confirm(screened[i]) is SchedulerCandidate full)
            {
                found.Add(full);
            }
        }
    }

    private static void Screen(ShadowContext context, List<SchedulerCandidate> found)
    {
        ParameterSet? live = context.Live;
        if (live != null)
        {
            Parameter? slice = live.Find("slice_ns");
            if (slice != null)
            {
                AddParameters(context, found, "sched.param.slice", "halve the time slice", Step(context, slice, slice.Value / 2));
                AddParameters(context, found, "sched.param.slice", "quarter the time slice", Step(context, slice, slice.Value / 4));
            }

            Parameter? boost = live.Find("boost_levels");
            Parameter? maxBoost = live.Find("max_boost");
            if (boost != null && maxBoost != null)
            {
                AddParameters(context, found, "sched.param.boost", "raise threads that block before their slice ends (boost +1, max +2)",
                    Step(context, boost, boost.Value + 1), Step(context, maxBoost, maxBoost.Value + 2));
                AddParameters(context, found, "sched.param.boost", "raise threads that block before their slice ends (boost +2, max +4)",
                    Step(context, boost, boost.Value + 2), Step(context, maxBoost, maxBoost.Value + 4));
            }
        }

        // ran_ns is context field 3 of the priority hook, interactivity field 3 of the slice hook.
        AddCode(context, found, "sched.hook.priority", new PolicyProgram(HookCatalog.PriorityName, 3, false, 1_000_000, 1, ProgramAction.Raise, 2, 1, ProgramAction.Keep, 0, 1));
        AddCode(context, found, "sched.hook.slice", new PolicyProgram(HookCatalog.TimeSliceName, 3, false, 50, -1, ProgramAction.Scale, 1, 4, ProgramAction.Keep, 0, 1));
    }

    /// <summary>The value nearest <paramref name="wanted"/> that the parameter's range and the
    /// level's step limit allow; a change that is no change gives a null change.</summary>
    private static ParameterChange? Step(ShadowContext context, Parameter p, long wanted)
    {
        long allowed = (long)((ulong)(p.Max - p.Min) * (ulong)context.Policy.MaxParameterStepBp / 10_000);
        long value = Math.Clamp(Math.Clamp(wanted, p.Value - allowed, p.Value + allowed), p.Min, p.Max);
        return value == p.Value ? null : new ParameterChange(p.Name, value);
    }

    private static void AddParameters(ShadowContext context, List<SchedulerCandidate> found, string family, string why, params ParameterChange?[] changes)
    {
        var list = new List<ParameterChange>();
        string text = string.Empty;
        foreach (ParameterChange? c in changes)
        {
            if (c != null)
            {
                list.Add(c.Value);
                text += (text.Length == 0 ? " (" : ", ") + $"{c.Value.Name} {c.Value.Value}";
            }
        }

        if (list.Count > 0)
        {
            found.Add(context.Parameters(family, why + text + ")", list.ToArray(), screen: true));
        }
    }

    private static void AddCode(ShadowContext context, List<SchedulerCandidate> found, string family, PolicyProgram program)
    {
        SchedulerCandidate? c = context.Code(family, program, screen: true, out _);
        if (c != null)
        {
            found.Add(c);
        }
    }
}

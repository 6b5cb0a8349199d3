using NexOS.Ai.Learning;
using NexOS.Security.Cil;
using NexOS.Security.Patching;

namespace NexOS.Ai.Models;

/// <summary>
/// The code model ("code"): writes hook bodies for sched.time_slice and sched.priority_adjust
/// by search over a space of small policy programs (<see cref="PolicyProgram"/>: a condition
/// on one context field, optionally on the stop reason, and two actions with constants).
/// <para>Input: the same workload trace as the scheduler model.</para>
/// <para>Output: the best program found, assembled to CIL with its token table, verified with
/// <see cref="PatchManager.VerifyBody"/> under the security level (a body the verifier refuses
/// is never proposed; it scores nothing), scored in the simulator (I/O wait gain, CPU-bound
/// work lost) and proposed as a CIL patch of family "code.slice" or "code.priority".</para>
/// <para>Search: a seeded population of random programs; each generation keeps the best
/// <see cref="Elite"/> and fills up with children made by mutating one gene (feature,
/// comparison, threshold on a per-field scale, reason, action, constant) or by recombining two
/// parents (one's condition, the other's actions). Equal programs are simulated once per
/// evaluation. Every program is first scored on a short screening run; only the best
/// <see cref="Finalists"/> of each hook run for the full time, and only those are proposed.
/// Deterministic for a seed.</para>
/// <para>Learning: <see cref="SchedulerShadowModel"/>'s calibration per family.</para>
/// </summary>
public sealed class CodeModel : SchedulerShadowModel
{
    /// <summary>Programs per generation by default.</summary>
    public const int DefaultPopulation = 8;

    /// <summary>Programs kept from one generation to the next.</summary>
    public const int Elite = 3;

    /// <summary>Generations after the first, by default.</summary>
    public const int DefaultGenerations = 3;

    /// <summary>Programs per hook that, after screening on short runs, run for the full time.</summary>
    public const int Finalists = 2;

    private static readonly long[] s_nsScale = { 20_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_000_000, 5_000_000 };
    private static readonly long[] s_scoreScale = { 10, 25, 50, 75, 90 };
    private static readonly long[] s_countScale = { 1, 2, 3, 4, 6, 8, 16, 31 };
    private static readonly ProgramAction[] s_sliceActions = { ProgramAction.Keep, ProgramAction.Scale };
    private static readonly ProgramAction[] s_priorityActions = { ProgramAction.Keep, ProgramAction.Base, ProgramAction.Raise, ProgramAction.Lower, ProgramAction.Floor };
    private readonly ulong _seed;

    /// <summary>Creates the model over <paramref name="shadow"/>; <paramref name="seed"/> fixes the search.</summary>
    public CodeModel(SchedulerShadow shadow, ulong seed)
        : base(shadow)
    {
        _seed = seed;
    }

    /// <inheritdoc/>
    public override string Name => "code";

    /// <summary>Programs per generation.</summary>
    public int Population { get; init; } = DefaultPopulation;

    /// <summary>Generations after the first.</summary>
    public int Generations { get; init; } = DefaultGenerations;

    /// <summary>Programs the last search assembled and the verifier refused (0 when the
    /// assembler only makes well-typed programs, as it should).</summary>
    public int LastRefused { get; private set; }

    /// <summary>Distinct programs the last search simulated.</summary>
    public int LastSimulated { get; private set; }

    /// <summary>A random program for one of the two scheduler hooks.</summary>
    public static PolicyProgram RandomProgram(ref SplitMix random)
    {
        bool slice = random.Next(2) == 0;
        string hook = slice ? HookCatalog.TimeSliceName : HookCatalog.PriorityName;
        int fields = slice ? HookCatalog.TimeSliceFields : HookCatalog.PriorityFields;
        int feature = 1 + random.Next(fields - 1);
        ProgramAction[] actions = slice ? s_sliceActions : s_priorityActions;
        int reason = !slice && random.Next(2) == 0 ? random.Next(4) : -1;

        // The condition selects whom to treat differently: the then-branch changes something,
        // the else-branch mostly keeps the policy's answer (a program that keeps both is void).
        ProgramAction then = actions[1 + random.Next(actions.Length - 1)];
        ProgramAction otherwise = random.Next(3) == 0 ? actions[random.Next(actions.Length)] : ProgramAction.Keep;
        return new PolicyProgram(hook, feature, random.Next(2) == 0, Threshold(hook, feature, ref random), reason,
            then, 1 + random.Next(4), 1 << random.Next(4), otherwise, 1 + random.Next(4), 1 << random.Next(4));
    }

    /// <summary>One gene of <paramref name="p"/> changed at random.</summary>
    public static PolicyProgram Mutate(PolicyProgram p, ref SplitMix random)
    {
        bool slice = p.Hook == HookCatalog.TimeSliceName;
        int fields = slice ? HookCatalog.TimeSliceFields : HookCatalog.PriorityFields;
        ProgramAction[] actions = slice ? s_sliceActions : s_priorityActions;
        int feature = p.Feature;
        bool atLeast = p.AtLeast;
        long threshold = p.Threshold;
        int reason = p.Reason;
        ProgramAction then = p.Then;
        ProgramAction otherwise = p.Else;
        int thenA = p.ThenA;
        int thenB = p.ThenB;
        int elseA = p.ElseA;
        switch (random.Next(7))
        {
            case 0:
                feature = 1 + random.Next(fields - 1);
                threshold = Threshold(p.Hook, feature, ref random);
                break;
            case 1:
                atLeast = !atLeast;
                break;
            case 2:
                threshold = Threshold(p.Hook, feature, ref random);
                break;
            case 3:
                reason = slice || random.Next(2) == 0 ? -1 : random.Next(4);
                break;
            case 4:
                then = actions[random.Next(actions.Length)];
                break;
            case 5:
                otherwise = actions[random.Next(actions.Length)];
                break;
            default:
                thenA = 1 + random.Next(4);
                thenB = 1 << random.Next(4);
                elseA = 1 + random.Next(4);
                break;
        }

        return new PolicyProgram(p.Hook, feature, atLeast, threshold, reason, then, thenA, thenB, otherwise, elseA, p.ElseB);
    }

    /// <summary>The condition of <paramref name="a"/> with the actions of <paramref name="b"/>
    /// (same hook), or a copy of <paramref name="a"/> when the hooks differ.</summary>
    public static PolicyProgram Recombine(PolicyProgram a, PolicyProgram b) => a.Hook != b.Hook ? a
        : new PolicyProgram(a.Hook, a.Feature, a.AtLeast, a.Threshold, a.Reason, b.Then, b.ThenA, b.ThenB, b.Else, b.ElseA, b.ElseB);

    /// <inheritdoc/>
    protected override void Generate(ShadowContext context, List<SchedulerCandidate> found)
    {
        var random = new SplitMix(_seed);
        var seen = new List<string>(); // linear: a few dozen programs, and no string hashing in the kernel
        var population = new List<PolicyProgram>();
        var scored = new List<SchedulerCandidate>();
        LastRefused = 0;
        for (int i = 0; i < Population; i++)
        {
            population.Add(RandomProgram(ref random));
        }

        for (int generation = 0; ; generation++)
        {
            foreach (PolicyProgram p in population)
            {
                string key = p.ToString();
                if (seen.Contains(key))
                {
                    continue;
                }

                SchedulerCandidate? c = context.Code(FamilyOf(p), p, screen: true, out _);
                LastRefused += c == null ? 1 : 0;
                seen.Add(key);
                if (c != null)
                {
                    scored.Add(c);
                }
            }

            scored.Sort(static (x, y) => y.Score.CompareTo(x.Score));
            if (generation == Generations)
            {
                break;
            }

            population.Clear();
            for (int i = 0; i < Math.Min(Elite, scored.Count); i++)
            {
                population.Add(scored[i].Program!);
            }

            while (population.Count < Population)
            {
                PolicyProgram parent = population.Count > 0 ? population[random.Next(Math.Min(Elite, population.Count))] : RandomProgram(ref random);
                population.Add(random.Next(3) == 0 && scored.Count > 1
                    ? Recombine(parent, scored[random.Next(Math.Min(Elite, scored.Count))].Program!)
                    : Mutate(parent, ref random));
            }
        }

        LastSimulated = scored.Count;

        // The screening runs only rank; the best few programs of each hook run again for the
        // full time, and the best of those per hook is what the engine ranks against the other
        // models' candidates.
        var finals = new List<SchedulerCandidate>();
        int slices = 0;
        int priorities = 0;
        foreach (SchedulerCandidate s in scored)
        {
            bool isSlice = s.Target == HookCatalog.TimeSliceName;
            if ((isSlice ? slices : priorities) < Finalists && context.Confirm(s) is SchedulerCandidate full)
            {
                finals.Add(full);
                slices += isSlice ? 1 : 0;
                priorities += isSlice ? 0 : 1;
            }
        }

        finals.Sort(static (x, y) => y.Score.CompareTo(x.Score));
        bool slice = false;
        bool priority = false;
        foreach (SchedulerCandidate c in finals)
        {
            bool isSlice = c.Target == HookCatalog.TimeSliceName;
            if ((isSlice && !slice) || (!isSlice && !priority))
            {
                found.Add(c);
                slice |= isSlice;
                priority |= !isSlice;
            }
        }
    }

    private static string FamilyOf(PolicyProgram p) => p.Hook == HookCatalog.TimeSliceName ? "code.slice" : "code.priority";

    private static long Threshold(string hook, int feature, ref SplitMix random)
    {
        PolicyHook h = HookCatalog.Create(hook)!;
        string name = h.Signature.ContextFields[feature].Name;
        long[] scale = name.EndsWith("_ns", StringComparison.Ordinal) ? s_nsScale
            : name == "interactivity" ? s_scoreScale
            : h.Signature.ContextFields[feature].Type == CilType.Int32 ? s_countScale
            : s_nsScale;
        return scale[random.Next(scale.Length)];
    }
}

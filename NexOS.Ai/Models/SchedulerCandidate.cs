using NexOS.Core.Policy;
using NexOS.Security.Cil;
using NexOS.Security.Patching;
using NexOS.Security.Patches;
using NexOS.Security.Policy;

namespace NexOS.Ai.Models;

/// <summary>One change a scheduler-facing model considered, with its shadow result.</summary>
public sealed class SchedulerCandidate
{
    /// <summary>Family of change (the bandit's unit).</summary>
    public string Family { get; init; } = string.Empty;

    /// <summary>"sched.normal" or a hook name.</summary>
    public string Target { get; init; } = string.Empty;

    /// <summary>Parameter changes (parameter candidates), else null.</summary>
    public ParameterChange[]? Changes { get; init; }

    /// <summary>The hook body's program (code candidates), else null.</summary>
    public PolicyProgram? Program { get; init; }

    /// <summary>The assembled body (code candidates), else null.</summary>
    public CilBody? Body { get; init; }

    /// <summary>What it does, in words.</summary>
    public string Why { get; init; } = string.Empty;

    /// <summary>The shadow run with the change.</summary>
    public ShadowResult Result { get; init; }

    /// <summary>Whether <see cref="Result"/> comes from a short screening run (never proposed as such).</summary>
    public bool Screened { get; init; }

    /// <summary>I/O wait improvement over the shadow baseline, percent.</summary>
    public double GainPercent { get; init; }

    /// <summary>CPU-bound work lost over the shadow baseline, percent.</summary>
    public double CostPercent { get; init; }

    /// <summary>The kind of patch it becomes.</summary>
    public PatchKind Kind => Body != null ? PatchKind.Cil : PatchKind.Parameter;

    /// <summary>Score the same way the performance model does before its family draw: gain - 2 x cost.</summary>
    public double Score => GainPercent - (2 * CostPercent);

    /// <summary>Encodes the patch (origin Engine) with <paramref name="patchId"/>; null when it cannot.</summary>
    public byte[]? Encode(ulong patchId, ulong nowNs, string source, double expectedGainPercent)
    {
        int gainBp = (int)Math.Clamp(expectedGainPercent * 100, 0, 10_000);
        var provenance = new PatchProvenance(patchId, nowNs, PatchOrigin.Engine, source, Why, SchedulerShadowModel.Metric, gainBp);
        Patch patch = Body != null ? Patch.ForCil(Target, Body, provenance) : Patch.ForParameters(Target, Changes ?? Array.Empty<ParameterChange>(), provenance);
        return PatchWriter.TryWrite(patch, null, out byte[]? bytes, out _) ? bytes : null;
    }
}

/// <summary>
/// What a shadow evaluation needs from the live system, taken once per analysis: the
/// normal-class parameter set, the hook patches serving now (they are part of the baseline),
/// the security level's limits (a candidate the level would refuse is never proposed) and the
/// baseline run of the workload.
/// </summary>
public sealed class ShadowContext
{
    /// <summary>Takes the live state from <paramref name="manager"/>.</summary>
    public ShadowContext(SchedulerShadow shadow, SchedulerWorkload workload, PatchManager manager)
    {
        Shadow = shadow;
        Workload = workload;
        Policy = manager.Policy;
        Live = manager.Registry.FindParameterSet("sched.normal");
        LiveSlice = manager.Registry.FindHook(HookCatalog.TimeSliceName)?.Active?.Code;
        LivePriority = manager.Registry.FindHook(HookCatalog.PriorityName)?.Active?.Code;
        Baseline = shadow.Run(workload, Live, ReadOnlySpan<ParameterChange>.Empty, LiveSlice, LivePriority);
        Shipped = shadow.Run(workload, Defaults(Live), ReadOnlySpan<ParameterChange>.Empty, null, null);
    }

    /// <summary>The simulator wrapper.</summary>
    public SchedulerShadow Shadow { get; }

    /// <summary>The workload replayed.</summary>
    public SchedulerWorkload Workload { get; }

    /// <summary>The security level's rules.</summary>
    public SecurityPolicy Policy { get; }

    /// <summary>The live "sched.normal" set (null when not registered).</summary>
    public ParameterSet? Live { get; }

    /// <summary>The live time-slice patch, or null.</summary>
    public CompiledHook? LiveSlice { get; }

    /// <summary>The live priority patch, or null.</summary>
    public CompiledHook? LivePriority { get; }

    /// <summary>The workload under the live state.</summary>
    public ShadowResult Baseline { get; }

    /// <summary>The workload under the shipped configuration (default values, no patches).</summary>
    public ShadowResult Shipped { get; }

    private ShadowResult _screenBaseline;
    private ShadowResult _screenShipped;
    private bool _screened;

    /// <summary>CPU-bound work a result loses, percent: against the live state and against the
    /// shipped configuration, whichever is more, so that changes each within the limit cannot
    /// ratchet throughput down step by step.</summary>
    public double CostOf(ShadowResult r) => Math.Max(r.CostOver(Baseline), r.CostOver(Shipped));

    /// <summary>A parameter candidate, evaluated with the live hooks (with <paramref name="screen"/>
    /// on a short run against baselines of the same length).</summary>
    public SchedulerCandidate Parameters(string family, string why, ParameterChange[] changes, bool screen = false)
    {
        ShadowResult r = Judge(changes, LiveSlice, LivePriority, screen, out double gain, out double cost);
        return new SchedulerCandidate
        {
            Family = family, Target = "sched.normal", Changes = changes, Why = why, Result = r, Screened = screen,
            GainPercent = gain, CostPercent = cost,
        };
    }

    /// <summary>A screened candidate run again for the full time (a full one is returned as it is).</summary>
    public SchedulerCandidate? Confirm(SchedulerCandidate c) =>
        !c.Screened ? c
        : c.Program != null ? Code(c.Family, c.Program, false, out _)
        : Parameters(c.Family, c.Why, c.Changes ?? Array.Empty<ParameterChange>());

    /// <summary>Runs a candidate (full or screening length) and judges it against the two
    /// baselines of the same length (the screening ones are run on first need).</summary>
    private ShadowResult Judge(ReadOnlySpan<ParameterChange> changes, CompiledHook? slice, CompiledHook? priority, bool screen, out double gain, out double cost)
    {
        if (screen && !_screened)
        {
            _screenBaseline = Shadow.Run(Workload, Live, ReadOnlySpan<ParameterChange>.Empty, LiveSlice, LivePriority, Shadow.ScreenDurationNs);
            _screenShipped = Shadow.Run(Workload, Defaults(Live), ReadOnlySpan<ParameterChange>.Empty, null, null, Shadow.ScreenDurationNs);
            _screened = true;
        }

        ShadowResult r = Shadow.Run(Workload, Live, changes, slice, priority, screen ? Shadow.ScreenDurationNs : Shadow.DurationNs);
        ShadowResult live = screen ? _screenBaseline : Baseline;
        ShadowResult shipped = screen ? _screenShipped : Shipped;
        gain = r.GainOver(live);
        cost = Math.Max(r.CostOver(live), r.CostOver(shipped));
        return r;
    }

    /// <summary>A code candidate: verified against its hook under the level (null, with the
    /// reason, when the level or the verifier refuses it), then evaluated in place of that hook's
    /// live patch.</summary>
    public SchedulerCandidate? Code(string family, PolicyProgram program, out string error) => Code(family, program, false, out error);

    /// <summary>As <see cref="Code(string, PolicyProgram, out string)"/>; with <paramref name="screen"/>
    /// on a short run (<see cref="SchedulerShadow.ScreenDurationNs"/>) judged against baselines of
    /// the same length: good enough to rank a search's population, not to propose from.</summary>
    public SchedulerCandidate? Code(string family, PolicyProgram program, bool screen, out string error)
    {
        PolicyHook? hook = HookCatalog.Create(program.Hook);
        if (hook == null || !Policy.CilAllowed || !PolicyNames.Contains(Policy.PatchableHooks, hook.SafetyClass))
        {
            error = $"{program.Hook}: code patches not allowed at this level";
            return null;
        }

        CilBody body = program.Assemble();
        CompiledHook? code = PatchManager.VerifyBody(hook, body, Policy.CilLoopsAllowed, Policy.MaxCodeBytes, out error);
        if (code == null)
        {
            return null;
        }

        bool slice = program.Hook == HookCatalog.TimeSliceName;
        ShadowResult r = Judge(ReadOnlySpan<ParameterChange>.Empty, slice ? code : LiveSlice, slice ? LivePriority : code, screen, out double gain, out double cost);
        return new SchedulerCandidate
        {
            Family = family, Target = program.Hook, Program = program, Body = body, Why = program.ToString(), Result = r, Screened = screen,
            GainPercent = gain, CostPercent = cost,
        };
    }

    /// <summary>A parameter set like <paramref name="live"/> with every value at its default
    /// (null stays null: the shadow then uses the adaptive policy's defaults).</summary>
    private static ParameterSet? Defaults(ParameterSet? live)
    {
        if (live == null)
        {
            return null;
        }

        var set = new ParameterSet();
        foreach (Parameter p in live.All)
        {
            set.Add(new Parameter(p.Name, p.Unit, p.Min, p.Max, p.Default, p.Description));
        }

        return set;
    }
}

namespace NexOS.Security.Policy;

/// <summary>
/// The rules of one security level. Immutable; the four instances are in
/// <see cref="SecurityPolicies"/>, and docs/security-policy.md shows the same table (a host
/// test compares the two). Fractions are in basis points (1/10000) so that the kernel never
/// needs floating point to apply a rule.
/// </summary>
public sealed class SecurityPolicy
{
    /// <summary>Creates a policy. Only <see cref="SecurityPolicies"/> should need to.</summary>
    public SecurityPolicy(
        SecurityLevel level,
        SafetyClassSet patchableHooks,
        SafetyClassSet changeableParameters,
        bool cilAllowed,
        bool cilLoopsAllowed,
        int maxFuel,
        int maxCodeBytes,
        int maxParameterStepBp,
        int canaryShareBp,
        int canaryMinSamples,
        int canaryMaxSamples,
        ulong canaryMaxNs,
        int confidenceBp,
        SubmitterRule submitters,
        int maxPatchesPerMinute)
    {
        Level = level;
        PatchableHooks = patchableHooks;
        ChangeableParameters = changeableParameters;
        CilAllowed = cilAllowed;
        CilLoopsAllowed = cilLoopsAllowed;
        MaxFuel = maxFuel;
        MaxCodeBytes = maxCodeBytes;
        MaxParameterStepBp = maxParameterStepBp;
        CanaryShareBp = canaryShareBp;
        CanaryMinSamples = canaryMinSamples;
        CanaryMaxSamples = canaryMaxSamples;
        CanaryMaxNs = canaryMaxNs;
        ConfidenceBp = confidenceBp;
        Submitters = submitters;
        MaxPatchesPerMinute = maxPatchesPerMinute;
    }

    /// <summary>Which level this is.</summary>
    public SecurityLevel Level { get; }

    /// <summary>Safety classes of hooks that CIL patches may replace.</summary>
    public SafetyClassSet PatchableHooks { get; }

    /// <summary>Safety classes of parameters that parameter patches may change.</summary>
    public SafetyClassSet ChangeableParameters { get; }

    /// <summary>Whether CIL patches are accepted at all.</summary>
    public bool CilAllowed { get; }

    /// <summary>Whether patched code may branch backwards (loop); passed on to the verifier.</summary>
    public bool CilLoopsAllowed { get; }

    /// <summary>Most IL instructions one invocation of patched code may execute; passed on to
    /// the interpreter, which stops the code and falls back to the original hook when it runs out.</summary>
    public int MaxFuel { get; }

    /// <summary>Largest CIL body in bytes.</summary>
    public int MaxCodeBytes { get; }

    /// <summary>Largest change of a parameter in one patch, as a fraction of its range [Min, Max].</summary>
    public int MaxParameterStepBp { get; }

    /// <summary>Fraction of decisions (or threads) routed to the patched version during the canary.</summary>
    public int CanaryShareBp { get; }

    /// <summary>Samples per arm before the canary evaluator may decide at all.</summary>
    public int CanaryMinSamples { get; }

    /// <summary>Samples per arm after which an undecided canary is rolled back.</summary>
    public int CanaryMaxSamples { get; }

    /// <summary>Longest a canary may run before an undecided result is rolled back, in ns.</summary>
    public ulong CanaryMaxNs { get; }

    /// <summary>Confidence required to keep (or roll back) a change, e.g. 9500 = 0.95.</summary>
    public int ConfidenceBp { get; }

    /// <summary>Who may submit patches.</summary>
    public SubmitterRule Submitters { get; }

    /// <summary>Most patches accepted per minute (a sliding 60-second window).</summary>
    public int MaxPatchesPerMinute { get; }
}

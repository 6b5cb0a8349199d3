namespace NexOS.Security.Policy;

/// <summary>
/// The policy table: one <see cref="SecurityPolicy"/> per level. The numbers follow one idea:
/// each step up in strictness narrows what may change, makes each change smaller, tests it on
/// fewer decisions for longer, and demands more confidence before keeping it. The same table
/// is written in docs/security-policy.md, and a host test fails if the two differ.
/// </summary>
public static class SecurityPolicies
{
    private const ulong Second = 1_000_000_000UL;

    /// <summary>Development and experiments.</summary>
    public static readonly SecurityPolicy Permissive = new(
        SecurityLevel.Permissive, SafetyClassSet.Tuning | SafetyClassSet.Policy | SafetyClassSet.Critical, SafetyClassSet.Tuning | SafetyClassSet.Policy | SafetyClassSet.Critical,
        cilAllowed: true, cilLoopsAllowed: true, maxFuel: 100_000, maxCodeBytes: 4096, maxParameterStepBp: 10_000,
        canaryShareBp: 5000, canaryMinSamples: 30, canaryMaxSamples: 2000, canaryMaxNs: 10 * Second, confidenceBp: 9000,
        SubmitterRule.AnyoneUnsignedAllowed, maxPatchesPerMinute: 60);

    /// <summary>The default level.</summary>
    public static readonly SecurityPolicy Standard = new(
        SecurityLevel.Standard, SafetyClassSet.Tuning | SafetyClassSet.Policy, SafetyClassSet.Tuning | SafetyClassSet.Policy,
        cilAllowed: true, cilLoopsAllowed: true, maxFuel: 20_000, maxCodeBytes: 1024, maxParameterStepBp: 2500,
        canaryShareBp: 2000, canaryMinSamples: 100, canaryMaxSamples: 5000, canaryMaxNs: 60 * Second, confidenceBp: 9500,
        SubmitterRule.EngineAndSignedExternal, maxPatchesPerMinute: 10);

    /// <summary>Production systems that must stay predictable.</summary>
    public static readonly SecurityPolicy Strict = new(
        SecurityLevel.Strict, SafetyClassSet.Tuning, SafetyClassSet.Tuning,
        cilAllowed: true, cilLoopsAllowed: false, maxFuel: 2000, maxCodeBytes: 256, maxParameterStepBp: 1000,
        canaryShareBp: 1000, canaryMinSamples: 400, canaryMaxSamples: 20_000, canaryMaxNs: 300 * Second, confidenceBp: 9900,
        SubmitterRule.EngineAndSignedExternal, maxPatchesPerMinute: 2);

    /// <summary>Self-modification reduced to small engine-made tuning steps.</summary>
    public static readonly SecurityPolicy Paranoid = new(
        SecurityLevel.Paranoid, SafetyClassSet.None, SafetyClassSet.Tuning,
        cilAllowed: false, cilLoopsAllowed: false, maxFuel: 0, maxCodeBytes: 0, maxParameterStepBp: 500,
        canaryShareBp: 500, canaryMinSamples: 1000, canaryMaxSamples: 50_000, canaryMaxNs: 1800 * Second, confidenceBp: 9990,
        SubmitterRule.EngineOnly, maxPatchesPerMinute: 1);

    /// <summary>The policy for <paramref name="level"/>; an unknown value gets Paranoid, the
    /// safe choice for a corrupted setting.</summary>
    public static SecurityPolicy For(SecurityLevel level) => level switch
    {
        SecurityLevel.Permissive => Permissive,
        SecurityLevel.Standard => Standard,
        SecurityLevel.Strict => Strict,
        _ => Paranoid,
    };
}

namespace NexOS.Security.Policy;

/// <summary>Which rule a refused patch broke.</summary>
public enum PolicyRule : byte
{
    /// <summary>No rule: the patch is allowed.</summary>
    None = 0,

    /// <summary>The level does not accept patches from this kind of submitter.</summary>
    Submitter,

    /// <summary>A signature is required (or present) and does not verify.</summary>
    Signature,

    /// <summary>The patch id is not above every id seen before (a replay or a stale patch).</summary>
    PatchId,

    /// <summary>Too many patches in the last minute.</summary>
    RateLimit,

    /// <summary>The hook or parameter set or parameter is not a registered patch target.</summary>
    UnknownTarget,

    /// <summary>The level does not allow changing targets of this safety class.</summary>
    SafetyClass,

    /// <summary>The level does not accept CIL patches.</summary>
    CilNotAllowed,

    /// <summary>The CIL body is larger than the level allows.</summary>
    CodeSize,

    /// <summary>A new value lies outside the parameter's [Min, Max].</summary>
    OutOfRange,

    /// <summary>A new value is further from the current value than the level allows.</summary>
    StepTooLarge,
}

/// <summary>
/// The checker's answer: allowed, or the rule broken with a message for the audit trail. For
/// an allowed CIL patch it also carries the limits the verifier and interpreter must apply.
/// </summary>
public readonly struct PolicyDecision
{
    private readonly string? _message;

    private PolicyDecision(PolicyRule rule, string? message, bool loopsAllowed, int maxFuel, int maxCodeBytes)
    {
        Rule = rule;
        _message = message;
        CilLoopsAllowed = loopsAllowed;
        CilMaxFuel = maxFuel;
        CilMaxCodeBytes = maxCodeBytes;
    }

    /// <summary>True when the patch may proceed (to code verification, then the canary).</summary>
    public bool IsAllowed => Rule == PolicyRule.None;

    /// <summary>The rule broken, or <see cref="PolicyRule.None"/>.</summary>
    public PolicyRule Rule { get; }

    /// <summary>Why the patch was refused, or "allowed".</summary>
    public string Message => _message ?? "allowed";

    /// <summary>For the CIL verifier: whether backward branches are acceptable.</summary>
    public bool CilLoopsAllowed { get; }

    /// <summary>For the interpreter: instruction budget per invocation.</summary>
    public int CilMaxFuel { get; }

    /// <summary>For the CIL verifier: largest body.</summary>
    public int CilMaxCodeBytes { get; }

    /// <summary>An allowed decision carrying the policy's CIL limits.</summary>
    public static PolicyDecision Allow(SecurityPolicy policy)
        => new(PolicyRule.None, null, policy.CilLoopsAllowed, policy.MaxFuel, policy.MaxCodeBytes);

    /// <summary>A refusal.</summary>
    public static PolicyDecision Deny(PolicyRule rule, string message) => new(rule, message, false, 0, 0);
}

namespace NexOS.Security.Cil;

/// <summary>
/// The outcome of <see cref="CilVerifier.Verify"/>: either a runnable <see cref="CompiledHook"/>
/// or the first rule broken, the IL offset where (-1 for the body as a whole) and a message.
/// </summary>
public sealed class VerificationResult
{
    private VerificationResult(CompiledHook? hook, CilRule rule, int offset, string message)
    {
        Hook = hook;
        Rule = rule;
        Offset = offset;
        Message = message;
    }

    /// <summary>Whether the body verified.</summary>
    public bool IsOk => Hook != null;

    /// <summary>The compiled body when verification succeeded.</summary>
    public CompiledHook? Hook { get; }

    /// <summary>The rule broken, or <see cref="CilRule.None"/>.</summary>
    public CilRule Rule { get; }

    /// <summary>The IL offset of the offending instruction, or -1 when the rule concerns the whole body.</summary>
    public int Offset { get; }

    /// <summary>What was wrong, without the offset prefix.</summary>
    public string Message { get; }

    /// <summary>The rule's name for logs (spelled out: the kernel has no Enum.ToString metadata).</summary>
    public static string RuleName(CilRule rule)
    {
        switch (rule)
        {
            case CilRule.None: return "None";
            case CilRule.CodeSize: return "CodeSize";
            case CilRule.Locals: return "Locals";
            case CilRule.MaxStackLimit: return "MaxStackLimit";
            case CilRule.TokenTableMismatch: return "TokenTableMismatch";
            case CilRule.Truncated: return "Truncated";
            case CilRule.UnknownOpcode: return "UnknownOpcode";
            case CilRule.OpcodeNotAllowed: return "OpcodeNotAllowed";
            case CilRule.ArgumentIndex: return "ArgumentIndex";
            case CilRule.LocalIndex: return "LocalIndex";
            case CilRule.Token: return "Token";
            case CilRule.SwitchSize: return "SwitchSize";
            case CilRule.BranchTarget: return "BranchTarget";
            case CilRule.BackwardBranch: return "BackwardBranch";
            case CilRule.StackUnderflow: return "StackUnderflow";
            case CilRule.StackOverflow: return "StackOverflow";
            case CilRule.TypeMismatch: return "TypeMismatch";
            case CilRule.StackMismatch: return "StackMismatch";
            case CilRule.Return: return "Return";
            case CilRule.FallThrough: return "FallThrough";
            case CilRule.NoReturn: return "NoReturn";
            case CilRule.Fuel: return "Fuel";
            case CilRule.UnassignedLocal: return "UnassignedLocal";
            default: return "Unknown";
        }
    }

    internal static VerificationResult Ok(CompiledHook hook) => new(hook, CilRule.None, -1, "ok");

    internal static VerificationResult Fail(CilRule rule, int offset, string message) => new(null, rule, offset, message);

    /// <summary>"IL_0007: message [Rule]", or "ok".</summary>
    public override string ToString()
    {
        if (IsOk)
        {
            return "ok";
        }

        string where = Offset >= 0 ? "IL_" + Offset.ToString("X4") : "body";
        return where + ": " + Message + " [" + RuleName(Rule) + "]";
    }
}

namespace NexOS.Security.Cil;

/// <summary>
/// Verifies a patch body against a hook and compiles it for <see cref="CilInterpreter"/>.
/// The checks run in four passes and the first broken rule is reported: (1) whole-body
/// limits; (2) a linear decode that checks every instruction is in the subset and that its
/// argument, local, token and switch-size operands are valid, then every branch target;
/// (3) abstract interpretation of the evaluation stack over all reachable paths (a worklist;
/// an instruction's entry stack is fixed the first time it is reached and every later path
/// must match it exactly), then over unreachable code from an empty stack; (4) the paths of
/// the reachable code against the fuel of one call: every instruction can reach ret, and
/// neither the shortest way to ret nor any loop-free path exceeds the fuel (optionally also
/// that locals are written before they are read). Verify never throws on any input: the
/// decoder checks every read and the interpretation checks depth before each pop and push.
/// </summary>
public static class CilVerifier
{
    /// <summary>
    /// Verifies <paramref name="body"/> as the body of a hook with signature
    /// <paramref name="signature"/>, resolving tokens through <paramref name="tokens"/>
    /// (which must have been built for the same signature), with the declared
    /// <paramref name="locals"/> (zero-initialised) and declared <paramref name="maxStack"/>.
    /// </summary>
    public static VerificationResult Verify(ReadOnlySpan<byte> body, HookSignature signature, CilTokenTable tokens, CilLimits limits, IReadOnlyList<CilType> locals, int maxStack)
    {
        if (body.Length == 0 || body.Length > limits.MaxCodeSize)
        {
            return VerificationResult.Fail(CilRule.CodeSize, -1, $"body is {body.Length} bytes; it must be 1 to {limits.MaxCodeSize}");
        }

        if (locals.Count > limits.MaxLocals)
        {
            return VerificationResult.Fail(CilRule.Locals, -1, $"{locals.Count} locals; at most {limits.MaxLocals} are allowed");
        }

        var localTypes = new CilType[locals.Count];
        for (int i = 0; i < localTypes.Length; i++)
        {
            if (!CilTypes.IsValid(locals[i]))
            {
                return VerificationResult.Fail(CilRule.Locals, -1, $"local {i} has an invalid type");
            }

            localTypes[i] = locals[i];
        }

        if (maxStack < 0 || maxStack > limits.MaxStack)
        {
            return VerificationResult.Fail(CilRule.MaxStackLimit, -1, $"maxStack {maxStack} is outside 0..{limits.MaxStack}");
        }

        if (tokens.Signature != signature)
        {
            return VerificationResult.Fail(CilRule.TokenTableMismatch, -1, $"the token table was built for hook {tokens.Signature.Name}, not {signature.Name}");
        }

        var run = new VerifierRun(body, signature, tokens, limits, localTypes, maxStack);
        if (!run.DecodeAll() || !run.CheckBranches() || !run.Interpret() || !run.CheckPaths())
        {
            return run.Failure!;
        }

        return VerificationResult.Ok(run.Compile());
    }
}

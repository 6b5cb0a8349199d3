using NexOS.Security.Cil;
using NexOS.Security.Patches;
using CilTokenTable = NexOS.Security.Cil.CilTokenTable;

namespace NexOS.Security.External;

/// <summary>
/// Verifies the CIL body of a decoded patch under a hook signature: the token table is rebuilt
/// from the names the patch carries, the locals are mapped to verifier types, and
/// <see cref="CilVerifier"/> runs with the given limits. Shared by the host patch tool (which
/// refuses to write a patch that would fail here) and the kernel's inbox, so both apply the
/// same rules.
/// </summary>
public static class ExternalPatchCheck
{
    /// <summary>Verifies <paramref name="body"/> as a body of <paramref name="hook"/>; on a
    /// token-table problem the result carries rule <see cref="CilRule.Token"/>.</summary>
    public static VerificationResult Verify(CilBody body, HookSignature hook, CilLimits limits)
    {
        var tokens = new CilTokenTable(hook);
        foreach (CilToken token in body.Tokens)
        {
            string? error = tokens.TryAdd(token.Token, token.Name);
            if (error != null)
            {
                return VerificationResult.Fail(CilRule.Token, -1, error);
            }

            if (!KindMatches(token, tokens))
            {
                return VerificationResult.Fail(CilRule.Token, -1, $"token 0x{token.Token:X8} ('{token.Name}') is declared as {PatchNames.Name(token.Kind)} but names something else");
            }
        }

        var locals = new CilType[body.Locals.Length];
        for (int i = 0; i < locals.Length; i++)
        {
            locals[i] = body.Locals[i] == CilLocalType.Int64 ? CilType.Int64 : CilType.Int32;
        }

        return CilVerifier.Verify(body.Code, hook, tokens, limits, locals, body.MaxStack);
    }

    private static bool KindMatches(CilToken token, CilTokenTable tokens)
    {
        if (!tokens.TryResolve(token.Token, out CilTokenTarget target))
        {
            return false;
        }

        return token.Kind == Patches.CilTokenKind.ContextField
            ? target.Kind == Cil.CilTokenKind.ContextField
            : target.Kind == Cil.CilTokenKind.Helper;
    }
}

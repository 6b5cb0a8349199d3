using System.Text;

namespace NexOS.Security.Patches;

/// <summary>
/// Checks a caller-built <see cref="Patch"/> against the same limits the reader enforces, so
/// that the writer never produces bytes the reader would refuse. Errors carry offset -1
/// because an object has no byte offsets.
/// </summary>
internal static class PatchValidator
{
    public static bool Validate(Patch patch, out PatchError error)
    {
        PatchProvenance p = patch.Provenance;
        if (p.Origin != PatchOrigin.Engine && p.Origin != PatchOrigin.External)
        {
            return Fail(PatchErrorCode.UnknownValue, "unknown origin", out error);
        }

        if (!CheckString(p.Source, "the source", true, out error)
            || !CheckString(p.Reason, "the reason", false, out error)
            || !CheckString(patch.Target, "the target name", true, out error)
            || !CheckString(p.GainMetric, "the gain metric name", false, out error))
        {
            return false;
        }

        if (patch.Kind == PatchKind.Parameter)
        {
            return ValidateParameters(patch, out error);
        }

        if (patch.Kind == PatchKind.Cil && patch.Cil != null)
        {
            return ValidateCil(patch.Cil, out error);
        }

        return Fail(PatchErrorCode.Inconsistent, "a CIL patch needs a body and a parameter patch needs changes", out error);
    }

    private static bool ValidateParameters(Patch patch, out PatchError error)
    {
        ReadOnlySpan<ParameterChange> changes = patch.Parameters;
        if (changes.Length < 1 || changes.Length > PatchLimits.MaxParameters)
        {
            return Fail(PatchErrorCode.LimitExceeded, $"the parameter count {changes.Length} is outside 1..{PatchLimits.MaxParameters}", out error);
        }

        for (int i = 0; i < changes.Length; i++)
        {
            if (!CheckString(changes[i].Name, "a parameter name", true, out error))
            {
                return false;
            }

            for (int j = 0; j < i; j++)
            {
                if (changes[j].Name == changes[i].Name)
                {
                    return Fail(PatchErrorCode.Duplicate, $"parameter '{changes[i].Name}' is changed twice", out error);
                }
            }
        }

        error = default;
        return true;
    }

    private static bool ValidateCil(CilBody body, out PatchError error)
    {
        if (body.MaxStack < 0 || body.MaxStack > PatchLimits.MaxStack)
        {
            return Fail(PatchErrorCode.LimitExceeded, $"max stack {body.MaxStack} is outside 0..{PatchLimits.MaxStack}", out error);
        }

        if (body.Code.Length < 1 || body.Code.Length > PatchLimits.MaxCodeBytes)
        {
            return Fail(PatchErrorCode.LimitExceeded, $"code of {body.Code.Length} bytes is outside 1..{PatchLimits.MaxCodeBytes}", out error);
        }

        if (body.Locals.Length > PatchLimits.MaxLocals || body.Tokens.Length > PatchLimits.MaxTokens || body.Constants.Length > PatchLimits.MaxConstants)
        {
            return Fail(PatchErrorCode.LimitExceeded, "too many locals, tokens or constants", out error);
        }

        foreach (CilLocalType type in body.Locals)
        {
            if (type != CilLocalType.Int32 && type != CilLocalType.Int64)
            {
                return Fail(PatchErrorCode.UnknownValue, "unknown local type", out error);
            }
        }

        ReadOnlySpan<CilToken> tokens = body.Tokens;
        for (int i = 0; i < tokens.Length; i++)
        {
            if (tokens[i].Kind != CilTokenKind.ContextField && tokens[i].Kind != CilTokenKind.Helper)
            {
                return Fail(PatchErrorCode.UnknownValue, "unknown token kind", out error);
            }

            if (!CheckString(tokens[i].Name, "a token name", true, out error))
            {
                return false;
            }

            for (int j = 0; j < i; j++)
            {
                if (tokens[j].Token == tokens[i].Token)
                {
                    return Fail(PatchErrorCode.Duplicate, $"token 0x{tokens[i].Token:x8} appears twice", out error);
                }
            }
        }

        error = default;
        return true;
    }

    private static bool CheckString(string? value, string what, bool required, out PatchError error)
    {
        if (value == null || (required && value.Length == 0))
        {
            return Fail(PatchErrorCode.BadString, $"{what} is empty", out error);
        }

        int bytes = Encoding.UTF8.GetByteCount(value);
        if (bytes > PatchLimits.MaxStringBytes)
        {
            return Fail(PatchErrorCode.LimitExceeded, $"string of {bytes} bytes exceeds the limit of {PatchLimits.MaxStringBytes} ({what})", out error);
        }

        error = default;
        return true;
    }

    private static bool Fail(PatchErrorCode code, string message, out PatchError error)
    {
        error = new PatchError(code, -1, message);
        return false;
    }
}

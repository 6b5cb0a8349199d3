namespace NexOS.Security.Patches;

/// <summary>The kind-specific payload: parameter changes or a CIL body. Every count is checked
/// against its limit before the array for it is allocated.</summary>
public static partial class PatchReader
{
    private static bool ReadPayload(ref PatchCursor c, PatchKind kind, out ParameterChange[]? changes, out CilBody? body)
    {
        changes = null;
        body = null;
        return kind == PatchKind.Parameter ? ReadParameters(ref c, out changes) : ReadCil(ref c, out body);
    }

    private static bool ReadCount(ref PatchCursor c, string what, int min, int max, out int count)
    {
        count = 0;
        int at = c.Position;
        if (!c.ReadU16(what, -1, out ushort raw))
        {
            return false;
        }

        if (raw < min || raw > max)
        {
            return c.Fail(PatchErrorCode.LimitExceeded, at, $"{what} {raw} at offset {at} is outside {min}..{max}");
        }

        count = raw;
        return true;
    }

    private static bool ReadParameters(ref PatchCursor c, out ParameterChange[]? changes)
    {
        changes = null;
        if (!ReadCount(ref c, "the parameter count", 1, PatchLimits.MaxParameters, out int count))
        {
            return false;
        }

        var result = new ParameterChange[count];
        for (int i = 0; i < count; i++)
        {
            int at = c.Position;
            if (!c.ReadString("parameter name", i, true, out string name) || !c.ReadU64("parameter value", i, out ulong value))
            {
                return false;
            }

            for (int j = 0; j < i; j++)
            {
                if (result[j].Name == name)
                {
                    return c.Fail(PatchErrorCode.Duplicate, at, $"parameter '{name}' at offset {at} is changed twice");
                }
            }

            result[i] = new ParameterChange(name, (long)value);
        }

        changes = result;
        return true;
    }

    private static bool ReadCil(ref PatchCursor c, out CilBody? body)
    {
        body = null;
        int at = c.Position;
        if (!c.ReadU16("the max stack", -1, out ushort maxStack))
        {
            return false;
        }

        if (maxStack > PatchLimits.MaxStack)
        {
            return c.Fail(PatchErrorCode.LimitExceeded, at, $"max stack {maxStack} exceeds the limit of {PatchLimits.MaxStack}");
        }

        at = c.Position;
        if (!c.ReadU32("the code length", -1, out uint codeLength))
        {
            return false;
        }

        if (codeLength == 0 || codeLength > PatchLimits.MaxCodeBytes)
        {
            return c.Fail(PatchErrorCode.LimitExceeded, at, $"code of {codeLength} bytes is outside 1..{PatchLimits.MaxCodeBytes}");
        }

        if (!c.ReadBytes((int)codeLength, "the code", -1, out ReadOnlySpan<byte> code)
            || !ReadLocals(ref c, out CilLocalType[]? locals)
            || !ReadTokens(ref c, out CilToken[]? tokens)
            || !ReadCount(ref c, "the constant count", 0, PatchLimits.MaxConstants, out int constantCount))
        {
            return false;
        }

        var constants = new long[constantCount];
        for (int i = 0; i < constantCount; i++)
        {
            if (!c.ReadU64("constant", i, out ulong value))
            {
                return false;
            }

            constants[i] = (long)value;
        }

        body = new CilBody(code.ToArray(), maxStack, locals!, tokens!, constants);
        return true;
    }

    private static bool ReadLocals(ref PatchCursor c, out CilLocalType[]? locals)
    {
        locals = null;
        int at = c.Position;
        if (!c.ReadU8("the local count", -1, out byte count))
        {
            return false;
        }

        if (count > PatchLimits.MaxLocals)
        {
            return c.Fail(PatchErrorCode.LimitExceeded, at, $"{count} locals exceed the limit of {PatchLimits.MaxLocals}");
        }

        var result = new CilLocalType[count];
        for (int i = 0; i < count; i++)
        {
            at = c.Position;
            if (!c.ReadU8("local type", i, out byte type))
            {
                return false;
            }

            if (type != (byte)CilLocalType.Int32 && type != (byte)CilLocalType.Int64)
            {
                return c.Fail(PatchErrorCode.UnknownValue, at, $"unknown local type {type} at offset {at}");
            }

            result[i] = (CilLocalType)type;
        }

        locals = result;
        return true;
    }

    private static bool ReadTokens(ref PatchCursor c, out CilToken[]? tokens)
    {
        tokens = null;
        if (!ReadCount(ref c, "the token count", 0, PatchLimits.MaxTokens, out int count))
        {
            return false;
        }

        var result = new CilToken[count];
        for (int i = 0; i < count; i++)
        {
            int at = c.Position;
            if (!c.ReadU32("token", i, out uint token) || !c.ReadU8("token kind", i, out byte kind))
            {
                return false;
            }

            if (kind != (byte)CilTokenKind.ContextField && kind != (byte)CilTokenKind.Helper)
            {
                return c.Fail(PatchErrorCode.UnknownValue, at + 4, $"unknown token kind {kind} at offset {at + 4}");
            }

            if (!c.ReadString("token name", i, true, out string name))
            {
                return false;
            }

            for (int j = 0; j < i; j++)
            {
                if (result[j].Token == token)
                {
                    return c.Fail(PatchErrorCode.Duplicate, at, $"token 0x{token:x8} at offset {at} appears twice");
                }
            }

            result[i] = new CilToken(token, (CilTokenKind)kind, name);
        }

        tokens = result;
        return true;
    }
}

using NexOS.Security.Cil;

namespace NexOS.Tests.Security.Cil;

/// <summary>
/// Shared fixtures: the standard test hook (arguments int32, int64, bool; context fields
/// base:int32, big:int64, flag:bool), its token table and shortcuts to verify and run.
/// </summary>
internal static class CilKit
{
    public const uint Base = 0x0A000001, Big = 0x0A000002, Flag = 0x0A000003;
    public const uint Min32 = 0x0A000004, Max32 = 0x0A000005, Abs32 = 0x0A000006, Clamp32 = 0x0A000007;
    public const uint Min64 = 0x0A000008, Max64 = 0x0A000009, Abs64 = 0x0A00000A, Clamp64 = 0x0A00000B;

    public static readonly string[] TokenNames =
    {
        "base", "big", "flag",
        "Math.Min(int32,int32)", "Math.Max(int32,int32)", "Math.Abs(int32)", "Math.Clamp(int32,int32,int32)",
        "Math.Min(int64,int64)", "Math.Max(int64,int64)", "Math.Abs(int64)", "Math.Clamp(int64,int64,int64)",
    };

    public static readonly ContextField[] Fields =
    {
        new("base", CilType.Int32), new("big", CilType.Int64), new("flag", CilType.Bool),
    };

    private static readonly Dictionary<string, (HookSignature Signature, CilTokenTable Tokens)> s_cache = new();

    /// <summary>The standard hook with the given return type.</summary>
    public static (HookSignature Signature, CilTokenTable Tokens) Standard(CilType returnType) =>
        Hook(returnType, CilType.Int32, CilType.Int64, CilType.Bool);

    /// <summary>A hook with the standard context and the given return and argument types (cached).</summary>
    public static (HookSignature Signature, CilTokenTable Tokens) Hook(CilType returnType, params CilType[] args)
    {
        string key = ((int)returnType).ToString() + ":" + string.Join(",", args);
        lock (s_cache)
        {
            if (!s_cache.TryGetValue(key, out var entry))
            {
                var signature = new HookSignature("test", returnType, args, Fields);
                CilTokenTable? tokens = CilTokenTable.TryBuild(signature, TokenNames, out string? error);
                Assert.That(error, Is.Null);
                entry = (signature, tokens!);
                s_cache.Add(key, entry);
            }

            return entry;
        }
    }

    public static VerificationResult Verify(byte[] body, CilType returnType = CilType.Int32, CilType[]? locals = null, int maxStack = 8, CilLimits? limits = null)
    {
        var (signature, tokens) = Standard(returnType);
        return CilVerifier.Verify(body, signature, tokens, limits ?? CilLimits.Default, locals ?? Array.Empty<CilType>(), maxStack);
    }

    public static CompiledHook Compile(byte[] body, (HookSignature Signature, CilTokenTable Tokens) hook, CilType[]? locals = null, int maxStack = 8, CilLimits? limits = null)
    {
        VerificationResult result = CilVerifier.Verify(body, hook.Signature, hook.Tokens, limits ?? CilLimits.Default, locals ?? Array.Empty<CilType>(), maxStack);
        Assert.That(result.IsOk, Is.True, result.ToString());
        return result.Hook!;
    }

    /// <summary>Asserts a verification failure with the rule and offset, and returns the message.</summary>
    public static string Rejected(VerificationResult result, CilRule rule, int offset)
    {
        Assert.That(result.IsOk, Is.False, "expected a rejection");
        Assert.That(VerificationResult.RuleName(result.Rule), Is.EqualTo(VerificationResult.RuleName(rule)), result.ToString());
        Assert.That(result.Offset, Is.EqualTo(offset), result.ToString());
        Assert.That(result.Hook, Is.Null);
        return result.Message;
    }

    public static (CilExecStatus Status, long Value) Run(CompiledHook hook, long[]? context = null, long[]? args = null, long fuel = 100_000)
    {
        context ??= new long[hook.Signature.ContextFields.Count];
        args ??= new long[hook.Signature.ArgumentTypes.Count];
        CilExecStatus status = CilInterpreter.Run(hook, context, args, ref fuel, out long value);
        return (status, value);
    }
}

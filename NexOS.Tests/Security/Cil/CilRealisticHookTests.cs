using NexOS.Security.Cil;

namespace NexOS.Tests.Security.Cil;

/// <summary>
/// A hook as the AI engine would patch it: the scheduler's time slice,
/// clamp(base + boost * waits, min, max), written once with the Math.Clamp helper and once
/// with branches and a local, both checked against the same formula in C#.
/// </summary>
[TestFixture]
public sealed class CilRealisticHookTests
{
    /// <summary>The hook: context base, boost, min, max (int32) and interactive (bool); argument waits (int32).</summary>
    public static readonly HookSignature TimeSlice = new(
        "sched.time_slice",
        CilType.Int32,
        new[] { CilType.Int32 },
        new[]
        {
            new ContextField("base", CilType.Int32), new ContextField("boost", CilType.Int32),
            new ContextField("min", CilType.Int32), new ContextField("max", CilType.Int32),
            new ContextField("interactive", CilType.Bool),
        });

    // Tokens in the order of the names given to CilTokenTable.TryBuild.
    private const uint BaseToken = 0x0A000001, BoostToken = 0x0A000002, MinToken = 0x0A000003, MaxToken = 0x0A000004, ClampToken = 0x0A000005;
    public static readonly string[] TokenNames = { "base", "boost", "min", "max", "Math.Clamp(int32,int32,int32)" };

    /// <summary>ldarg.0 ldfld base; ldarg.0 ldfld boost; ldarg.1; mul; add; min; max; call Clamp; ret.</summary>
    public static byte[] ClampBody() => new IlAssembler()
        .Field(BaseToken).Field(BoostToken).Ldarg(1).Op(Il.Mul).Op(Il.Add)
        .Field(MinToken).Field(MaxToken).Call(ClampToken).Op(Il.Ret).ToArray();

    /// <summary>The same with a local and two conditional branches (min wins when min exceeds max).</summary>
    public static byte[] BranchyBody()
    {
        var asm = new IlAssembler();
        IlLabel notLow = asm.Label(), notHigh = asm.Label();
        asm.Field(BaseToken).Field(BoostToken).Ldarg(1).Op(Il.Mul).Op(Il.Add).Stloc(0);
        asm.Ldloc(0).Field(MaxToken).Branch(Il.BleS, notHigh).Field(MaxToken).Stloc(0);
        asm.Mark(notHigh).Ldloc(0).Field(MinToken).Branch(Il.BgeS, notLow).Field(MinToken).Stloc(0);
        asm.Mark(notLow).Ldloc(0).Op(Il.Ret);
        return asm.ToArray();
    }

    private static CompiledHook Build(byte[] body)
    {
        CilTokenTable? tokens = CilTokenTable.TryBuild(TimeSlice, TokenNames, out string? error);
        Assert.That(error, Is.Null);
        VerificationResult result = CilVerifier.Verify(body, TimeSlice, tokens!, CilLimits.Default, new[] { CilType.Int32 }, 4);
        Assert.That(result.IsOk, Is.True, result.ToString());
        return result.Hook!;
    }

    [Test]
    public void BothFormsMatchTheFormula()
    {
        CompiledHook clamp = Build(ClampBody());
        CompiledHook branchy = Build(BranchyBody());
        Assert.That(clamp.MaxStack, Is.EqualTo(3));
        int[] bases = { 0, 1_000, 4_000_000, int.MaxValue };
        int[] boosts = { 0, 250, -250, 1 << 20 };
        int[] waits = { 0, 1, 3, 100, -5, 5000 };
        foreach (int b in bases)
        {
            foreach (int boost in boosts)
            {
                foreach (int w in waits)
                {
                    long[] context = { b, boost, 500, 10_000_000, 1 };
                    int expected = Math.Clamp(unchecked(b + (boost * w)), 500, 10_000_000);
                    long fuel = 100;
                    Assert.That(CilInterpreter.Run(clamp, context, new long[] { w }, ref fuel, out long value), Is.EqualTo(CilExecStatus.Ok));
                    Assert.That(value, Is.EqualTo(expected), $"clamp form: base {b} boost {boost} waits {w}");
                    Assert.That(fuel, Is.EqualTo(100 - clamp.InstructionCount), "straight-line code runs every instruction once");
                    fuel = 100;
                    Assert.That(CilInterpreter.Run(branchy, context, new long[] { w }, ref fuel, out value), Is.EqualTo(CilExecStatus.Ok));
                    Assert.That(value, Is.EqualTo(expected), $"branch form: base {b} boost {boost} waits {w}");
                }
            }
        }
    }

    [Test]
    public void AnInvertedRangeIsAFaultForTheHelperAndMinForTheBranches()
    {
        long[] context = { 100, 0, 50, 10, 0 };
        long fuel = 100;
        Assert.That(CilInterpreter.Run(Build(ClampBody()), context, new long[] { 0 }, ref fuel, out _), Is.EqualTo(CilExecStatus.InvalidHelperArgument));
        fuel = 100;
        Assert.That(CilInterpreter.Run(Build(BranchyBody()), context, new long[] { 0 }, ref fuel, out long value), Is.EqualTo(CilExecStatus.Ok));
        Assert.That(value, Is.EqualTo(50));
    }

    [Test]
    public void UnknownNamesAreRefusedWhenTheTableIsBuilt()
    {
        CilTokenTable? tokens = CilTokenTable.TryBuild(TimeSlice, new[] { "base", "priority" }, out string? error);
        Assert.That(tokens, Is.Null);
        Assert.That(error, Is.EqualTo("token 0x0A000002: 'priority' is neither a context field of hook sched.time_slice nor a whitelisted helper"));
    }
}

using NexOS.Security.Cil;
using static NexOS.Tests.Security.Cil.CilKit;

namespace NexOS.Tests.Security.Cil;

/// <summary>Bodies at the hard limits verify, run and fail cleanly.</summary>
[TestFixture]
public sealed class CilLimitTests
{
    private static readonly CilLimits s_widest = new(int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue, true);

    [Test]
    public void TheLargestBodyVerifiesAndRunsWithinItsSize()
    {
        byte[] body = new byte[CilLimits.HardMaxCodeSize];
        body[^2] = Il.LdcI40 + 7;
        body[^1] = Il.Ret;
        VerificationResult result = Verify(body, limits: s_widest);
        Assert.That(result.IsOk, Is.True, result.ToString());
        long fuel = CilLimits.HardMaxCodeSize;
        Assert.That(CilInterpreter.Run(result.Hook!, new long[3], new long[3], ref fuel, out long value), Is.EqualTo(CilExecStatus.Ok));
        Assert.That((value, fuel), Is.EqualTo((7L, 0L)), "one fuel per instruction, nops included");
        var oneMore = new byte[CilLimits.HardMaxCodeSize + 1];
        Rejected(Verify(oneMore, limits: s_widest), CilRule.CodeSize, -1);
    }

    [Test]
    public void TheWidestSwitchVerifies()
    {
        var asm = new IlAssembler().Ldarg(1);
        var targets = new IlLabel[CilLimits.HardMaxSwitchTargets];
        for (int i = 0; i < targets.Length; i++)
        {
            targets[i] = asm.Label();
        }

        asm.Switch(targets).LdcI4(-1).Op(Il.Ret);
        for (int i = 0; i < targets.Length; i++)
        {
            asm.Mark(targets[i]).LdcI4(i).Op(Il.Ret);
        }

        VerificationResult result = Verify(asm.ToArray(), limits: s_widest);
        Assert.That(result.IsOk, Is.True, result.ToString());
        Assert.That(Run(result.Hook!, args: new long[] { 1000, 0, 0 }).Value, Is.EqualTo(1000));
        Assert.That(Run(result.Hook!, args: new long[] { 1024, 0, 0 }).Value, Is.EqualTo(-1));
    }

    [Test]
    public void TheDeepestStackAndMostLocalsWork()
    {
        var asm = new IlAssembler();
        for (int i = 0; i < CilLimits.HardMaxStack; i++)
        {
            asm.LdcI4(i);
        }

        for (int i = 1; i < CilLimits.HardMaxStack; i++)
        {
            asm.Op(Il.Add);
        }

        asm.Op2U16(Il.Stloc, CilLimits.HardMaxLocals - 1).Op2U16(Il.Ldloc, CilLimits.HardMaxLocals - 1).Op(Il.Ret);
        var locals = new CilType[CilLimits.HardMaxLocals];
        Array.Fill(locals, CilType.Int32);
        VerificationResult result = Verify(asm.ToArray(), locals: locals, maxStack: CilLimits.HardMaxStack, limits: s_widest);
        Assert.That(result.IsOk, Is.True, result.ToString());
        Assert.That(result.Hook!.MaxStack, Is.EqualTo(CilLimits.HardMaxStack));
        Assert.That(Run(result.Hook!).Value, Is.EqualTo(63 * 64 / 2));

        // The 64th push, ldc.i4.s 63, follows nine one-byte and 54 two-byte constants.
        Rejected(Verify(asm.ToArray(), locals: locals, maxStack: CilLimits.HardMaxStack - 1, limits: s_widest), CilRule.StackOverflow, 9 + (54 * 2));
    }

    [Test]
    public void LargeRandomBodiesNeverThrow()
    {
        var random = new Random(5);
        for (int i = 0; i < 200; i++)
        {
            byte[] body = new byte[random.Next(1, CilLimits.HardMaxCodeSize + 1)];
            random.NextBytes(body);
            Assert.That(Verify(body, limits: s_widest).IsOk, Is.False);
        }
    }
}

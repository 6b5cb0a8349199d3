using NexOS.Security.Cil;
using static NexOS.Tests.Security.Cil.CilKit;

namespace NexOS.Tests.Security.Cil;

/// <summary>Token, branch and stack-flow rules, each broken once at a known offset.</summary>
[TestFixture]
public sealed class CilVerifierFlowTests
{
    [Test]
    public void TokensMustResolveToTheRightKind()
    {
        string message = Rejected(Verify(new IlAssembler().Field(Min32).Op(Il.Ret).ToArray()), CilRule.Token, 1);
        Assert.That(message, Is.EqualTo("'ldfld' token 0x0A000004 does not resolve to a context field"));
        message = Rejected(Verify(new IlAssembler().LdcI4(1).LdcI4(2).Call(Base).Op(Il.Ret).ToArray()), CilRule.Token, 2);
        Assert.That(message, Is.EqualTo("'call' token 0x0A000001 does not resolve to a whitelisted helper"));
        Rejected(Verify(new IlAssembler().Field(0x0A0000FF).Op(Il.Ret).ToArray()), CilRule.Token, 1);
        Rejected(Verify(new IlAssembler().Call(0).Op(Il.Ret).ToArray()), CilRule.Token, 0);
    }

    [Test]
    public void SwitchTablesAreBounded()
    {
        var asm = new IlAssembler().LdcI4(0);
        IlLabel end = asm.Label();
        var targets = new IlLabel[33];
        Array.Fill(targets, end);
        asm.Switch(targets).Mark(end).LdcI4(1).Op(Il.Ret);
        string message = Rejected(Verify(asm.ToArray()), CilRule.SwitchSize, 1);
        Assert.That(message, Is.EqualTo("switch has 33 targets; at most 32 are allowed"));
        Assert.That(Verify(asm.ToArray(), limits: new CilLimits(1024, 16, 16, 33, false)).IsOk, Is.True);
    }

    [Test]
    public void BranchTargetsMustBeInstructionBoundaries()
    {
        // IL_0000 ldc.i4 0x100 (5 bytes), IL_0005 br.s into the middle of it.
        byte[] body = { Il.LdcI4, 0, 1, 0, 0, Il.BrS, 0xFA, Il.Ret };
        string message = Rejected(Verify(body, limits: CilLimits.Default.WithLoops(true)), CilRule.BranchTarget, 5);
        Assert.That(message, Is.EqualTo("branch target 0x0001 is not an instruction boundary"));

        // IL_0000 nop ... IL_0007 brtrue.s to IL_0013, which is the operand of an ldc.i4.
        var asm = new IlAssembler();
        for (int i = 0; i < 6; i++)
        {
            asm.Op(Il.Nop);
        }

        asm.LdcI4(1).Raw(Il.BrtrueS, 0x0A).LdcI4(0).Op(Il.Ret).LdcI4(0x12345).LdcI8(7).Op(Il.Ret);
        message = Rejected(Verify(asm.ToArray()), CilRule.BranchTarget, 7);
        Assert.That(message, Is.EqualTo("branch target 0x0013 is not an instruction boundary"));
    }

    [Test]
    public void BranchTargetsMustLieInsideTheBody()
    {
        byte[] forward = { Il.LdcI40 + 1, Il.BrtrueS, 0x05, Il.LdcI40 + 1, Il.Ret };
        Assert.That(Rejected(Verify(forward), CilRule.BranchTarget, 1), Is.EqualTo("branch target 0x0008 is outside the body (0x0000..0x0004)"));
        byte[] backward = new IlAssembler().Op(Il.Br, -100).LdcI4(1).Op(Il.Ret).ToArray();
        Assert.That(Rejected(Verify(backward, limits: CilLimits.Default.WithLoops(true)), CilRule.BranchTarget, 0), Is.EqualTo("branch target -0x005F is outside the body (0x0000..0x0006)"));
        byte[] huge = new IlAssembler().Op(Il.Br, int.MaxValue).ToArray();
        Rejected(Verify(huge), CilRule.BranchTarget, 0);
        byte[] toEnd = new IlAssembler().LdcI4(1).Op(Il.Br, 0).ToArray();
        Rejected(Verify(toEnd), CilRule.BranchTarget, 1);
    }

    [Test]
    public void SwitchTargetsAreCheckedToo()
    {
        byte[] body = new IlAssembler().LdcI4(0).Op(Il.Switch, 2).Int32(0).Int32(1).LdcI4(100).Op(Il.Ret).ToArray();
        Assert.That(Rejected(Verify(body), CilRule.BranchTarget, 1), Is.EqualTo("branch target 0x000F is not an instruction boundary"));
    }

    [Test]
    public void BackwardBranchesNeedLoopsAllowed()
    {
        var asm = new IlAssembler();
        IlLabel top = asm.Label();
        asm.Op(Il.Nop).Mark(top).Op(Il.Nop).Branch(Il.BrS, top);
        string message = Rejected(Verify(asm.ToArray()), CilRule.BackwardBranch, 2);
        Assert.That(message, Is.EqualTo("backward branch to 0x0001 while loops are not allowed"));
        Rejected(Verify(asm.ToArray(), limits: CilLimits.Default.WithLoops(true)), CilRule.NoReturn, 0);

        byte[] self = { Il.BrS, 0xFE };
        Rejected(Verify(self), CilRule.BackwardBranch, 0);
    }

    [Test]
    public void PoppingAnEmptyStackUnderflows()
    {
        Assert.That(Rejected(Verify(new IlAssembler().LdcI4(1).Op(Il.Add).Op(Il.Ret).ToArray()), CilRule.StackUnderflow, 1), Is.EqualTo("'add' needs 2 value(s) but the stack holds 1"));
        Rejected(Verify(new IlAssembler().Op(Il.Pop).LdcI4(1).Op(Il.Ret).ToArray()), CilRule.StackUnderflow, 0);
        Rejected(Verify(new IlAssembler().LdcI4(1).LdcI4(2).Call(Clamp32).Op(Il.Ret).ToArray()), CilRule.StackUnderflow, 2);
        Rejected(Verify(new IlAssembler().Op(Il.Ldfld, (int)Base).Op(Il.Ret).ToArray()), CilRule.StackUnderflow, 0);
        Rejected(Verify(new IlAssembler().Op(Il.Nop).Op(Il.Dup).Op(Il.Ret).ToArray()), CilRule.StackUnderflow, 1);
        Rejected(Verify(new IlAssembler().Op(Il.Nop).Op(Il.Nop).Op(Il.Stloc0).LdcI4(1).Op(Il.Ret).ToArray(), locals: new[] { CilType.Int32 }), CilRule.StackUnderflow, 2);
    }

    [Test]
    public void PushingPastMaxStackOverflows()
    {
        byte[] body = new IlAssembler().LdcI4(1).LdcI4(2).Op(Il.Add).Op(Il.Ret).ToArray();
        Assert.That(Rejected(Verify(body, maxStack: 1), CilRule.StackOverflow, 1), Is.EqualTo("'ldc.i4.2' grows the stack beyond maxStack 1"));
        Assert.That(Verify(body, maxStack: 2).IsOk, Is.True);
        Rejected(Verify(new IlAssembler().LdcI4(1).Op(Il.Ret).ToArray(), maxStack: 0), CilRule.StackOverflow, 0);
    }

    [Test]
    public void MixedWidthsAndMisusedValuesAreTypeErrors()
    {
        Assert.That(Rejected(Verify(new IlAssembler().Ldarg(1).Ldarg(2).Op(Il.Add).Op(Il.Ret).ToArray()), CilRule.TypeMismatch, 2), Is.EqualTo("'add' mixes int32 and int64"));
        Rejected(Verify(new IlAssembler().Ldarg(2).LdcI4(1).Op2(Il.Ceq).Op(Il.Ret).ToArray()), CilRule.TypeMismatch, 2);
        Rejected(Verify(new IlAssembler().LdcI4(1).Op(Il.Ldfld, (int)Base).Op(Il.Ret).ToArray()), CilRule.TypeMismatch, 1);
        Rejected(Verify(new IlAssembler().Ldarg(0).LdcI4(1).Op(Il.Add).Op(Il.Ret).ToArray()), CilRule.TypeMismatch, 2);
        Rejected(Verify(new IlAssembler().LdcI4(1).LdcI8(1).Op(Il.Shl).Op(Il.Ret).ToArray()), CilRule.TypeMismatch, 10);
        Rejected(Verify(new IlAssembler().LdcI8(0).Op(Il.Switch, 0).LdcI4(1).Op(Il.Ret).ToArray()), CilRule.TypeMismatch, 9);
        Rejected(Verify(new IlAssembler().LdcI8(1).LdcI4(2).Call(Min32).Op(Il.Ret).ToArray()), CilRule.TypeMismatch, 10);
        Rejected(Verify(new IlAssembler().Ldarg(0).Op(Il.BrtrueS, 0).LdcI4(1).Op(Il.Ret).ToArray()), CilRule.TypeMismatch, 1);
        Rejected(Verify(new IlAssembler().Ldarg(0).Op(Il.Neg).Op(Il.Ret).ToArray()), CilRule.TypeMismatch, 1);
        Rejected(Verify(new IlAssembler().Ldarg(0).Op(Il.ConvI8).Op(Il.Ret).ToArray(), CilType.Int64), CilRule.TypeMismatch, 1);
        Rejected(Verify(BadBlt()), CilRule.TypeMismatch, 2);
    }

    [Test]
    public void LocalsKeepTheirDeclaredType()
    {
        CilType[] locals = { CilType.Int32, CilType.Int64 };
        string message = Rejected(Verify(new IlAssembler().LdcI8(5).Op(Il.Stloc0).LdcI4(1).Op(Il.Ret).ToArray(), locals: locals), CilRule.TypeMismatch, 9);
        Assert.That(message, Is.EqualTo("'stloc.0' stores int64 into local 0 of type int32"));
        Rejected(Verify(new IlAssembler().Op(Il.Ldloc1).Op(Il.Ret).ToArray(), locals: locals), CilRule.Return, 1);
        Rejected(Verify(new IlAssembler().Ldarg(0).Op(Il.Stloc0).LdcI4(1).Op(Il.Ret).ToArray(), locals: locals), CilRule.TypeMismatch, 1);
        Assert.That(Verify(new IlAssembler().Op(Il.Ldloc1).Op(Il.ConvI4).Op(Il.Stloc0).Op(Il.Ldloc0).Op(Il.Ret).ToArray(), locals: locals).IsOk, Is.True);
    }

    [Test]
    public void JoinPointsNeedTheSameStack()
    {
        // IL_0000 ldarg.1; IL_0001 brtrue.s IL_0006; IL_0003 ldc.i4.1; IL_0004 ldc.i4.2; IL_0005 nop; IL_0006 ret.
        var asm = new IlAssembler();
        IlLabel join = asm.Label();
        asm.Ldarg(1).Branch(Il.BrtrueS, join).LdcI4(1).LdcI4(2).Op(Il.Nop).Mark(join).Op(Il.Ret);
        string message = Rejected(Verify(asm.ToArray()), CilRule.StackMismatch, 6);
        Assert.That(message, Does.StartWith("stack at join point differs: "));

        // Same depth, different types.
        asm = new IlAssembler();
        join = asm.Label();
        IlLabel other = asm.Label();
        asm.Ldarg(1).Branch(Il.BrtrueS, other).LdcI4(1).Branch(Il.BrS, join).Mark(other).LdcI8(1).Mark(join).Op(Il.Pop).LdcI4(0).Op(Il.Ret);
        message = Rejected(Verify(asm.ToArray()), CilRule.StackMismatch, 15);
        Assert.That(message, Does.Contain("[int32]").And.Contain("[int64]"));
    }

    [Test]
    public void RetNeedsExactlyOneValueOfTheReturnType()
    {
        Assert.That(Rejected(Verify(new[] { Il.Ret }), CilRule.Return, 0), Is.EqualTo("'ret' needs exactly one int32 on the stack, found []"));
        Assert.That(Rejected(Verify(new IlAssembler().LdcI4(1).LdcI4(2).Op(Il.Ret).ToArray()), CilRule.Return, 2), Is.EqualTo("'ret' needs exactly one int32 on the stack, found [int32, int32]"));
        Rejected(Verify(new IlAssembler().LdcI8(1).Op(Il.Ret).ToArray()), CilRule.Return, 9);
        Rejected(Verify(new IlAssembler().LdcI4(1).Op(Il.Ret).ToArray(), CilType.Int64), CilRule.Return, 1);
        Rejected(Verify(new IlAssembler().Ldarg(0).Op(Il.Ret).ToArray()), CilRule.Return, 1);
        Assert.That(Verify(new IlAssembler().LdcI4(1).Op(Il.Ret).ToArray(), CilType.Bool).IsOk, Is.True, "bool is int32 on the stack");
    }

    [Test]
    public void ControlMustNotFallOffTheEnd()
    {
        Assert.That(Rejected(Verify(new IlAssembler().LdcI4(1).ToArray()), CilRule.FallThrough, 0), Is.EqualTo("control falls off the end of the body after 'ldc.i4.1'"));
        var asm = new IlAssembler();
        IlLabel done = asm.Label();
        asm.Ldarg(1).Branch(Il.BrtrueS, done).Mark(done).LdcI4(1).Op(Il.Ret);
        Assert.That(Verify(asm.ToArray()).IsOk, Is.True);
        byte[] last = new IlAssembler().LdcI4(0).Raw(Il.BrtrueS, 0xFD).ToArray();
        Rejected(Verify(last, limits: CilLimits.Default.WithLoops(true)), CilRule.FallThrough, 1);
    }

    [Test]
    public void UnreachableCodeIsTypedFromAnEmptyStack()
    {
        // ECMA-335 III.1.7.5: code no path reaches is checked as if entered with an empty stack.
        byte[] body = new IlAssembler().LdcI4(1).Op(Il.Ret).Op(Il.Add).Op(Il.Pop).ToArray();
        Assert.That(Rejected(Verify(body), CilRule.StackUnderflow, 2), Is.EqualTo("'add' needs 2 value(s) but the stack holds 0"));

        byte[] balanced = new IlAssembler().LdcI4(1).Op(Il.Ret).LdcI4(2).Op(Il.Ret).ToArray();
        VerificationResult result = Verify(balanced);
        Assert.That(result.IsOk, Is.True, result.ToString());
        Assert.That(Run(result.Hook!), Is.EqualTo((CilExecStatus.Ok, 1L)));
    }

    private static byte[] BadBlt()
    {
        var asm = new IlAssembler();
        IlLabel l = asm.Label();
        asm.Ldarg(1).Ldarg(2).Branch(Il.BltUn, l).Mark(l).LdcI4(0).Op(Il.Ret);
        return asm.ToArray();
    }
}

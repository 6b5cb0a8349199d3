using NexOS.Security.Cil;
using static NexOS.Tests.Security.Cil.CilKit;

namespace NexOS.Tests.Security.Cil;

/// <summary>Each verifier rule, broken once, reported with its rule and exact IL offset.</summary>
[TestFixture]
public sealed class CilVerifierRuleTests
{
    [Test]
    public void TheSmallestBodyVerifies()
    {
        VerificationResult result = Verify(new IlAssembler().Op(Il.LdcI40 + 1).Op(Il.Ret).ToArray());
        Assert.That(result.IsOk, Is.True, result.ToString());
        Assert.That(result.ToString(), Is.EqualTo("ok"));
        Assert.That(result.Hook!.InstructionCount, Is.EqualTo(2));
        Assert.That(result.Hook.MaxStack, Is.EqualTo(1));
    }

    [Test]
    public void CodeSizeBoundsTheBody()
    {
        Rejected(Verify(Array.Empty<byte>()), CilRule.CodeSize, -1);
        var limits = new CilLimits(8, 16, 16, 32, false);
        byte[] nine = new IlAssembler().Raw(new byte[7]).LdcI4(1).Op(Il.Ret).ToArray();
        string message = Rejected(Verify(nine, limits: limits), CilRule.CodeSize, -1);
        Assert.That(message, Is.EqualTo("body is 9 bytes; it must be 1 to 8"));
        Assert.That(Verify(nine[1..], limits: limits).IsOk, Is.True);
    }

    [Test]
    public void LocalsAreCountedAndTyped()
    {
        byte[] body = new IlAssembler().LdcI4(1).Op(Il.Ret).ToArray();
        Rejected(Verify(body, locals: new CilType[17]), CilRule.Locals, -1);
        Rejected(Verify(body, locals: new[] { CilType.Int32, (CilType)9 }), CilRule.Locals, -1);
        Rejected(Verify(body, locals: new[] { (CilType)0 }), CilRule.Locals, -1);
    }

    [Test]
    public void DeclaredMaxStackMustLieWithinTheLimit()
    {
        byte[] body = new IlAssembler().LdcI4(1).Op(Il.Ret).ToArray();
        Rejected(Verify(body, maxStack: -1), CilRule.MaxStackLimit, -1);
        Rejected(Verify(body, maxStack: 17), CilRule.MaxStackLimit, -1);
        Assert.That(Verify(body, maxStack: 16).IsOk, Is.True);
    }

    [Test]
    public void TheTokenTableMustBelongToTheHook()
    {
        byte[] body = new IlAssembler().LdcI4(1).Op(Il.Ret).ToArray();
        var (signature, _) = Standard(CilType.Int32);
        var (_, otherTokens) = Standard(CilType.Int64);
        VerificationResult result = CilVerifier.Verify(body, signature, otherTokens, CilLimits.Default, Array.Empty<CilType>(), 8);
        Rejected(result, CilRule.TokenTableMismatch, -1);
    }

    [Test]
    public void TruncatedOperandsAreReportedAtTheirInstruction()
    {
        Rejected(Verify(new byte[] { Il.Nop, Il.LdcI4, 1, 2 }), CilRule.Truncated, 1);
        Rejected(Verify(new byte[] { Il.Nop, Il.Nop, Il.Prefix }), CilRule.Truncated, 2);
        Rejected(Verify(new byte[] { Il.LdcI4S }), CilRule.Truncated, 0);
        Rejected(Verify(new byte[] { Il.LdcI40, Il.Switch, 2, 0, 0, 0, 0, 0, 0, 0 }), CilRule.Truncated, 1);
        string message = Rejected(Verify(new byte[] { Il.LdcI40, Il.Switch, 0xFF, 0xFF, 0xFF, 0xFF }), CilRule.Truncated, 1);
        Assert.That(message, Is.EqualTo("'switch' runs past the end of the body"));
        Rejected(Verify(new byte[] { Il.Prefix, Il.Ldarg, 0 }), CilRule.Truncated, 0);
    }

    [Test]
    public void UnassignedEncodingsAreUnknownOpcodes()
    {
        string message = Rejected(Verify(new byte[] { Il.Nop, Il.Nop, 0x24, Il.Ret }), CilRule.UnknownOpcode, 2);
        Assert.That(message, Is.EqualTo("0x24 is not an opcode"));
        message = Rejected(Verify(new byte[] { Il.Nop, Il.Prefix, 0x1F }), CilRule.UnknownOpcode, 1);
        Assert.That(message, Is.EqualTo("0xFE 0x1F is not an opcode"));
        Rejected(Verify(new byte[] { 0xFF }), CilRule.UnknownOpcode, 0);
        Rejected(Verify(new byte[] { Il.Nop, 0xA6 }), CilRule.UnknownOpcode, 1);
    }

    [Test]
    public void NewobjIsRefusedByName()
    {
        byte[] body = new IlAssembler().Op(Il.Nop).Op(Il.Nop).Op(Il.Nop).Op(Il.Nop).Op(Il.Newobj, 0x0A000001).Op(Il.Ret).ToArray();
        VerificationResult result = Verify(body);
        Assert.That(Rejected(result, CilRule.OpcodeNotAllowed, 4), Is.EqualTo("opcode 'newobj' is not allowed"));
        Assert.That(result.ToString(), Is.EqualTo("IL_0004: opcode 'newobj' is not allowed [OpcodeNotAllowed]"));
    }

    [TestCase(new byte[] { Il.Break }, "break")]
    [TestCase(new byte[] { Il.LdargaS, 0 }, "ldarga.s")]
    [TestCase(new byte[] { Il.StargS, 1 }, "starg.s")]
    [TestCase(new byte[] { Il.LdlocaS, 0 }, "ldloca.s")]
    [TestCase(new byte[] { Il.Ldnull }, "ldnull")]
    [TestCase(new byte[] { Il.LdcR4, 0, 0, 0, 0 }, "ldc.r4")]
    [TestCase(new byte[] { Il.LdcR8, 0, 0, 0, 0, 0, 0, 0, 0 }, "ldc.r8")]
    [TestCase(new byte[] { Il.Jmp, 1, 0, 0, 0x0A }, "jmp")]
    [TestCase(new byte[] { Il.Calli, 1, 0, 0, 0x11 }, "calli")]
    [TestCase(new byte[] { Il.Callvirt, 4, 0, 0, 0x0A }, "callvirt")]
    [TestCase(new byte[] { Il.LdindI4 }, "ldind.i4")]
    [TestCase(new byte[] { Il.StindI4 }, "stind.i4")]
    [TestCase(new byte[] { Il.ConvI1 }, "conv.i1")]
    [TestCase(new byte[] { Il.ConvR8 }, "conv.r8")]
    [TestCase(new byte[] { Il.Ldstr, 1, 0, 0, 0x70 }, "ldstr")]
    [TestCase(new byte[] { Il.Throw }, "throw")]
    [TestCase(new byte[] { Il.Ldflda, 1, 0, 0, 0x0A }, "ldflda")]
    [TestCase(new byte[] { Il.Stfld, 1, 0, 0, 0x0A }, "stfld")]
    [TestCase(new byte[] { Il.Ldsfld, 1, 0, 0, 0x0A }, "ldsfld")]
    [TestCase(new byte[] { Il.Stsfld, 1, 0, 0, 0x0A }, "stsfld")]
    [TestCase(new byte[] { Il.Box, 1, 0, 0, 0x01 }, "box")]
    [TestCase(new byte[] { Il.Newarr, 1, 0, 0, 0x01 }, "newarr")]
    [TestCase(new byte[] { Il.AddOvf }, "add.ovf")]
    [TestCase(new byte[] { Il.Endfinally }, "endfinally")]
    [TestCase(new byte[] { Il.Leave, 0, 0, 0, 0 }, "leave")]
    [TestCase(new byte[] { Il.LeaveS, 0 }, "leave.s")]
    [TestCase(new byte[] { Il.Prefix, 0x00 }, "arglist")]
    [TestCase(new byte[] { Il.Prefix, Il.Ldarga, 0, 0 }, "ldarga")]
    [TestCase(new byte[] { Il.Prefix, Il.Starg, 1, 0 }, "starg")]
    [TestCase(new byte[] { Il.Prefix, Il.Ldloca, 0, 0 }, "ldloca")]
    [TestCase(new byte[] { Il.Prefix, Il.Localloc }, "localloc")]
    [TestCase(new byte[] { Il.Prefix, Il.Initobj, 1, 0, 0, 0x01 }, "initobj")]
    [TestCase(new byte[] { Il.Prefix, Il.Cpblk }, "cpblk")]
    [TestCase(new byte[] { Il.Prefix, Il.Rethrow }, "rethrow")]
    [TestCase(new byte[] { Il.Prefix, Il.Sizeof, 1, 0, 0, 0x01 }, "sizeof")]
    [TestCase(new byte[] { Il.Prefix, 0x06, 1, 0, 0, 0x0A }, "ldftn")]
    [TestCase(new byte[] { Il.Prefix, 0x13 }, "volatile.")]
    [TestCase(new byte[] { Il.Prefix, 0x14 }, "tail.")]
    [TestCase(new byte[] { Il.Prefix, 0x19, 1 }, "no.")]
    public void OpcodesOutsideTheSubsetAreRefusedByName(byte[] instruction, string name)
    {
        byte[] body = new IlAssembler().LdcI4(1).LdcI4(2).Raw(instruction).Op(Il.Ret).ToArray();
        Assert.That(Rejected(Verify(body), CilRule.OpcodeNotAllowed, 2), Is.EqualTo($"opcode '{name}' is not allowed"));
    }

    [Test]
    public void ForbiddenOpcodesAreRefusedEvenWhenUnreachable()
    {
        byte[] body = new IlAssembler().LdcI4(1).Op(Il.Ret).Op(Il.Newarr, 1).ToArray();
        Rejected(Verify(body), CilRule.OpcodeNotAllowed, 2);
    }

    [Test]
    public void ArgumentIndicesStopAtTheSignature()
    {
        // The standard hook has arguments 0 (context) .. 3.
        Assert.That(Verify(new IlAssembler().Ldarg(3).Op(Il.Ret).ToArray()).IsOk, Is.True);
        string message = Rejected(Verify(new IlAssembler().Op(Il.Nop).OpU8(Il.LdargS, 4).Op(Il.Ret).ToArray()), CilRule.ArgumentIndex, 1);
        Assert.That(message, Is.EqualTo("'ldarg.s' reads argument 4; hook test has arguments 0..3"));
        Rejected(Verify(new IlAssembler().Op(Il.Nop).Op2U16(Il.Ldarg, 300).Op(Il.Ret).ToArray()), CilRule.ArgumentIndex, 1);
        var (signature, tokens) = Hook(CilType.Int32);
        VerificationResult none = CilVerifier.Verify(new IlAssembler().Ldarg(1).Op(Il.Ret).ToArray(), signature, tokens, CilLimits.Default, Array.Empty<CilType>(), 8);
        Rejected(none, CilRule.ArgumentIndex, 0);
    }

    [Test]
    public void LocalIndicesStopAtTheDeclaredLocals()
    {
        CilType[] one = { CilType.Int32 };
        Rejected(Verify(new IlAssembler().Op(Il.Ldloc1).Op(Il.Ret).ToArray(), locals: one), CilRule.LocalIndex, 0);
        Rejected(Verify(new IlAssembler().LdcI4(1).OpU8(Il.StlocS, 5).LdcI4(1).Op(Il.Ret).ToArray(), locals: one), CilRule.LocalIndex, 1);
        Rejected(Verify(new IlAssembler().Op2U16(Il.Ldloc, 1).Op(Il.Ret).ToArray(), locals: one), CilRule.LocalIndex, 0);
        Assert.That(Verify(new IlAssembler().Op2U16(Il.Ldloc, 0).Op(Il.Ret).ToArray(), locals: one).IsOk, Is.True);
    }
}

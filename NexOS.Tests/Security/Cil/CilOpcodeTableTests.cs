using System.Reflection;
using System.Reflection.Emit;
using NexOS.Security.Cil;
using static NexOS.Tests.Security.Cil.CilKit;

namespace NexOS.Tests.Security.Cil;

/// <summary>
/// Cross-checks the verifier's opcode table (names, encodings, operand sizes) against the
/// host runtime's System.Reflection.Emit.OpCodes, which the kernel cannot use but the tests can.
/// </summary>
[TestFixture]
public sealed class CilOpcodeTableTests
{
    private static readonly HashSet<string> s_allowed = new()
    {
        "nop", "ldarg.0", "ldarg.1", "ldarg.2", "ldarg.3", "ldarg.s", "ldarg", "ldloc.0", "ldloc.1", "ldloc.2", "ldloc.3",
        "ldloc.s", "ldloc", "stloc.0", "stloc.1", "stloc.2", "stloc.3", "stloc.s", "stloc",
        "ldc.i4.m1", "ldc.i4.0", "ldc.i4.1", "ldc.i4.2", "ldc.i4.3", "ldc.i4.4", "ldc.i4.5", "ldc.i4.6", "ldc.i4.7", "ldc.i4.8",
        "ldc.i4.s", "ldc.i4", "ldc.i8", "dup", "pop", "add", "sub", "mul", "div", "rem", "div.un", "rem.un",
        "and", "or", "xor", "shl", "shr", "shr.un", "neg", "not", "conv.i4", "conv.i8", "conv.u4", "conv.u8",
        "ceq", "cgt", "cgt.un", "clt", "clt.un", "br", "br.s", "brtrue", "brtrue.s", "brfalse", "brfalse.s",
        "beq", "beq.s", "bne.un", "bne.un.s", "bge", "bge.s", "bgt", "bgt.s", "ble", "ble.s", "blt", "blt.s",
        "bge.un", "bge.un.s", "bgt.un", "bgt.un.s", "ble.un", "ble.un.s", "blt.un", "blt.un.s", "switch", "ret", "ldfld", "call",
    };

    private static IEnumerable<OpCode> AllOpCodes()
    {
        foreach (FieldInfo field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var opcode = (OpCode)field.GetValue(null)!;
            if (opcode.OpCodeType != OpCodeType.Nternal)
            {
                yield return opcode;
            }
        }
    }

    private static int OperandSize(OperandType type)
    {
        switch (type)
        {
            case OperandType.InlineNone:
                return 0;
            case OperandType.ShortInlineBrTarget:
            case OperandType.ShortInlineI:
            case OperandType.ShortInlineVar:
                return 1;
            case OperandType.InlineVar:
                return 2;
            case OperandType.InlineI8:
            case OperandType.InlineR:
                return 8;
            default:
                return 4;
        }
    }

    private static byte[] Encoding(OpCode opcode) => opcode.Size == 1 ? new[] { (byte)opcode.Value } : new[] { (byte)((ushort)opcode.Value >> 8), (byte)opcode.Value };

    [Test]
    public void EveryOpcodeOutsideTheSubsetIsRefusedByItsEcmaName()
    {
        int refused = 0;
        foreach (OpCode opcode in AllOpCodes())
        {
            if (s_allowed.Contains(opcode.Name!))
            {
                continue;
            }

            byte[] body = new IlAssembler().LdcI4(1).Raw(Encoding(opcode)).Raw(new byte[OperandSize(opcode.OperandType)]).Op(Il.Ret).ToArray();
            Assert.That(Rejected(Verify(body), CilRule.OpcodeNotAllowed, 1), Is.EqualTo($"opcode '{opcode.Name}' is not allowed"));
            refused++;
        }

        Assert.That(refused, Is.GreaterThan(120));
    }

    [Test]
    public void EveryOpcodeHasTheRightOperandSize()
    {
        foreach (OpCode opcode in AllOpCodes())
        {
            if (opcode.OperandType == OperandType.InlineSwitch)
            {
                continue;
            }

            // With one operand byte missing the instruction is truncated; with all of them it
            // decodes (and is then refused, or fails a later rule, but not for its length).
            int size = OperandSize(opcode.OperandType);
            byte[] whole = new IlAssembler().Raw(Encoding(opcode)).Raw(new byte[size]).ToArray();
            VerificationResult result = Verify(whole);
            Assert.That(result.Rule, Is.Not.EqualTo(CilRule.Truncated).And.Not.EqualTo(CilRule.UnknownOpcode), opcode.Name + ": " + result);
            if (size > 0)
            {
                Rejected(Verify(whole[..^1]), CilRule.Truncated, 0);
            }
        }
    }

    [Test]
    public void EverySubsetOpcodeIsKnownToTheHost()
    {
        var names = new HashSet<string>();
        foreach (OpCode opcode in AllOpCodes())
        {
            names.Add(opcode.Name!);
        }

        Assert.That(names.IsSupersetOf(s_allowed), Is.True);
    }

    [Test]
    public void EveryEncodingTheHostDoesNotDefineIsUnknown()
    {
        var defined = new HashSet<int>();
        foreach (OpCode opcode in AllOpCodes())
        {
            defined.Add((ushort)opcode.Value);
        }

        for (int value = 0; value < 0x100; value++)
        {
            if (value != 0xFE && !defined.Contains(value))
            {
                Rejected(Verify(new byte[] { (byte)value, 0, 0, 0, 0, 0, 0, 0, 0 }), CilRule.UnknownOpcode, 0);
            }
        }

        // ECMA-335 defines the "no." prefix (0xFE 0x19); System.Reflection.Emit does not.
        defined.Add(0xFE19);
        for (int second = 0; second < 0x100; second++)
        {
            if (!defined.Contains(0xFE00 | second))
            {
                Rejected(Verify(new byte[] { 0xFE, (byte)second, 0, 0, 0, 0 }), CilRule.UnknownOpcode, 0);
            }
        }
    }
}

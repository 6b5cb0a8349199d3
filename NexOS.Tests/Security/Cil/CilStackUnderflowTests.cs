using System.Buffers.Binary;
using NexOS.Security.Cil;
using static NexOS.Tests.Security.Cil.CilKit;

namespace NexOS.Tests.Security.Cil;

/// <summary>
/// Every instruction that pops, run with each too-short stack (empty up to one value short):
/// refused with StackUnderflow at its own offset, and accepted with exactly enough values of
/// the right type. Each instruction is written as raw bytes whose branch and switch targets
/// are the next instruction, and follows two nops and its operands, so the offset is never 0.
/// </summary>
[TestFixture]
public sealed class CilStackUnderflowTests
{
    private static readonly CilType[] s_locals = { CilType.Int32, CilType.Int32, CilType.Int32, CilType.Int32, CilType.Int32, CilType.Int32 };

    private static IEnumerable<TestCaseData> Instructions()
    {
        // Name, bytes, values popped, their type, values left behind.
        string[] shortBranches = { "beq.s", "bge.s", "bgt.s", "ble.s", "blt.s", "bne.un.s", "bge.un.s", "bgt.un.s", "ble.un.s", "blt.un.s" };
        string[] longBranches = { "beq", "bge", "bgt", "ble", "blt", "bne.un", "bge.un", "bgt.un", "ble.un", "blt.un" };
        for (int i = 0; i < 10; i++)
        {
            yield return Case(shortBranches[i], new byte[] { (byte)(Il.BeqS + i), 0 }, 2, "int32", 0);
            yield return Case(longBranches[i], Long((byte)(Il.Beq + i), 0), 2, "int64", 0);
        }

        yield return Case("brfalse.s", new byte[] { Il.BrfalseS, 0 }, 1, "int32", 0);
        yield return Case("brtrue.s", new byte[] { Il.BrtrueS, 0 }, 1, "int32", 0);
        yield return Case("brfalse", Long(Il.Brfalse, 0), 1, "int64", 0);
        yield return Case("brtrue", Long(Il.Brtrue, 0), 1, "int32", 0);
        yield return Case("switch", [.. Long(Il.Switch, 1), 0, 0, 0, 0], 1, "int32", 0);

        string[] compares = { "ceq", "cgt", "cgt.un", "clt", "clt.un" };
        for (int i = 0; i < compares.Length; i++)
        {
            yield return Case(compares[i], new byte[] { Il.Prefix, (byte)(Il.Ceq + i) }, 2, i % 2 == 0 ? "int32" : "int64", 1);
        }

        string[] binary = { "add", "sub", "mul", "div", "div.un", "rem", "rem.un", "and", "or", "xor", "shl", "shr", "shr.un" };
        for (int i = 0; i < binary.Length; i++)
        {
            yield return Case(binary[i], new byte[] { (byte)(Il.Add + i) }, 2, "int32", 1);
        }

        yield return Case("neg", new byte[] { Il.Neg }, 1, "int64", 1);
        yield return Case("not", new byte[] { Il.Not }, 1, "int32", 1);
        yield return Case("conv.i4", new byte[] { Il.ConvI4 }, 1, "int64", 1);
        yield return Case("conv.i8", new byte[] { Il.ConvI8 }, 1, "int32", 1);
        yield return Case("conv.u4", new byte[] { Il.ConvU4 }, 1, "int32", 1);
        yield return Case("conv.u8", new byte[] { Il.ConvU8 }, 1, "int64", 1);
        yield return Case("pop", new byte[] { Il.Pop }, 1, "int32", 0);
        yield return Case("dup", new byte[] { Il.Dup }, 1, "int32", 2);
        for (int i = 0; i < 4; i++)
        {
            yield return Case($"stloc.{i}", new byte[] { (byte)(Il.Stloc0 + i) }, 1, "int32", 0);
        }

        yield return Case("stloc.s", new byte[] { Il.StlocS, 4 }, 1, "int32", 0);
        yield return Case("stloc", new byte[] { Il.Prefix, Il.Stloc, 5, 0 }, 1, "int32", 0);
        yield return Case("ldfld", Long(Il.Ldfld, (int)Big), 1, "context", 1);

        (string Name, uint Token, int Arguments, string Type)[] helpers =
        {
            ("Math.Abs(int32)", Abs32, 1, "int32"), ("Math.Min(int32,int32)", Min32, 2, "int32"),
            ("Math.Max(int32,int32)", Max32, 2, "int32"), ("Math.Clamp(int32,int32,int32)", Clamp32, 3, "int32"),
            ("Math.Abs(int64)", Abs64, 1, "int64"), ("Math.Min(int64,int64)", Min64, 2, "int64"),
            ("Math.Max(int64,int64)", Max64, 2, "int64"), ("Math.Clamp(int64,int64,int64)", Clamp64, 3, "int64"),
        };
        foreach ((string name, uint token, int arguments, string type) in helpers)
        {
            yield return Case("call", Long(Il.Call, (int)token), arguments, type, 1).SetName($"{nameof(TooFewValuesUnderflowAtTheInstruction)}(call {name})");
        }
    }

    [TestCaseSource(nameof(Instructions))]
    public void TooFewValuesUnderflowAtTheInstruction(string name, byte[] instruction, int needs, string type, int leaves)
    {
        for (int values = 0; values < needs; values++)
        {
            byte[] body = Body(instruction, values, type, leaves, out int offset);
            string message = Rejected(Verify(body, locals: s_locals), CilRule.StackUnderflow, offset);
            Assert.That(message, Is.EqualTo($"'{name}' needs {needs} value(s) but the stack holds {values}"));
        }

        byte[] enough = Body(instruction, needs, type, leaves, out _);
        VerificationResult result = Verify(enough, locals: s_locals);
        Assert.That(result.IsOk, Is.True, $"with {needs} value(s): {result}");
    }

    [Test]
    public void RetOnTooShortAStackBreaksTheReturnRuleInstead()
    {
        // ret has no fixed pop count to underflow: it needs exactly one value of the return
        // type, and its own rule says so whether the stack holds none or too many.
        byte[] empty = new IlAssembler().Op(Il.Nop).Op(Il.Nop).Op(Il.Ret).ToArray();
        Assert.That(Rejected(Verify(empty), CilRule.Return, 2), Is.EqualTo("'ret' needs exactly one int32 on the stack, found []"));
        Assert.That(Rejected(Verify(empty, CilType.Int64), CilRule.Return, 2), Is.EqualTo("'ret' needs exactly one int64 on the stack, found []"));
        byte[] emptied = new IlAssembler().LdcI4(1).Op(Il.Pop).Op(Il.Ret).ToArray();
        Assert.That(Rejected(Verify(emptied), CilRule.Return, 2), Is.EqualTo("'ret' needs exactly one int32 on the stack, found []"));
    }

    private static TestCaseData Case(string name, byte[] instruction, int needs, string type, int leaves) =>
        new TestCaseData(name, instruction, needs, type, leaves).SetName($"{nameof(TooFewValuesUnderflowAtTheInstruction)}({name})");

    /// <summary>An opcode followed by a little-endian int32 operand.</summary>
    private static byte[] Long(byte opcode, int operand)
    {
        byte[] bytes = new byte[5];
        bytes[0] = opcode;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(1), operand);
        return bytes;
    }

    /// <summary>Two nops, <paramref name="values"/> values of <paramref name="type"/>, the
    /// instruction (at <paramref name="offset"/>), pops for what it leaves, and a return.</summary>
    private static byte[] Body(byte[] instruction, int values, string type, int leaves, out int offset)
    {
        var asm = new IlAssembler().Op(Il.Nop).Op(Il.Nop);
        for (int i = 0; i < values; i++)
        {
            _ = type switch
            {
                "int64" => asm.LdcI8(i + 1),
                "context" => asm.Ldarg(0),
                _ => asm.LdcI4(i + 1),
            };
        }

        offset = asm.Offset;
        asm.Raw(instruction);
        for (int i = 0; i < leaves; i++)
        {
            asm.Op(Il.Pop);
        }

        return asm.LdcI4(1).Op(Il.Ret).ToArray();
    }
}

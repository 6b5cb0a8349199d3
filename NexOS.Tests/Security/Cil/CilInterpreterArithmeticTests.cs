using NexOS.Security.Cil;
using static NexOS.Tests.Security.Cil.CilKit;

namespace NexOS.Tests.Security.Cil;

/// <summary>
/// Every arithmetic, comparison and conversion instruction against the same operation done
/// by the CLR in C#, over operands chosen for wraparound, sign and shift-count corner cases.
/// A C# exception maps to the status the interpreter must report instead.
/// </summary>
[TestFixture]
public sealed class CilInterpreterArithmeticTests
{
    private static readonly int[] s_ints =
    {
        0, 1, -1, 2, -2, 3, -3, 7, -7, 31, 32, 33, 63, 64, 65, -31, -32, -33, 100, -100,
        0x55555555, unchecked((int)0xAAAAAAAA), int.MaxValue, int.MaxValue - 1, int.MinValue, int.MinValue + 1,
    };

    private static readonly long[] s_longs =
    {
        0, 1, -1, 2, -2, 3, -3, 7, -7, 31, 32, 33, 63, 64, 65, -63, -64, 100, -100,
        int.MaxValue, int.MinValue, uint.MaxValue, 1L << 32, -(1L << 32),
        0x5555555555555555, unchecked((long)0xAAAAAAAAAAAAAAAA), long.MaxValue, long.MaxValue - 1, long.MinValue, long.MinValue + 1,
    };

    private static (CilExecStatus, long) Reference(Func<long> operation)
    {
        try
        {
            return (CilExecStatus.Ok, operation());
        }
        catch (DivideByZeroException)
        {
            return (CilExecStatus.DivideByZero, 0);
        }
        catch (OverflowException)
        {
            return (CilExecStatus.Overflow, 0);
        }
    }

    private static void CheckInt32Binary(byte[] instruction, Func<int, int, int> reference)
    {
        var hook = Hook(CilType.Int32, CilType.Int32, CilType.Int32);
        CompiledHook compiled = Compile(new IlAssembler().Ldarg(1).Ldarg(2).Raw(instruction).Op(Il.Ret).ToArray(), hook);
        foreach (int a in s_ints)
        {
            foreach (int b in s_ints)
            {
                var expected = Reference(() => reference(a, b));
                Assert.That(Run(compiled, args: new long[] { a, b }), Is.EqualTo(expected), $"{a} op {b}");
            }
        }
    }

    private static void CheckInt64Binary(byte[] instruction, Func<long, long, long> reference)
    {
        var hook = Hook(CilType.Int64, CilType.Int64, CilType.Int64);
        CompiledHook compiled = Compile(new IlAssembler().Ldarg(1).Ldarg(2).Raw(instruction).Op(Il.Ret).ToArray(), hook);
        foreach (long a in s_longs)
        {
            foreach (long b in s_longs)
            {
                var expected = Reference(() => reference(a, b));
                Assert.That(Run(compiled, args: new long[] { a, b }), Is.EqualTo(expected), $"{a} op {b}");
            }
        }
    }

    [Test]
    public void Int32ArithmeticWrapsAndFaultsLikeTheClr()
    {
        CheckInt32Binary(new[] { Il.Add }, (a, b) => unchecked(a + b));
        CheckInt32Binary(new[] { Il.Sub }, (a, b) => unchecked(a - b));
        CheckInt32Binary(new[] { Il.Mul }, (a, b) => unchecked(a * b));
        CheckInt32Binary(new[] { Il.Div }, (a, b) => a / b);
        CheckInt32Binary(new[] { Il.Rem }, (a, b) => a % b);
        CheckInt32Binary(new[] { Il.DivUn }, (a, b) => unchecked((int)((uint)a / (uint)b)));
        CheckInt32Binary(new[] { Il.RemUn }, (a, b) => unchecked((int)((uint)a % (uint)b)));
        CheckInt32Binary(new[] { Il.And }, (a, b) => a & b);
        CheckInt32Binary(new[] { Il.Or }, (a, b) => a | b);
        CheckInt32Binary(new[] { Il.Xor }, (a, b) => a ^ b);
    }

    [Test]
    public void Int32ShiftsMaskTheCountToFiveBits()
    {
        CheckInt32Binary(new[] { Il.Shl }, (a, b) => a << b);
        CheckInt32Binary(new[] { Il.Shr }, (a, b) => a >> b);
        CheckInt32Binary(new[] { Il.ShrUn }, (a, b) => unchecked((int)((uint)a >> b)));
        CheckInt32Binary(new[] { Il.Shl }, (a, b) => a << (b & 31));
    }

    [Test]
    public void Int32ComparisonsPushZeroOrOne()
    {
        CheckInt32Binary(new[] { Il.Prefix, Il.Ceq }, (a, b) => a == b ? 1 : 0);
        CheckInt32Binary(new[] { Il.Prefix, Il.Cgt }, (a, b) => a > b ? 1 : 0);
        CheckInt32Binary(new[] { Il.Prefix, Il.CgtUn }, (a, b) => (uint)a > (uint)b ? 1 : 0);
        CheckInt32Binary(new[] { Il.Prefix, Il.Clt }, (a, b) => a < b ? 1 : 0);
        CheckInt32Binary(new[] { Il.Prefix, Il.CltUn }, (a, b) => (uint)a < (uint)b ? 1 : 0);
    }

    [Test]
    public void Int64ArithmeticWrapsAndFaultsLikeTheClr()
    {
        CheckInt64Binary(new[] { Il.Add }, (a, b) => unchecked(a + b));
        CheckInt64Binary(new[] { Il.Sub }, (a, b) => unchecked(a - b));
        CheckInt64Binary(new[] { Il.Mul }, (a, b) => unchecked(a * b));
        CheckInt64Binary(new[] { Il.Div }, (a, b) => a / b);
        CheckInt64Binary(new[] { Il.Rem }, (a, b) => a % b);
        CheckInt64Binary(new[] { Il.DivUn }, (a, b) => unchecked((long)((ulong)a / (ulong)b)));
        CheckInt64Binary(new[] { Il.RemUn }, (a, b) => unchecked((long)((ulong)a % (ulong)b)));
        CheckInt64Binary(new[] { Il.And }, (a, b) => a & b);
        CheckInt64Binary(new[] { Il.Or }, (a, b) => a | b);
        CheckInt64Binary(new[] { Il.Xor }, (a, b) => a ^ b);
        CheckInt64Binary(new[] { Il.Prefix, Il.Ceq, Il.ConvI8 }, (a, b) => a == b ? 1 : 0);
        CheckInt64Binary(new[] { Il.Prefix, Il.Cgt, Il.ConvI8 }, (a, b) => a > b ? 1 : 0);
        CheckInt64Binary(new[] { Il.Prefix, Il.CgtUn, Il.ConvI8 }, (a, b) => (ulong)a > (ulong)b ? 1 : 0);
        CheckInt64Binary(new[] { Il.Prefix, Il.Clt, Il.ConvI8 }, (a, b) => a < b ? 1 : 0);
        CheckInt64Binary(new[] { Il.Prefix, Il.CltUn, Il.ConvI8 }, (a, b) => (ulong)a < (ulong)b ? 1 : 0);
    }

    [Test]
    public void Int64ShiftsTakeAnInt32CountMaskedToSixBits()
    {
        var hook = Hook(CilType.Int64, CilType.Int64, CilType.Int32);
        foreach ((byte op, Func<long, int, long> reference) in new (byte, Func<long, int, long>)[]
        {
            (Il.Shl, (a, b) => a << b), (Il.Shr, (a, b) => a >> b), (Il.ShrUn, (a, b) => (long)((ulong)a >> b)),
        })
        {
            CompiledHook compiled = Compile(new IlAssembler().Ldarg(1).Ldarg(2).Op(op).Op(Il.Ret).ToArray(), hook);
            foreach (long a in s_longs)
            {
                foreach (int b in s_ints)
                {
                    Assert.That(Run(compiled, args: new long[] { a, b }), Is.EqualTo((CilExecStatus.Ok, reference(a, b))), $"{a} shift {b}");
                }
            }
        }
    }

    [Test]
    public void UnaryOperationsAndConversions()
    {
        var i32 = Hook(CilType.Int32, CilType.Int32);
        var i64 = Hook(CilType.Int64, CilType.Int64);
        var from64 = Hook(CilType.Int32, CilType.Int64);
        var from32 = Hook(CilType.Int64, CilType.Int32);
        CompiledHook neg32 = Compile(new IlAssembler().Ldarg(1).Op(Il.Neg).Op(Il.Ret).ToArray(), i32);
        CompiledHook not32 = Compile(new IlAssembler().Ldarg(1).Op(Il.Not).Op(Il.Ret).ToArray(), i32);
        CompiledHook conv32 = Compile(new IlAssembler().Ldarg(1).Op(Il.ConvI4).Op(Il.Ret).ToArray(), i32);
        CompiledHook neg64 = Compile(new IlAssembler().Ldarg(1).Op(Il.Neg).Op(Il.Ret).ToArray(), i64);
        CompiledHook not64 = Compile(new IlAssembler().Ldarg(1).Op(Il.Not).Op(Il.Ret).ToArray(), i64);
        CompiledHook convI4 = Compile(new IlAssembler().Ldarg(1).Op(Il.ConvI4).Op(Il.Ret).ToArray(), from64);
        CompiledHook convU4 = Compile(new IlAssembler().Ldarg(1).Op(Il.ConvU4).Op(Il.Ret).ToArray(), from64);
        CompiledHook convI8 = Compile(new IlAssembler().Ldarg(1).Op(Il.ConvI8).Op(Il.Ret).ToArray(), from32);
        CompiledHook convU8 = Compile(new IlAssembler().Ldarg(1).Op(Il.ConvU8).Op(Il.Ret).ToArray(), from32);
        CompiledHook convI8Wide = Compile(new IlAssembler().Ldarg(1).Op(Il.ConvI8).Op(Il.Ret).ToArray(), i64);
        foreach (int a in s_ints)
        {
            Assert.That(Run(neg32, args: new long[] { a }).Value, Is.EqualTo(unchecked(-a)));
            Assert.That(Run(not32, args: new long[] { a }).Value, Is.EqualTo(~a));
            Assert.That(Run(conv32, args: new long[] { a }).Value, Is.EqualTo(a));
            Assert.That(Run(convI8, args: new long[] { a }).Value, Is.EqualTo((long)a));
            Assert.That(Run(convU8, args: new long[] { a }).Value, Is.EqualTo((long)(uint)a));
        }

        foreach (long a in s_longs)
        {
            Assert.That(Run(neg64, args: new long[] { a }).Value, Is.EqualTo(unchecked(-a)));
            Assert.That(Run(not64, args: new long[] { a }).Value, Is.EqualTo(~a));
            Assert.That(Run(convI4, args: new long[] { a }).Value, Is.EqualTo(unchecked((int)a)));
            Assert.That(Run(convU4, args: new long[] { a }).Value, Is.EqualTo(unchecked((int)(uint)a)), "conv.u4 leaves the low 32 bits as an int32");
            Assert.That(Run(convI8Wide, args: new long[] { a }).Value, Is.EqualTo(a));
        }
    }

    [Test]
    public void ConstantsOfEveryFormLoadExactly()
    {
        var hook = Hook(CilType.Int64);
        foreach (int value in new[] { -1, 0, 1, 8, 9, -2, 127, -128, 128, -129, int.MaxValue, int.MinValue })
        {
            CompiledHook compiled = Compile(new IlAssembler().LdcI4(value).Op(Il.ConvI8).Op(Il.Ret).ToArray(), hook);
            Assert.That(Run(compiled).Value, Is.EqualTo(value));
        }

        foreach (long value in s_longs)
        {
            Assert.That(Run(Compile(new IlAssembler().LdcI8(value).Op(Il.Ret).ToArray(), hook)).Value, Is.EqualTo(value));
        }
    }

    [Test]
    public void ConditionalBranchesMatchTheirComparisonInBothForms()
    {
        byte[] shortForms = { Il.BeqS, Il.BgeS, Il.BgtS, Il.BleS, Il.BltS, Il.BneUnS, Il.BgeUnS, Il.BgtUnS, Il.BleUnS, Il.BltUnS };
        Func<long, long, bool>[] signed = { (a, b) => a == b, (a, b) => a >= b, (a, b) => a > b, (a, b) => a <= b, (a, b) => a < b, (a, b) => a != b };
        Func<ulong, ulong, bool>[] unsigned = { (a, b) => a >= b, (a, b) => a > b, (a, b) => a <= b, (a, b) => a < b };
        foreach (bool wide in new[] { false, true })
        {
            var hook = wide ? Hook(CilType.Bool, CilType.Int64, CilType.Int64) : Hook(CilType.Bool, CilType.Int32, CilType.Int32);
            for (int k = 0; k < shortForms.Length; k++)
            {
                foreach (byte opcode in new[] { shortForms[k], (byte)(shortForms[k] + (Il.Beq - Il.BeqS)) })
                {
                    var asm = new IlAssembler();
                    IlLabel taken = asm.Label();
                    asm.Ldarg(1).Ldarg(2).Branch(opcode, taken).LdcI4(0).Op(Il.Ret).Mark(taken).LdcI4(1).Op(Il.Ret);
                    CompiledHook compiled = Compile(asm.ToArray(), hook);
                    foreach (long a in wide ? s_longs : Array.ConvertAll(s_ints, x => (long)x))
                    {
                        foreach (long b in wide ? s_longs : Array.ConvertAll(s_ints, x => (long)x))
                        {
                            bool expected = k < 6 ? signed[k](a, b) : wide ? unsigned[k - 6]((ulong)a, (ulong)b) : unsigned[k - 6]((uint)a, (uint)b);
                            Assert.That(Run(compiled, args: new[] { a, b }), Is.EqualTo((CilExecStatus.Ok, expected ? 1L : 0L)), $"opcode 0x{opcode:X2} {a} {b}");
                        }
                    }
                }
            }
        }
    }
}

using NexOS.Security.Cil;
using static NexOS.Tests.Security.Cil.CilKit;

namespace NexOS.Tests.Security.Cil;

/// <summary>Data movement, control flow, helpers, fuel and input checks of the interpreter.</summary>
[TestFixture]
public sealed class CilInterpreterTests
{
    private static readonly CilLimits s_loops = CilLimits.Default.WithLoops(true);

    [Test]
    public void RunTimeFaultsAreStatuses()
    {
        var hook = Hook(CilType.Int32, CilType.Int32, CilType.Int32);
        CompiledHook div = Compile(new IlAssembler().Ldarg(1).Ldarg(2).Op(Il.Div).Op(Il.Ret).ToArray(), hook);
        CompiledHook rem = Compile(new IlAssembler().Ldarg(1).Ldarg(2).Op(Il.Rem).Op(Il.Ret).ToArray(), hook);
        Assert.That(Run(div, args: new long[] { 5, 0 }).Status, Is.EqualTo(CilExecStatus.DivideByZero));
        Assert.That(Run(div, args: new long[] { int.MinValue, -1 }).Status, Is.EqualTo(CilExecStatus.Overflow));
        Assert.That(Run(rem, args: new long[] { int.MinValue, -1 }).Status, Is.EqualTo(CilExecStatus.Overflow));
        Assert.That(Run(rem, args: new long[] { -7, 2 }), Is.EqualTo((CilExecStatus.Ok, -1L)), "the remainder takes the dividend's sign");
        Assert.That(Run(div, args: new long[] { -7, 2 }), Is.EqualTo((CilExecStatus.Ok, -3L)), "division truncates toward zero");
        Assert.That(CilExecStatusNames.Name(CilExecStatus.DivideByZero), Is.EqualTo("DivideByZero"));
    }

    [Test]
    public void ContextFieldsAndArgumentsAreNarrowedToTheirTypes()
    {
        var hook = Standard(CilType.Int64);
        long[] context = { 0x1_0000_0005, long.MinValue, 7 };
        long[] args = { 0x2_8000_0000, -9, -3 };
        Assert.That(Run(Compile(new IlAssembler().Field(Base).Op(Il.ConvI8).Op(Il.Ret).ToArray(), hook), context).Value, Is.EqualTo(5));
        Assert.That(Run(Compile(new IlAssembler().Field(Big).Op(Il.Ret).ToArray(), hook), context).Value, Is.EqualTo(long.MinValue));
        Assert.That(Run(Compile(new IlAssembler().Field(Flag).Op(Il.ConvI8).Op(Il.Ret).ToArray(), hook), context).Value, Is.EqualTo(1));
        Assert.That(Run(Compile(new IlAssembler().Ldarg(1).Op(Il.ConvI8).Op(Il.Ret).ToArray(), hook), context, args).Value, Is.EqualTo((long)int.MinValue));
        Assert.That(Run(Compile(new IlAssembler().Ldarg(2).Op(Il.Ret).ToArray(), hook), context, args).Value, Is.EqualTo(-9));
        Assert.That(Run(Compile(new IlAssembler().Ldarg(3).Op(Il.ConvI8).Op(Il.Ret).ToArray(), hook), context, args).Value, Is.EqualTo(1));
    }

    [Test]
    public void ResultsAreNarrowedToTheReturnType()
    {
        Assert.That(Run(Compile(new IlAssembler().LdcI4(-5).Op(Il.Ret).ToArray(), Standard(CilType.Bool))).Value, Is.EqualTo(1));
        Assert.That(Run(Compile(new IlAssembler().LdcI4(0).Op(Il.Ret).ToArray(), Standard(CilType.Bool))).Value, Is.EqualTo(0));
        Assert.That(Run(Compile(new IlAssembler().LdcI4(int.MinValue).Op(Il.Ret).ToArray(), Standard(CilType.Int32))).Value, Is.EqualTo(int.MinValue));
    }

    [Test]
    public void WrongInputShapesAreRefused()
    {
        CompiledHook compiled = Compile(new IlAssembler().LdcI4(1).Op(Il.Ret).ToArray(), Standard(CilType.Int32));
        long fuel = 10;
        Assert.That(CilInterpreter.Run(compiled, new long[2], new long[3], ref fuel, out _), Is.EqualTo(CilExecStatus.InvalidInput));
        Assert.That(CilInterpreter.Run(compiled, new long[3], new long[2], ref fuel, out _), Is.EqualTo(CilExecStatus.InvalidInput));
        Assert.That(CilInterpreter.Run(compiled, new long[5], new long[3], ref fuel, out long value), Is.EqualTo(CilExecStatus.Ok), "extra context values are ignored");
        Assert.That(value, Is.EqualTo(1));
        Assert.That(fuel, Is.EqualTo(8));
    }

    [Test]
    public void LocalsStartAtZeroAndKeepValues()
    {
        CilType[] locals = { CilType.Int32, CilType.Int64, CilType.Bool, CilType.Int32, CilType.Int32 };
        var asm = new IlAssembler().Ldloc(4).Op(Il.ConvI8).Ldloc(1).Op(Il.Add).Ldloc(2).Op(Il.ConvI8).Op(Il.Add);
        asm.LdcI4(40).Stloc(4).Ldloc(4).Op(Il.ConvI8).Op(Il.Add).LdcI8(2).OpU8(Il.StlocS, 1).Ldloc(1).Op(Il.Add).Op(Il.Ret);
        Assert.That(Run(Compile(asm.ToArray(), Standard(CilType.Int64), locals)).Value, Is.EqualTo(42));
        var wide = new IlAssembler().LdcI4(3).Op2U16(Il.Stloc, 0).Op2U16(Il.Ldloc, 0).Op2U16(Il.Ldloc, 0).Op(Il.Mul).Op(Il.Ret);
        Assert.That(Run(Compile(wide.ToArray(), Standard(CilType.Int32), locals)).Value, Is.EqualTo(9));
    }

    [Test]
    public void DupAndPopWork()
    {
        byte[] body = new IlAssembler().LdcI4(6).Op(Il.Dup).Op(Il.Mul).LdcI4(9).Op(Il.Pop).Op(Il.Ret).ToArray();
        Assert.That(Run(Compile(body, Standard(CilType.Int32))).Value, Is.EqualTo(36));
        byte[] context = new IlAssembler().Op(Il.Ldarg0).Op(Il.Dup).Op(Il.Pop).Op(Il.Ldfld, (int)Base).Op(Il.Ret).ToArray();
        Assert.That(Run(Compile(context, Standard(CilType.Int32)), new long[] { 12, 0, 0 }).Value, Is.EqualTo(12));
    }

    [Test]
    public void SwitchJumpsInRangeAndFallsThroughOutOfRange()
    {
        var asm = new IlAssembler();
        IlLabel a = asm.Label(), b = asm.Label(), c = asm.Label();
        asm.Ldarg(1).Switch(a, b, c).LdcI4(-1).Op(Il.Ret);
        asm.Mark(a).LdcI4(10).Op(Il.Ret).Mark(b).LdcI4(20).Op(Il.Ret).Mark(c).LdcI4(30).Op(Il.Ret);
        CompiledHook compiled = Compile(asm.ToArray(), Standard(CilType.Int32));
        long[] expected = { 10, 20, 30, -1, -1 };
        long[] inputs = { 0, 1, 2, 3, -1 };
        for (int i = 0; i < inputs.Length; i++)
        {
            Assert.That(Run(compiled, args: new[] { inputs[i], 0, 0 }).Value, Is.EqualTo(expected[i]), $"switch({inputs[i]})");
        }

        Assert.That(Run(compiled, args: new long[] { int.MinValue, 0, 0 }).Value, Is.EqualTo(-1));
        byte[] empty = new IlAssembler().LdcI4(0).Op(Il.Switch, 0).LdcI4(5).Op(Il.Ret).ToArray();
        Assert.That(Run(Compile(empty, Standard(CilType.Int32))).Value, Is.EqualTo(5));
    }

    [Test]
    public void BrTrueAndBrFalseTestBothWidths()
    {
        foreach (bool wide in new[] { false, true })
        {
            foreach (byte opcode in new[] { Il.BrtrueS, Il.BrfalseS, Il.Brtrue, Il.Brfalse })
            {
                var asm = new IlAssembler();
                IlLabel taken = asm.Label();
                asm.Ldarg(wide ? 2 : 1).Branch(opcode, taken).LdcI4(0).Op(Il.Ret).Mark(taken).LdcI4(1).Op(Il.Ret);
                CompiledHook compiled = Compile(asm.ToArray(), Standard(CilType.Int32));
                bool onTrue = opcode == Il.BrtrueS || opcode == Il.Brtrue;
                foreach (long v in new[] { 0L, 1L, -1L, 1L << 40 })
                {
                    long arg = wide ? v : (int)v;
                    long[] args = wide ? new[] { 0, v, 0 } : new[] { v, 0, 0 };
                    Assert.That(Run(compiled, args: args).Value, Is.EqualTo((arg != 0) == onTrue ? 1 : 0), $"{opcode:X2} {v} wide={wide}");
                }
            }
        }
    }

    [Test]
    public void HelpersComputeLikeMath()
    {
        var hook = Hook(CilType.Int64, CilType.Int64, CilType.Int64, CilType.Int64);
        CompiledHook min = Compile(new IlAssembler().Ldarg(1).Ldarg(2).Call(Min64).Op(Il.Ret).ToArray(), hook);
        CompiledHook max = Compile(new IlAssembler().Ldarg(1).Ldarg(2).Call(Max64).Op(Il.Ret).ToArray(), hook);
        CompiledHook abs = Compile(new IlAssembler().Ldarg(1).Call(Abs64).Op(Il.Ret).ToArray(), hook);
        CompiledHook clamp = Compile(new IlAssembler().Ldarg(1).Ldarg(2).Ldarg(3).Call(Clamp64).Op(Il.Ret).ToArray(), hook);
        Assert.That(Run(min, args: new long[] { -3, 2, 0 }).Value, Is.EqualTo(-3));
        Assert.That(Run(max, args: new long[] { -3, 2, 0 }).Value, Is.EqualTo(2));
        Assert.That(Run(abs, args: new long[] { -3, 0, 0 }).Value, Is.EqualTo(3));
        Assert.That(Run(abs, args: new long[] { long.MinValue, 0, 0 }).Status, Is.EqualTo(CilExecStatus.Overflow));
        Assert.That(Run(clamp, args: new long[] { 50, 1, 10 }).Value, Is.EqualTo(10));
        Assert.That(Run(clamp, args: new long[] { -50, 1, 10 }).Value, Is.EqualTo(1));
        Assert.That(Run(clamp, args: new long[] { 5, 1, 10 }).Value, Is.EqualTo(5));
        Assert.That(Run(clamp, args: new long[] { 5, 10, 1 }).Status, Is.EqualTo(CilExecStatus.InvalidHelperArgument));

        var hook32 = Hook(CilType.Int32, CilType.Int32, CilType.Int32, CilType.Int32);
        CompiledHook min32 = Compile(new IlAssembler().Ldarg(1).Ldarg(2).Call(Min32).Op(Il.Ret).ToArray(), hook32);
        CompiledHook max32 = Compile(new IlAssembler().Ldarg(1).Ldarg(2).Call(Max32).Op(Il.Ret).ToArray(), hook32);
        CompiledHook abs32 = Compile(new IlAssembler().Ldarg(1).Call(Abs32).Op(Il.Ret).ToArray(), hook32);
        CompiledHook clamp32 = Compile(new IlAssembler().Ldarg(1).Ldarg(2).Ldarg(3).Call(Clamp32).Op(Il.Ret).ToArray(), hook32);
        Assert.That(Run(min32, args: new long[] { int.MinValue, int.MaxValue, 0 }).Value, Is.EqualTo(int.MinValue));
        Assert.That(Run(max32, args: new long[] { -1, -2, 0 }).Value, Is.EqualTo(-1));
        Assert.That(Run(abs32, args: new long[] { int.MinValue, 0, 0 }).Status, Is.EqualTo(CilExecStatus.Overflow));
        Assert.That(Run(abs32, args: new long[] { int.MinValue + 1, 0, 0 }).Value, Is.EqualTo(int.MaxValue));
        Assert.That(Run(clamp32, args: new long[] { 7, -3, 3 }).Value, Is.EqualTo(3));
        Assert.That(Run(clamp32, args: new long[] { 7, 3, -3 }).Status, Is.EqualTo(CilExecStatus.InvalidHelperArgument));
    }

    [Test]
    public void EveryInstructionCostsOneFuel()
    {
        CompiledHook compiled = Compile(new IlAssembler().LdcI4(1).LdcI4(2).Op(Il.Add).Op(Il.Ret).ToArray(), Standard(CilType.Int32));
        long fuel = 4;
        Assert.That(CilInterpreter.Run(compiled, new long[3], new long[3], ref fuel, out long value), Is.EqualTo(CilExecStatus.Ok));
        Assert.That((fuel, value), Is.EqualTo((0L, 3L)));
        fuel = 3;
        Assert.That(CilInterpreter.Run(compiled, new long[3], new long[3], ref fuel, out value), Is.EqualTo(CilExecStatus.OutOfFuel));
        Assert.That((fuel, value), Is.EqualTo((0L, 0L)));
        fuel = -5;
        Assert.That(CilInterpreter.Run(compiled, new long[3], new long[3], ref fuel, out _), Is.EqualTo(CilExecStatus.OutOfFuel));
    }

    [Test]
    public void LoopsRunUntilDoneOrOutOfFuel()
    {
        // sum = 0; i = n; while (i > 0) { sum += i; i--; } return sum;
        var asm = new IlAssembler();
        IlLabel test = asm.Label(), body = asm.Label();
        asm.Ldarg(1).Stloc(1).Branch(Il.BrS, test);
        asm.Mark(body).Ldloc(0).Ldloc(1).Op(Il.Add).Stloc(0).Ldloc(1).LdcI4(1).Op(Il.Sub).Stloc(1);
        asm.Mark(test).Ldloc(1).LdcI4(0).Branch(Il.BgtS, body).Ldloc(0).Op(Il.Ret);
        CompiledHook compiled = Compile(asm.ToArray(), Standard(CilType.Int32), new[] { CilType.Int32, CilType.Int32 }, limits: s_loops);
        Assert.That(Run(compiled, args: new long[] { 100, 0, 0 }), Is.EqualTo((CilExecStatus.Ok, 5050L)));
        long fuel = 3 + (100 * 11) + 5;
        Assert.That(CilInterpreter.Run(compiled, new long[3], new long[] { 100, 0, 0 }, ref fuel, out _), Is.EqualTo(CilExecStatus.Ok));
        Assert.That(fuel, Is.Zero, "3 to enter, 11 per iteration, 5 to test the last time and leave");
        Assert.That(Run(compiled, args: new long[] { 1_000_000, 0, 0 }, fuel: 1000).Status, Is.EqualTo(CilExecStatus.OutOfFuel));

        fuel = 12345;
        Assert.That(CilInterpreter.Run(compiled, new long[3], new long[] { int.MaxValue, 0, 0 }, ref fuel, out _), Is.EqualTo(CilExecStatus.OutOfFuel));
        Assert.That(fuel, Is.Zero, "a run out of fuel used all of it");
    }

    [Test]
    public void RunningAllocatesNothing()
    {
        var asm = new IlAssembler();
        IlLabel test = asm.Label(), body = asm.Label();
        asm.Ldarg(1).Stloc(1).Branch(Il.BrS, test);
        asm.Mark(body).Ldloc(0).Ldloc(1).Op(Il.Add).Stloc(0).Ldloc(1).LdcI4(1).Op(Il.Sub).Stloc(1);
        asm.Mark(test).Ldloc(1).LdcI4(0).Branch(Il.BgtS, body).Ldloc(0).Field(Base).LdcI4(100).Call(Clamp32).Op(Il.Ret);
        CompiledHook compiled = Compile(asm.ToArray(), Standard(CilType.Int32), new[] { CilType.Int32, CilType.Int32 }, limits: s_loops);
        long[] context = { 10, 0, 0 };
        long[] args = { 50, 0, 0 };
        long fuel = 1_000_000;
        CilInterpreter.Run(compiled, context, args, ref fuel, out _);
        long allocated = AllocationMeter.Measure(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                fuel = 1_000_000;
                CilInterpreter.Run(compiled, context, args, ref fuel, out _);
            }
        });
        Assert.That(allocated, Is.Zero);
    }
}

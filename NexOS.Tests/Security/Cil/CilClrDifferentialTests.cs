using System.Buffers.Binary;
using System.Reflection;
using System.Reflection.Emit;
using NexOS.Security.Cil;
using static NexOS.Tests.Security.Cil.CilKit;

namespace NexOS.Tests.Security.Cil;

/// <summary>
/// Differential test against the real CLR: random bodies that verify are also loaded as
/// DynamicMethods from the same bytes (helper tokens rewritten to Math methods) and run by
/// the host JIT. The interpreter must give the same value, or the status matching the
/// exception the CLR throws. The context (argument 0) is left out: the CLR has no such type.
/// </summary>
[TestFixture]
public sealed class CilClrDifferentialTests
{
    private static readonly CilType[] s_locals = { CilType.Int32, CilType.Int64, CilType.Int32 };

    private static readonly MethodInfo[] s_helpers =
    {
        typeof(Math).GetMethod("Min", new[] { typeof(int), typeof(int) })!,
        typeof(Math).GetMethod("Max", new[] { typeof(int), typeof(int) })!,
        typeof(Math).GetMethod("Abs", new[] { typeof(int) })!,
        typeof(Math).GetMethod("Clamp", new[] { typeof(int), typeof(int), typeof(int) })!,
        typeof(Math).GetMethod("Min", new[] { typeof(long), typeof(long) })!,
        typeof(Math).GetMethod("Max", new[] { typeof(long), typeof(long) })!,
        typeof(Math).GetMethod("Abs", new[] { typeof(long) })!,
        typeof(Math).GetMethod("Clamp", new[] { typeof(long), typeof(long), typeof(long) })!,
    };

    [Test]
    public void VerifiedRandomBodiesComputeWhatTheClrComputes()
    {
        var random = new Random(2026);
        int compared = 0, faults = 0;
        for (int i = 0; i < 40_000 && compared < 10_000; i++)
        {
            CilType returnType = random.Next(2) == 0 ? CilType.Int32 : CilType.Int64;
            (byte[] body, List<(int At, int Helper)> calls) = Generate(random);
            VerificationResult result = Verify(body, returnType, s_locals, 8);
            if (!result.IsOk)
            {
                continue;
            }

            Func<object?, int, long, bool, long> clr = Load(body, calls, returnType);
            for (int run = 0; run < 4; run++)
            {
                int a = Pick(random);
                long b = random.Next(3) == 0 ? Pick(random) : random.NextInt64() - random.NextInt64();
                bool c = random.Next(2) == 0;
                (CilExecStatus status, long value) expected = Invoke(clr, a, b, c);
                var actual = Run(result.Hook!, args: new long[] { a, b, c ? 1 : 0 });
                Assert.That(actual, Is.EqualTo(expected), $"{Convert.ToHexString(body)} ({a}, {b}, {c}) returning {CilTypes.Name(returnType)}");
                faults += expected.status == CilExecStatus.Ok ? 0 : 1;
            }

            compared++;
        }

        TestContext.Out.WriteLine($"compared {compared} bodies with the CLR; {faults} runs faulted");
        Assert.That(compared, Is.EqualTo(10_000), "the generator must produce bodies that verify");
    }

    private static int Pick(Random random)
    {
        int[] edges = { 0, 1, -1, 2, 31, 32, 33, 63, 64, int.MaxValue, int.MinValue };
        return random.Next(2) == 0 ? edges[random.Next(edges.Length)] : random.Next(int.MinValue, int.MaxValue);
    }

    private static (CilExecStatus, long) Invoke(Func<object?, int, long, bool, long> clr, int a, long b, bool c)
    {
        try
        {
            return (CilExecStatus.Ok, clr(null, a, b, c));
        }
        catch (DivideByZeroException)
        {
            return (CilExecStatus.DivideByZero, 0);
        }
        catch (OverflowException)
        {
            return (CilExecStatus.Overflow, 0);
        }
        catch (ArgumentException)
        {
            return (CilExecStatus.InvalidHelperArgument, 0);
        }
    }

    /// <summary>Loads the body as a static method (object, int, long, bool) and widens its result to long.</summary>
    private static Func<object?, int, long, bool, long> Load(byte[] body, List<(int At, int Helper)> calls, CilType returnType)
    {
        Type[] parameters = { typeof(object), typeof(int), typeof(long), typeof(bool) };
        Type result = returnType == CilType.Int64 ? typeof(long) : typeof(int);
        var method = new DynamicMethod("patch", result, parameters, typeof(CilClrDifferentialTests).Module, skipVisibility: true);
        DynamicILInfo info = method.GetDynamicILInfo();
        byte[] code = (byte[])body.Clone();
        foreach ((int at, int helper) in calls)
        {
            BinaryPrimitives.WriteInt32LittleEndian(code.AsSpan(at), info.GetTokenFor(s_helpers[helper].MethodHandle));
        }

        info.SetCode(code, 8);
        SignatureHelper locals = SignatureHelper.GetLocalVarSigHelper();
        locals.AddArgument(typeof(int));
        locals.AddArgument(typeof(long));
        locals.AddArgument(typeof(int));
        info.SetLocalSignature(locals.GetSignature());
        if (returnType == CilType.Int64)
        {
            var wide = (Func<object?, int, long, bool, long>)method.CreateDelegate(typeof(Func<object?, int, long, bool, long>));
            return wide;
        }

        var narrow = (Func<object?, int, long, bool, int>)method.CreateDelegate(typeof(Func<object?, int, long, bool, int>));
        return (o, a, b, c) => narrow(o, a, b, c);
    }

    /// <summary>
    /// A random well-typed body over arguments 1..3, locals, constants, arithmetic, compares,
    /// conversions, helpers and forward branches over stack-neutral code. The generator
    /// tracks the stack's types (true = int64) so that most bodies verify.
    /// </summary>
    private static (byte[], List<(int, int)>) Generate(Random random)
    {
        var calls = new List<(int, int)>();
        var asm = new IlAssembler();
        var stack = new List<bool>();
        int count = random.Next(2, 20);
        for (int i = 0; i < count; i++)
        {
            int depth = stack.Count;
            bool top = depth > 0 && stack[depth - 1];
            bool pair = depth >= 2 && stack[depth - 2] == top;
            switch (random.Next(9))
            {
                case 0:
                case 1:
                    if (depth < 6)
                    {
                        Push(random, asm, stack);
                    }

                    break;
                case 2:
                    if (pair)
                    {
                        byte[] binary = { Il.Add, Il.Sub, Il.Mul, Il.Div, Il.DivUn, Il.Rem, Il.RemUn, Il.And, Il.Or, Il.Xor };
                        asm.Op(binary[random.Next(binary.Length)]);
                        stack.RemoveAt(depth - 1);
                    }

                    break;
                case 3:
                    if (depth >= 2 && !top)
                    {
                        asm.Op((byte)random.Next(Il.Shl, Il.ShrUn + 1));
                        stack.RemoveAt(depth - 1);
                    }
                    else if (pair)
                    {
                        asm.Op2((byte)random.Next(Il.Ceq, Il.CltUn + 1));
                        stack.RemoveAt(depth - 1);
                        stack[depth - 2] = false;
                    }

                    break;
                case 4:
                    if (depth > 0)
                    {
                        byte[] unary = { Il.Neg, Il.Not, Il.ConvI4, Il.ConvU4, Il.ConvI8, Il.ConvU8 };
                        byte op = unary[random.Next(unary.Length)];
                        asm.Op(op);
                        stack[depth - 1] = op == Il.ConvI8 || op == Il.ConvU8 || (top && op != Il.ConvI4 && op != Il.ConvU4);
                    }

                    break;
                case 5:
                    if (depth > 0)
                    {
                        asm.Stloc(top ? 1 : random.Next(2) * 2);
                        stack.RemoveAt(depth - 1);
                    }
                    else
                    {
                        asm.Op(Il.Nop);
                    }

                    break;
                case 6:
                    int helper = random.Next(8);
                    int arity = helper % 4 == 2 ? 1 : helper % 4 == 3 ? 3 : 2;
                    bool wide = helper >= 4;
                    bool fits = depth >= arity;
                    for (int k = 1; fits && k <= arity; k++)
                    {
                        fits = stack[depth - k] == wide;
                    }

                    if (fits)
                    {
                        calls.Add((asm.Offset + 1, helper));
                        asm.Call(Min32 + (uint)helper);
                        stack.RemoveRange(depth - arity, arity - 1);
                    }

                    break;
                case 7:
                    if (pair || depth >= 1)
                    {
                        IlLabel skip = asm.Label();
                        if (pair && random.Next(2) == 0)
                        {
                            asm.Branch((byte)random.Next(Il.BeqS, Il.BltUnS + 1), skip);
                            stack.RemoveRange(depth - 2, 2);
                        }
                        else
                        {
                            asm.Branch(random.Next(2) == 0 ? Il.BrtrueS : Il.BrfalseS, skip);
                            stack.RemoveAt(depth - 1);
                        }

                        // Stack-neutral code that the branch may skip.
                        asm.LdcI4(random.Next(-5, 100)).Stloc(random.Next(2) * 2).Mark(skip);
                    }

                    break;
                default:
                    if (depth > 0 && depth < 6 && random.Next(2) == 0)
                    {
                        asm.Op(Il.Dup);
                        stack.Add(top);
                    }
                    else if (depth > 0)
                    {
                        asm.Op(Il.Pop);
                        stack.RemoveAt(depth - 1);
                    }

                    break;
            }
        }

        if (stack.Count == 0)
        {
            Push(random, asm, stack);
        }

        for (int k = stack.Count; k > 1; k--)
        {
            asm.Op(Il.Pop);
        }

        // Leave exactly one value; the caller picks the return type at random, so convert to
        // either width (conv.i4 or conv.i8), both of which verify from either width.
        return (asm.Op(random.Next(2) == 0 ? Il.ConvI4 : Il.ConvI8).Op(Il.Ret).ToArray(), calls);
    }

    private static void Push(Random random, IlAssembler asm, List<bool> stack)
    {
        switch (random.Next(8))
        {
            case 0: asm.Ldarg(1); stack.Add(false); break;
            case 1: asm.Ldarg(2); stack.Add(true); break;
            case 2: asm.Ldarg(3); stack.Add(false); break;
            case 3: asm.Ldloc(random.Next(2) * 2); stack.Add(false); break;
            case 4: asm.Ldloc(1); stack.Add(true); break;
            case 5: asm.LdcI8(random.Next(2) == 0 ? random.Next(-70, 70) : random.NextInt64()); stack.Add(true); break;
            default: asm.LdcI4(random.Next(2) == 0 ? random.Next(-70, 70) : random.Next()); stack.Add(false); break;
        }
    }
}

using NexOS.Security.Cil;
using static NexOS.Tests.Security.Cil.CilKit;

namespace NexOS.Tests.Security.Cil;

/// <summary>
/// Hostile input: random bytes, random sequences of allowed instructions and mutations of
/// valid bodies. Verify must never throw, and whatever verifies must run without throwing
/// and without reporting StackFault (which would mean the verifier let an unsound body by).
/// </summary>
[TestFixture]
public sealed class CilFuzzTests
{
    private static readonly CilType[] s_types = { CilType.Int32, CilType.Int64, CilType.Bool };

    [Test]
    public void RandomBytesNeverThrow()
    {
        var random = new Random(1234);
        int verified = 0;
        for (int i = 0; i < 100_000; i++)
        {
            byte[] body = new byte[random.Next(0, 40)];
            random.NextBytes(body);
            verified += Check(random, body) ? 1 : 0;
        }

        TestContext.Out.WriteLine($"random bytes: {verified} of 100000 verified");
    }

    [Test]
    public void RandomInstructionSequencesVerifyOrFailCleanly()
    {
        var random = new Random(99);
        int verified = 0;
        for (int i = 0; i < 50_000; i++)
        {
            verified += Check(random, RandomProgram(random)) ? 1 : 0;
        }

        TestContext.Out.WriteLine($"instruction sequences: {verified} of 50000 verified");
        Assert.That(verified, Is.GreaterThan(500), "the generator must reach the interpreter often");
    }

    [Test]
    public void MutatedValidBodiesNeverThrow()
    {
        var random = new Random(7);
        CilTokenTable timeSliceTokens = CilTokenTable.TryBuild(CilRealisticHookTests.TimeSlice, CilRealisticHookTests.TokenNames, out _)!;
        var timeSlice = (CilRealisticHookTests.TimeSlice, timeSliceTokens);
        var standard = Standard(CilType.Int32);
        byte[][] seeds = { CilRealisticHookTests.ClampBody(), CilRealisticHookTests.BranchyBody(), SwitchBody(), LoopBody() };
        (HookSignature, CilTokenTable)[] hooks = { timeSlice, timeSlice, standard, standard };
        for (int s = 0; s < seeds.Length; s++)
        {
            VerificationResult result = CilVerifier.Verify(seeds[s], hooks[s].Item1, hooks[s].Item2, CilLimits.Default.WithLoops(true), Locals(), 8);
            Assert.That(result.IsOk, Is.True, result.ToString());
        }

        int verified = 0;
        for (int i = 0; i < 40_000; i++)
        {
            int seed = random.Next(seeds.Length);
            var body = new List<byte>(seeds[seed]);
            int edits = random.Next(1, 4);
            for (int e = 0; e < edits && body.Count > 0; e++)
            {
                int at = random.Next(body.Count);
                switch (random.Next(5))
                {
                    case 0: body[at] = (byte)random.Next(256); break;
                    case 1: body[at] ^= (byte)(1 << random.Next(8)); break;
                    case 2: body.Insert(at, (byte)random.Next(256)); break;
                    case 3: body.RemoveAt(at); break;
                    default: body.RemoveRange(at, body.Count - at); break;
                }
            }

            verified += Check(random, body.ToArray(), hooks[seed]) ? 1 : 0;
        }

        TestContext.Out.WriteLine($"mutations: {verified} of 40000 verified");
    }

    private static CilType[] Locals() => new[] { CilType.Int32, CilType.Int64, CilType.Int32 };

    /// <summary>Verifies a body with a random hook shape and, when it verifies, runs it.</summary>
    private static bool Check(Random random, byte[] body, (HookSignature Signature, CilTokenTable Tokens)? hook = null)
    {
        var (signature, tokens) = hook ?? Standard(s_types[random.Next(3)]);
        CilType returnType = signature.ReturnType;
        CilType[] locals = random.Next(4) == 0 ? new[] { s_types[random.Next(3)], s_types[random.Next(3)] } : Locals();
        int maxStack = random.Next(0, 10);
        CilLimits limits = CilLimits.Default.WithLoops(random.Next(2) == 0);
        VerificationResult result = CilVerifier.Verify(body, signature, tokens, limits, locals, maxStack);
        if (!result.IsOk)
        {
            Assert.That(result.Offset, Is.InRange(-1, body.Length - 1), result.ToString());
            Assert.That(result.Message, Is.Not.Empty);
            return false;
        }

        for (int run = 0; run < 3; run++)
        {
            long[] context = new long[signature.ContextFields.Count];
            long[] args = new long[signature.ArgumentTypes.Count];
            Fill(random, context);
            Fill(random, args);
            long fuel = 500;
            CilExecStatus status = CilInterpreter.Run(result.Hook!, context, args, ref fuel, out long value);
            Assert.That(status, Is.Not.EqualTo(CilExecStatus.StackFault), Convert.ToHexString(body));
            Assert.That(fuel, Is.InRange(0, 499));
            if (returnType == CilType.Int32)
            {
                Assert.That(value, Is.EqualTo((long)(int)value));
            }
            else if (returnType == CilType.Bool)
            {
                Assert.That(value, Is.InRange(0, 1));
            }
        }

        return true;
    }

    private static void Fill(Random random, long[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = RandomValue(random);
        }
    }

    private static long RandomValue(Random random)
    {
        switch (random.Next(4))
        {
            case 0: return random.Next(-3, 4);
            case 1: return random.NextInt64();
            case 2: return long.MinValue;
            default: return int.MinValue;
        }
    }

    /// <summary>A random sequence of allowed instructions with plausible operands and short branches.</summary>
    private static byte[] RandomProgram(Random random)
    {
        byte[] simple =
        {
            Il.Nop, Il.Ldarg0, Il.Ldarg1, Il.Ldarg2, Il.Ldarg3, Il.Ldloc0, Il.Ldloc1, Il.Ldloc2, Il.Stloc0, Il.Stloc1, Il.Stloc2,
            Il.LdcI4M1, Il.LdcI40, Il.LdcI40 + 1, Il.LdcI40 + 8, Il.Dup, Il.Pop, Il.Ret, Il.Ret, Il.Ret,
            Il.Add, Il.Sub, Il.Mul, Il.Div, Il.DivUn, Il.Rem, Il.RemUn, Il.And, Il.Or, Il.Xor, Il.Shl, Il.Shr, Il.ShrUn, Il.Neg, Il.Not,
            Il.ConvI4, Il.ConvI8, Il.ConvU4, Il.ConvU8,
        };
        var asm = new IlAssembler();
        int count = random.Next(1, 16);
        for (int i = 0; i < count; i++)
        {
            int pick = random.Next(10);
            if (pick < 6)
            {
                asm.Op(simple[random.Next(simple.Length)]);
            }
            else if (pick == 6)
            {
                asm.Raw((byte)random.Next(Il.BrS, Il.BltUnS + 1), (byte)(sbyte)random.Next(-8, 9));
            }
            else if (pick == 7)
            {
                asm.Op2((byte)random.Next(Il.Ceq, Il.CltUn + 1));
            }
            else if (pick == 8)
            {
                asm.Op(Il.Ldarg0).Op(Il.Ldfld, (int)(Base + (uint)random.Next(3)));
            }
            else
            {
                switch (random.Next(4))
                {
                    case 0: asm.LdcI8(random.NextInt64()); break;
                    case 1: asm.Call(Min32 + (uint)random.Next(8)); break;
                    case 2: asm.Op(Il.Switch, 2).Int32(random.Next(-4, 4)).Int32(random.Next(0, 6)); break;
                    default: asm.LdcI4(random.Next()); break;
                }
            }
        }

        return asm.Op(Il.Ret).ToArray();
    }

    private static byte[] SwitchBody()
    {
        var asm = new IlAssembler();
        IlLabel a = asm.Label(), b = asm.Label();
        asm.Ldarg(1).Switch(a, b).LdcI4(1).Op(Il.Ret).Mark(a).Ldarg(2).Op(Il.ConvI4).Op(Il.Ret).Mark(b).Field(Base).Op(Il.Ret);
        return asm.ToArray();
    }

    private static byte[] LoopBody()
    {
        var asm = new IlAssembler();
        IlLabel test = asm.Label(), body = asm.Label();
        asm.Ldarg(1).Stloc(2).Branch(Il.BrS, test);
        asm.Mark(body).Ldloc(0).Ldloc(2).Op(Il.Add).Stloc(0).Ldloc(2).LdcI4(1).Op(Il.Sub).Stloc(2);
        asm.Mark(test).Ldloc(2).LdcI4(0).Branch(Il.BgtS, body).Ldloc(0).Op(Il.Ret);
        return asm.ToArray();
    }
}

using NexOS.Security.Cil;
using static NexOS.Tests.Security.Cil.CilKit;

namespace NexOS.Tests.Security.Cil;

/// <summary>Hook signatures, token tables and the reflection-free names.</summary>
[TestFixture]
public sealed class CilTokenTableTests
{
    [Test]
    public void NamesResolveToFieldsThenHelpers()
    {
        var (signature, tokens) = Standard(CilType.Int32);
        Assert.That(tokens.Count, Is.EqualTo(TokenNames.Length));
        Assert.That(tokens.TryResolve(Big, out CilTokenTarget big), Is.True);
        Assert.That((big.Kind, big.Index), Is.EqualTo((CilTokenKind.ContextField, 1)));
        Assert.That(tokens.TryResolve(Clamp64, out CilTokenTarget clamp), Is.True);
        Assert.That((clamp.Kind, clamp.Index), Is.EqualTo((CilTokenKind.Helper, (int)CilHelperId.ClampInt64)));
        Assert.That(tokens.TryResolve(0x0A000100, out _), Is.False);
        Assert.That(signature.FindField("flag"), Is.EqualTo(2));
        Assert.That(signature.FindField("nope"), Is.EqualTo(-1));
        Assert.That(signature.TotalArgumentCount, Is.EqualTo(4));
        Assert.That((signature.ArgumentCount, signature.ContextFieldCount), Is.EqualTo((3, 3)));
        Assert.That(signature.ArgumentTypes is CilType[] || signature.ContextFields is ContextField[], Is.False, "the lists cannot be cast back to arrays and changed");
    }

    [Test]
    public void BadEntriesAreRefusedAndChangeNothing()
    {
        var table = new CilTokenTable(Standard(CilType.Int32).Signature);
        Assert.That(table.TryAdd(0x0A000001, "base"), Is.Null);
        Assert.That(table.TryAdd(0x0A000001, "big"), Is.EqualTo("token 0x0A000001 is defined twice"));
        Assert.That(table.TryAdd(0, "big"), Is.EqualTo("token 0x00000000 is the null token"));
        Assert.That(table.TryAdd(0x0A000002, "Math.Min(int32, int32)"), Does.Contain("neither a context field"), "helper names are exact");
        Assert.That(table.TryAdd(0x0A000002, "System.Math.Min"), Does.Contain("'System.Math.Min'"));
        Assert.That(table.Count, Is.EqualTo(1));
        for (uint i = 0; table.Count < CilTokenTable.MaxEntries; i++)
        {
            Assert.That(table.TryAdd(0x0B000000 + i, "flag"), Is.Null);
        }

        Assert.That(table.TryAdd(0x0C000000, "flag"), Is.EqualTo("more than 256 tokens"));
    }

    [Test]
    public void HelperTableIsIndexedById()
    {
        for (int i = 0; i < CilHelper.All.Count; i++)
        {
            CilHelper helper = CilHelper.All[i];
            Assert.That((int)helper.Id, Is.EqualTo(i));
            Assert.That(CilHelper.Get(helper.Id), Is.SameAs(helper));
            Assert.That(CilHelper.Find(helper.Name), Is.SameAs(helper));
        }

        Assert.That(CilHelper.Get((CilHelperId)200), Is.Null);
    }

    [Test]
    public void MalformedSignaturesThrowAtConstruction()
    {
        var fields = new[] { new ContextField("a", CilType.Int32) };
        Assert.Throws<ArgumentException>(() => _ = new HookSignature("h", CilType.Int32, Array.Empty<CilType>(), new[] { fields[0], fields[0] }));
        Assert.Throws<ArgumentException>(() => _ = new HookSignature("h", CilType.Int32, Array.Empty<CilType>(), new[] { new ContextField(string.Empty, CilType.Int32) }));
        Assert.Throws<ArgumentException>(() => _ = new HookSignature("h", CilType.Int32, Array.Empty<CilType>(), new[] { new ContextField("x", (CilType)0) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new HookSignature("h", (CilType)7, Array.Empty<CilType>(), fields));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new HookSignature("h", CilType.Int32, new[] { (CilType)4 }, fields));
        Assert.Throws<ArgumentException>(() => _ = new HookSignature("h", CilType.Int32, new CilType[9], fields));
        var eight = new CilType[8];
        Array.Fill(eight, CilType.Int64);
        Assert.That(new HookSignature("h", CilType.Bool, eight, fields).ArgumentTypes, Has.Count.EqualTo(8));
        Assert.That(fields[0].ToString(), Is.EqualTo("int32 a"));
    }

    [Test]
    public void NamesAreSpelledWithoutReflection()
    {
        Assert.That(CilTypes.Name(CilType.Int32) + CilTypes.Name(CilType.Int64) + CilTypes.Name(CilType.Bool), Is.EqualTo("int32int64bool"));
        Assert.That(CilTypes.Name((CilType)0), Is.EqualTo("invalid"));
        foreach (CilRule rule in Enum.GetValues<CilRule>())
        {
            Assert.That(VerificationResult.RuleName(rule), Is.EqualTo(rule.ToString()));
        }

        foreach (CilExecStatus status in Enum.GetValues<CilExecStatus>())
        {
            Assert.That(CilExecStatusNames.Name(status), Is.EqualTo(status.ToString()));
        }
    }

    [Test]
    public void LimitsAreCappedByTheHardLimits()
    {
        var limits = new CilLimits(int.MaxValue, 1000, 1000, 100_000, true);
        Assert.That((limits.MaxCodeSize, limits.MaxStack, limits.MaxLocals, limits.MaxSwitchTargets), Is.EqualTo((CilLimits.HardMaxCodeSize, CilLimits.HardMaxStack, CilLimits.HardMaxLocals, CilLimits.HardMaxSwitchTargets)));
        var negative = new CilLimits(-1, -1, -1, -1, false);
        Assert.That((negative.MaxCodeSize, negative.MaxStack), Is.EqualTo((0, 0)));
        Assert.That(CilLimits.Default.AllowLoops, Is.False);
        Rejected(Verify(new byte[] { Il.LdcI40, Il.Ret }, limits: default(CilLimits)), CilRule.CodeSize, -1);
    }

    [Test]
    public void VerificationAllocatesInProportionToTheBody()
    {
        // 90 diamonds: each pushes a value on one of two paths and joins, 11 bytes apiece.
        var asm = new IlAssembler();
        for (int i = 0; i < 90; i++)
        {
            IlLabel other = asm.Label(), join = asm.Label();
            asm.Ldarg(1).Branch(Il.BrtrueS, other).LdcI4(1).Branch(Il.BrS, join).Mark(other).LdcI4(2).Mark(join).Op(Il.Stloc0).Op(Il.Nop).Op(Il.Nop).Op(Il.Nop);
        }

        byte[] body = asm.LdcI4(0).Op(Il.Ret).ToArray();
        CilType[] locals = { CilType.Int32 };
        Assert.That(Verify(body, locals: locals).IsOk, Is.True);
        long allocated = AllocationMeter.Measure(() => Verify(body, locals: locals));
        // About 80 bytes per byte of code today (the decoded and compiled instruction arrays
        // dominate); the bound catches allocation per path or per join point.
        Assert.That(allocated, Is.LessThan(128 * body.Length), $"{allocated} bytes for a {body.Length}-byte body");
    }

    [Test]
    public void TheDeepestStackIsRecorded()
    {
        byte[] body = new IlAssembler().LdcI4(1).LdcI4(2).LdcI4(3).Op(Il.Add).Op(Il.Add).Op(Il.Ret).ToArray();
        CompiledHook hook = Verify(body).Hook!;
        Assert.That((hook.MaxStack, hook.LocalCount, hook.InstructionCount), Is.EqualTo((3, 0, 6)));
        Assert.That(hook.IlOffsetOf(5), Is.EqualTo(5));
        Assert.That(hook.IlOffsetOf(6), Is.EqualTo(-1));
    }
}

using NexOS.Security.Cil;
using NexOS.Security.Patching;
using NexOS.Security.Patches;
using static NexOS.Tests.Security.Cil.CilKit;

namespace NexOS.Tests.Security.Cil;

/// <summary>
/// The path rules: bodies that could never answer within the fuel of one call are refused up
/// front (no way to ret, ret farther than the fuel, a loop-free path longer than the fuel), and
/// with assigned locals required, a local read before any store is refused. Each rule is
/// checked at its boundary, so a bound that is off by one fails a test.
/// </summary>
[TestFixture]
public sealed class CilVerifierPathTests
{
    private static readonly CilLimits s_loops = CilLimits.Default.WithLoops(true);

    [Test]
    public void ALoopWithoutAnExitIsRefusedWhereItStarts()
    {
        // IL_0000 ldc.i4.1; IL_0001 ret; IL_0002 nop; IL_0003 br.s IL_0002, reached by the brtrue.
        var asm = new IlAssembler();
        IlLabel spin = asm.Label();
        asm.Ldarg(1).Branch(Il.BrtrueS, spin).LdcI4(1).Op(Il.Ret).Mark(spin).Op(Il.Nop).Branch(Il.BrS, spin);
        string message = Rejected(Verify(asm.ToArray(), limits: s_loops), CilRule.NoReturn, 5);
        Assert.That(message, Is.EqualTo("no path from here reaches 'ret' (a loop without an exit)"));
    }

    [Test]
    public void ALoopWithAnExitVerifies()
    {
        var asm = new IlAssembler();
        IlLabel top = asm.Label();
        asm.Mark(top).Ldarg(1).Branch(Il.BrtrueS, top).LdcI4(1).Op(Il.Ret);
        Assert.That(Verify(asm.ToArray(), limits: s_loops).IsOk, Is.True);
    }

    [Test]
    public void AStraightLineLongerThanTheFuelIsRefused()
    {
        // n nops, ldc.i4.1, ret: n + 2 instructions on the only path.
        byte[] body = Nops(10);
        Assert.That(Verify(body, limits: CilLimits.Default.WithFuel(12)).IsOk, Is.True, "exactly the fuel");
        string message = Rejected(Verify(body, limits: CilLimits.Default.WithFuel(11)), CilRule.Fuel, 0);
        Assert.That(message, Is.EqualTo("'ret' is reached after 12 instructions at the least; a call has fuel for 11"));
    }

    [Test]
    public void TheLongestBranchCountsNotTheShortest()
    {
        // if (arg1) { 20 nops; return 2; } return 1: shortest 4, longest 24.
        var asm = new IlAssembler();
        IlLabel slow = asm.Label();
        asm.Ldarg(1).Branch(Il.BrtrueS, slow).LdcI4(1).Op(Il.Ret).Mark(slow);
        for (int i = 0; i < 20; i++)
        {
            asm.Op(Il.Nop);
        }

        asm.LdcI4(2).Op(Il.Ret);
        Assert.That(Verify(asm.ToArray(), limits: CilLimits.Default.WithFuel(24)).IsOk, Is.True);
        string message = Rejected(Verify(asm.ToArray(), limits: CilLimits.Default.WithFuel(23)), CilRule.Fuel, 0);
        Assert.That(message, Is.EqualTo("a path without loops runs 24 instructions before 'ret' or its first loop; a call has fuel for 23"));
    }

    [Test]
    public void ALoopFreePathEndsAtTheFirstBackwardBranch()
    {
        // 5 nops, then a loop whose body is 6 instructions long and exits to ret.
        var asm = new IlAssembler();
        IlLabel top = asm.Label();
        for (int i = 0; i < 5; i++)
        {
            asm.Op(Il.Nop);
        }

        asm.Mark(top).Op(Il.Nop).Op(Il.Nop).Op(Il.Nop).Ldarg(1).Branch(Il.BrtrueS, top).LdcI4(1).Op(Il.Ret);
        // Entry to ret: 5 + 3 + 2 + 2 = 12 instructions, the longest path without a loop.
        Assert.That(Verify(asm.ToArray(), limits: s_loops.WithFuel(12)).IsOk, Is.True);
        Rejected(Verify(asm.ToArray(), limits: s_loops.WithFuel(11)), CilRule.Fuel, 0);
    }

    [Test]
    public void TheHookFuelBoundsWhatThePatchManagerAccepts()
    {
        // The priority hook gives a call 200 instructions; 199 nops, ldc.i4.1, ret is 201.
        PolicyHook hook = HookCatalog.CreatePriority();
        CilBody ok = Body(Nops(198));
        CilBody tooLong = Body(Nops(199));
        Assert.That(PatchManager.VerifyBody(hook, ok, false, 1024, 20_000, false, out string error), Is.Not.Null, error);
        Assert.That(PatchManager.VerifyBody(hook, tooLong, false, 1024, 20_000, false, out error), Is.Null);
        Assert.That(error, Does.EndWith("a call has fuel for 200 [Fuel]"));
        Assert.That(PatchManager.VerifyBody(hook, ok, false, 1024, 150, false, out error), Is.Null, "the level's fuel is lower still");
        Assert.That(error, Does.EndWith("a call has fuel for 150 [Fuel]"));
    }

    [Test]
    public void LocalsMustBeWrittenBeforeTheyAreReadWhenRequired()
    {
        CilType[] locals = { CilType.Int32, CilType.Int32 };
        CilLimits required = CilLimits.Default.WithAssignedLocals(true);
        byte[] readFirst = new IlAssembler().LdcI4(1).Op(Il.Stloc0).Ldloc(1).Op(Il.Ret).ToArray();
        Assert.That(Verify(readFirst, locals: locals).IsOk, Is.True, "zeroed locals may be read at once");
        string message = Rejected(Verify(readFirst, locals: locals, limits: required), CilRule.UnassignedLocal, 2);
        Assert.That(message, Is.EqualTo("'ldloc.1' reads local 1 before any store on some path, and the body's locals are not zeroed (no localsinit)"));

        byte[] written = new IlAssembler().LdcI4(1).Op(Il.Stloc0).Ldloc(0).Op(Il.Ret).ToArray();
        Assert.That(Verify(written, locals: locals, limits: required).IsOk, Is.True);
    }

    [Test]
    public void AStoreOnOnlyOneBranchDoesNotAssignTheJoin()
    {
        // if (arg1) local0 = 1; return local0;
        var asm = new IlAssembler();
        IlLabel join = asm.Label();
        asm.Ldarg(1).Branch(Il.BrfalseS, join).LdcI4(1).Op(Il.Stloc0).Mark(join).Ldloc(0).Op(Il.Ret);
        CilLimits required = CilLimits.Default.WithAssignedLocals(true);
        Rejected(Verify(asm.ToArray(), locals: new[] { CilType.Int32 }, limits: required), CilRule.UnassignedLocal, 5);

        // if (arg1) local0 = 1; else local0 = 2; return local0;
        var both = new IlAssembler();
        IlLabel other = both.Label(), end = both.Label();
        both.Ldarg(1).Branch(Il.BrfalseS, other).LdcI4(1).Op(Il.Stloc0).Branch(Il.BrS, end)
            .Mark(other).LdcI4(2).Op(Il.Stloc0).Mark(end).Ldloc(0).Op(Il.Ret);
        Assert.That(Verify(both.ToArray(), locals: new[] { CilType.Int32 }, limits: required).IsOk, Is.True);
    }

    [Test]
    public void APathWithoutTheStoreArrivingSecondStillUnassignsTheJoin()
    {
        // if (arg1) { local0 = 1 } (visited first); else nothing; join: return local0.
        var asm = new IlAssembler();
        IlLabel store = asm.Label(), join = asm.Label();
        asm.Ldarg(1).Branch(Il.BrtrueS, store).Branch(Il.BrS, join).Mark(store).LdcI4(1).Op(Il.Stloc0).Mark(join).Ldloc(0).Op(Il.Ret);
        CilLimits required = CilLimits.Default.WithAssignedLocals(true);
        Rejected(Verify(asm.ToArray(), locals: new[] { CilType.Int32 }, limits: required), CilRule.UnassignedLocal, 7);
    }

    [Test]
    public void RetThatOnlyALoopReachesMustBeWithinTheFuel()
    {
        // IL_0000 ldc.i4.1; IL_0001 br.s IL_0004; IL_0003 ret; IL_0004 br.s IL_0003. The only way to ret goes back: 4 instructions,
        // while the path without loops ends at the backward branch after 3.
        byte[] body = { Il.LdcI40 + 1, Il.BrS, 0x01, Il.Ret, Il.BrS, 0xFD };
        Assert.That(Verify(body, limits: s_loops.WithFuel(4)).IsOk, Is.True);
        string message = Rejected(Verify(body, limits: s_loops.WithFuel(3)), CilRule.Fuel, 0);
        Assert.That(message, Is.EqualTo("'ret' is reached after 4 instructions at the least; a call has fuel for 3"));
    }

    [Test]
    public void ALoopThatStoresLaterDoesNotAssignItsFirstRound()
    {
        // top: if (local0 read) ...; local0 = 1; loop: the first round reads before the store.
        var asm = new IlAssembler();
        IlLabel top = asm.Label();
        asm.Mark(top).Ldloc(0).Op(Il.Pop).LdcI4(1).Op(Il.Stloc0).Ldarg(1).Branch(Il.BrtrueS, top).LdcI4(0).Op(Il.Ret);
        CilLimits required = s_loops.WithAssignedLocals(true);
        Rejected(Verify(asm.ToArray(), locals: new[] { CilType.Int32 }, limits: required), CilRule.UnassignedLocal, 0);
    }

    [Test]
    public void UnreachableCodeMustJoinReachableCodeWithTheSameStack()
    {
        // IL_0000 ldc.i4.1; IL_0001 br.s IL_0004; IL_0003 pop (unreachable: empty stack, underflow).
        byte[] body = { Il.LdcI40 + 1, Il.BrS, 0x01, Il.Pop, Il.Ret };
        Rejected(Verify(body), CilRule.StackUnderflow, 3);

        // IL_0000 ldc.i4.1; IL_0001 ret; IL_0002 br.s IL_0000 from an empty stack: joins fine.
        byte[] back = { Il.LdcI40 + 1, Il.Ret, Il.BrS, 0xFC };
        Assert.That(Verify(back, limits: s_loops).IsOk, Is.True);
    }

    private static CilBody Body(byte[] code) => new(code, 1, Array.Empty<CilLocalType>(), Array.Empty<CilToken>(), Array.Empty<long>());

    private static byte[] Nops(int count)
    {
        var asm = new IlAssembler();
        for (int i = 0; i < count; i++)
        {
            asm.Op(Il.Nop);
        }

        return asm.LdcI4(1).Op(Il.Ret).ToArray();
    }
}

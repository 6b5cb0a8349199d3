namespace NexOS.Security.Cil;

/// <summary>
/// The interpreter's operations. The verifier knows every operand's type, so it picks the
/// 32- or 64-bit form here and the interpreter never tests a type at run time. Operations
/// that behave the same on sign-extended int32 values and on int64 values (and, or, xor,
/// not, equality, signed order) have one form.
/// </summary>
internal enum CilOp : byte
{
    Unreachable,
    Nop,
    LdContext,
    LdFieldInt32,
    LdFieldInt64,
    LdFieldBool,
    LdArg,
    LdLoc,
    StLoc,
    Const,
    Dup,
    Pop,

    // Binary operations, contiguous from Add32 to CltUn64: pop b, pop a, push a op b.
    Add32, Sub32, Mul32, Div32, DivUn32, Rem32, RemUn32, Shl32, Shr32, ShrUn32,
    Add64, Sub64, Mul64, Div64, DivUn64, Rem64, RemUn64, Shl64, Shr64, ShrUn64,
    And, Or, Xor,
    Ceq, Cgt, Clt, CgtUn32, CltUn32, CgtUn64, CltUn64,

    // Unary operations, contiguous from Neg32 to ConvU8From32: replace the top value.
    Neg32, Neg64, Not, ConvI4, ConvU8From32,

    Br, BrTrue, BrFalse,

    // Two-operand conditional branches, contiguous from Beq to BltUn64.
    Beq, Bne, Bge, Bgt, Ble, Blt,
    BgeUn32, BgtUn32, BleUn32, BltUn32, BgeUn64, BgtUn64, BleUn64, BltUn64,

    Switch,
    Call,
    Ret,
}

/// <summary>
/// One pre-decoded instruction. <see cref="A"/> is an index (argument, local, field, helper,
/// branch target instruction, first switch-table slot); <see cref="B"/> a constant or a count.
/// </summary>
internal readonly struct CompiledInstruction
{
    public CompiledInstruction(CilOp op, int a, long b)
    {
        Op = op;
        A = a;
        B = b;
    }

    public CilOp Op { get; }

    public int A { get; }

    public long B { get; }
}

/// <summary>
/// A verified patch, pre-decoded for <see cref="CilInterpreter"/>. Only
/// <see cref="CilVerifier.Verify"/> creates one, so holding one proves the body passed every
/// rule; the interpreter relies on that and does not re-check types or stack depth.
/// </summary>
public sealed class CompiledHook
{
    internal CompiledHook(HookSignature signature, CompiledInstruction[] code, int[] switchTargets, CilType[] locals, int maxStack, int[] ilOffsets)
    {
        Signature = signature;
        Code = code;
        SwitchTargets = switchTargets;
        Locals = locals;
        MaxStack = maxStack;
        IlOffsets = ilOffsets;
    }

    /// <summary>The hook the body was verified against.</summary>
    public HookSignature Signature { get; }

    /// <summary>The number of instructions.</summary>
    public int InstructionCount => Code.Length;

    /// <summary>The deepest evaluation stack any path reaches (at most the declared maxStack).</summary>
    public int MaxStack { get; }

    /// <summary>The number of locals.</summary>
    public int LocalCount => Locals.Length;

    internal CompiledInstruction[] Code { get; }

    internal int[] SwitchTargets { get; }

    internal CilType[] Locals { get; }

    internal int[] IlOffsets { get; }

    /// <summary>The IL offset of instruction <paramref name="index"/>, for diagnostics.</summary>
    public int IlOffsetOf(int index) => (uint)index < (uint)IlOffsets.Length ? IlOffsets[index] : -1;
}

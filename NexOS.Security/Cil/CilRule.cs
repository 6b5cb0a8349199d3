namespace NexOS.Security.Cil;

/// <summary>The verification rule a body broke. See docs/cil-patches.md for the table.</summary>
public enum CilRule : byte
{
    /// <summary>No rule broken.</summary>
    None,

    /// <summary>The body is empty or longer than the limit.</summary>
    CodeSize,

    /// <summary>Too many locals, or a local of an invalid type.</summary>
    Locals,

    /// <summary>The declared maxStack is negative or above the limit.</summary>
    MaxStackLimit,

    /// <summary>The token table was built for a different hook.</summary>
    TokenTableMismatch,

    /// <summary>An instruction's operand runs past the end of the body.</summary>
    Truncated,

    /// <summary>A byte sequence that is no ECMA-335 opcode.</summary>
    UnknownOpcode,

    /// <summary>A defined opcode outside the allowed subset.</summary>
    OpcodeNotAllowed,

    /// <summary>An argument index beyond the hook's arguments.</summary>
    ArgumentIndex,

    /// <summary>A local index beyond the declared locals.</summary>
    LocalIndex,

    /// <summary>A token missing from the table or of the wrong kind for the instruction.</summary>
    Token,

    /// <summary>A switch with more targets than the limit.</summary>
    SwitchSize,

    /// <summary>A branch target outside the body or inside an instruction.</summary>
    BranchTarget,

    /// <summary>A backward branch while loops are not allowed.</summary>
    BackwardBranch,

    /// <summary>An instruction pops more values than the stack holds.</summary>
    StackUnderflow,

    /// <summary>The stack grows beyond maxStack.</summary>
    StackOverflow,

    /// <summary>An operand has the wrong type (mixed widths, a context where a number is needed, a local of another type).</summary>
    TypeMismatch,

    /// <summary>Two paths reach an instruction with different stack shapes.</summary>
    StackMismatch,

    /// <summary>ret with a stack other than exactly one value of the return type.</summary>
    Return,

    /// <summary>Control runs past the last instruction.</summary>
    FallThrough,

    /// <summary>A reachable instruction from which no path leads to ret (a loop without an exit).</summary>
    NoReturn,

    /// <summary>A path from the entry runs more instructions before ret (or before its first
    /// loop) than the hook's fuel allows, so the call can run out of fuel on every input that takes it.</summary>
    Fuel,

    /// <summary>A local is read before any store on some path, in a body whose locals are not zeroed.</summary>
    UnassignedLocal,
}

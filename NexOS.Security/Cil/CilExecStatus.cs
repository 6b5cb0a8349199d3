namespace NexOS.Security.Cil;

/// <summary>How a run of <see cref="CilInterpreter.Run"/> ended.</summary>
public enum CilExecStatus : byte
{
    /// <summary>ret executed; the result is valid.</summary>
    Ok,

    /// <summary>The fuel ran out before ret; the hook's caller should fall back to its default.</summary>
    OutOfFuel,

    /// <summary>div, div.un, rem or rem.un with a zero divisor (the CLR would throw DivideByZeroException).</summary>
    DivideByZero,

    /// <summary>MinValue / -1 or MinValue % -1, or Math.Abs(MinValue) (the CLR would throw OverflowException).</summary>
    Overflow,

    /// <summary>Math.Clamp with min greater than max (the CLR would throw ArgumentException).</summary>
    InvalidHelperArgument,

    /// <summary>The context span is shorter than the hook's fields, or the argument count differs.</summary>
    InvalidInput,

    /// <summary>An internal invariant failed (unreachable code reached); a verified hook never reports it.</summary>
    StackFault,
}

/// <summary>Names for <see cref="CilExecStatus"/> without reflection.</summary>
public static class CilExecStatusNames
{
    /// <summary>The status's name, e.g. "OutOfFuel".</summary>
    public static string Name(CilExecStatus status)
    {
        switch (status)
        {
            case CilExecStatus.Ok: return "Ok";
            case CilExecStatus.OutOfFuel: return "OutOfFuel";
            case CilExecStatus.DivideByZero: return "DivideByZero";
            case CilExecStatus.Overflow: return "Overflow";
            case CilExecStatus.InvalidHelperArgument: return "InvalidHelperArgument";
            case CilExecStatus.InvalidInput: return "InvalidInput";
            case CilExecStatus.StackFault: return "StackFault";
            default: return "Unknown";
        }
    }
}

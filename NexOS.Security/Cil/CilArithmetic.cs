namespace NexOS.Security.Cil;

/// <summary>
/// The interpreter's arithmetic, matching the CLR on x64 bit for bit. All arithmetic is
/// unchecked (wraps), int32 results are truncated to 32 bits and sign-extended back, and
/// shift counts are masked to the operand width (count &amp; 31 or &amp; 63), which is what C#
/// specifies and what the x64 shift instructions do; ECMA-335 leaves larger counts
/// unspecified. The cases the CLR turns into exceptions become statuses.
/// </summary>
internal static class CilArithmetic
{
    /// <summary>Computes a binary operation (Add32..CltUn64); a is the deeper operand.</summary>
    public static CilExecStatus Binary(CilOp op, long a, long b, out long r)
    {
        unchecked
        {
            switch (op)
            {
                case CilOp.Add32: r = (int)(a + b); return CilExecStatus.Ok;
                case CilOp.Sub32: r = (int)(a - b); return CilExecStatus.Ok;
                case CilOp.Mul32: r = (int)(a * b); return CilExecStatus.Ok;
                case CilOp.Div32: return Divide32(a, b, false, out r);
                case CilOp.Rem32: return Divide32(a, b, true, out r);
                case CilOp.DivUn32:
                case CilOp.RemUn32:
                    return DivideUnsigned32(a, b, op == CilOp.RemUn32, out r);
                case CilOp.Shl32: r = (int)a << (int)(b & 31); return CilExecStatus.Ok;
                case CilOp.Shr32: r = (int)a >> (int)(b & 31); return CilExecStatus.Ok;
                case CilOp.ShrUn32: r = (int)((uint)a >> (int)(b & 31)); return CilExecStatus.Ok;
                case CilOp.Add64: r = a + b; return CilExecStatus.Ok;
                case CilOp.Sub64: r = a - b; return CilExecStatus.Ok;
                case CilOp.Mul64: r = a * b; return CilExecStatus.Ok;
                case CilOp.Div64: return Divide64(a, b, false, out r);
                case CilOp.Rem64: return Divide64(a, b, true, out r);
                case CilOp.DivUn64:
                case CilOp.RemUn64:
                    return DivideUnsigned64(a, b, op == CilOp.RemUn64, out r);
                case CilOp.Shl64: r = a << (int)(b & 63); return CilExecStatus.Ok;
                case CilOp.Shr64: r = a >> (int)(b & 63); return CilExecStatus.Ok;
                case CilOp.ShrUn64: r = (long)((ulong)a >> (int)(b & 63)); return CilExecStatus.Ok;
                case CilOp.And: r = a & b; return CilExecStatus.Ok;
                case CilOp.Or: r = a | b; return CilExecStatus.Ok;
                case CilOp.Xor: r = a ^ b; return CilExecStatus.Ok;
                case CilOp.Ceq: r = a == b ? 1 : 0; return CilExecStatus.Ok;
                case CilOp.Cgt: r = a > b ? 1 : 0; return CilExecStatus.Ok;
                case CilOp.Clt: r = a < b ? 1 : 0; return CilExecStatus.Ok;
                case CilOp.CgtUn32: r = (uint)a > (uint)b ? 1 : 0; return CilExecStatus.Ok;
                case CilOp.CltUn32: r = (uint)a < (uint)b ? 1 : 0; return CilExecStatus.Ok;
                case CilOp.CgtUn64: r = (ulong)a > (ulong)b ? 1 : 0; return CilExecStatus.Ok;
                case CilOp.CltUn64: r = (ulong)a < (ulong)b ? 1 : 0; return CilExecStatus.Ok;
                default: r = 0; return CilExecStatus.StackFault;
            }
        }
    }

    /// <summary>Computes a unary operation (Neg32..ConvU8From32).</summary>
    public static long Unary(CilOp op, long a)
    {
        unchecked
        {
            switch (op)
            {
                case CilOp.Neg32: return -(int)a;
                case CilOp.Neg64: return -a;
                case CilOp.Not: return ~a;
                case CilOp.ConvI4: return (int)a;
                default: return (uint)a;
            }
        }
    }

    /// <summary>
    /// Evaluates a two-operand branch condition (Beq..BltUn64). Signed order and equality
    /// need no width because int32 slots are sign-extended; unsigned order does.
    /// </summary>
    public static bool Condition(CilOp op, long a, long b)
    {
        switch (op)
        {
            case CilOp.Beq: return a == b;
            case CilOp.Bne: return a != b;
            case CilOp.Bge: return a >= b;
            case CilOp.Bgt: return a > b;
            case CilOp.Ble: return a <= b;
            case CilOp.Blt: return a < b;
            case CilOp.BgeUn32: return (uint)a >= (uint)b;
            case CilOp.BgtUn32: return (uint)a > (uint)b;
            case CilOp.BleUn32: return (uint)a <= (uint)b;
            case CilOp.BltUn32: return (uint)a < (uint)b;
            case CilOp.BgeUn64: return (ulong)a >= (ulong)b;
            case CilOp.BgtUn64: return (ulong)a > (ulong)b;
            case CilOp.BleUn64: return (ulong)a <= (ulong)b;
            default: return (ulong)a < (ulong)b;
        }
    }

    /// <summary>Calls a helper: pops its parameters (the first pushed is the first parameter) and pushes its result.</summary>
    public static CilExecStatus Call(CilHelperId id, Span<long> stack, ref int sp)
    {
        long r;
        switch (id)
        {
            case CilHelperId.MinInt32:
            case CilHelperId.MinInt64:
                r = Math.Min(stack[sp - 2], stack[sp - 1]);
                sp -= 1;
                break;
            case CilHelperId.MaxInt32:
            case CilHelperId.MaxInt64:
                r = Math.Max(stack[sp - 2], stack[sp - 1]);
                sp -= 1;
                break;
            case CilHelperId.AbsInt32:
            case CilHelperId.AbsInt64:
                long minimum = id == CilHelperId.AbsInt32 ? int.MinValue : long.MinValue;
                if (stack[sp - 1] == minimum)
                {
                    return CilExecStatus.Overflow;
                }

                r = Math.Abs(stack[sp - 1]);
                break;
            default:
                long value = stack[sp - 3], low = stack[sp - 2], high = stack[sp - 1];
                if (low > high)
                {
                    return CilExecStatus.InvalidHelperArgument;
                }

                r = value < low ? low : value > high ? high : value;
                sp -= 2;
                break;
        }

        stack[sp - 1] = r;
        return CilExecStatus.Ok;
    }

    private static CilExecStatus Divide32(long a, long b, bool remainder, out long r)
    {
        int x = (int)a, y = (int)b;
        r = 0;
        if (y == 0)
        {
            return CilExecStatus.DivideByZero;
        }

        if (x == int.MinValue && y == -1)
        {
            return CilExecStatus.Overflow;
        }

        r = remainder ? x % y : x / y;
        return CilExecStatus.Ok;
    }

    private static CilExecStatus DivideUnsigned32(long a, long b, bool remainder, out long r)
    {
        uint x = (uint)a, y = (uint)b;
        r = 0;
        if (y == 0)
        {
            return CilExecStatus.DivideByZero;
        }

        r = unchecked((int)(remainder ? x % y : x / y));
        return CilExecStatus.Ok;
    }

    private static CilExecStatus Divide64(long x, long y, bool remainder, out long r)
    {
        r = 0;
        if (y == 0)
        {
            return CilExecStatus.DivideByZero;
        }

        if (x == long.MinValue && y == -1)
        {
            return CilExecStatus.Overflow;
        }

        r = remainder ? x % y : x / y;
        return CilExecStatus.Ok;
    }

    private static CilExecStatus DivideUnsigned64(long a, long b, bool remainder, out long r)
    {
        ulong x = (ulong)a, y = (ulong)b;
        r = 0;
        if (y == 0)
        {
            return CilExecStatus.DivideByZero;
        }

        r = unchecked((long)(remainder ? x % y : x / y));
        return CilExecStatus.Ok;
    }
}

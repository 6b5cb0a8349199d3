namespace NexOS.Security.Cil;

/// <summary>
/// Runs a <see cref="CompiledHook"/>. Pure managed code with no allocation, no exceptions
/// and no unsafe code, so a run gives the same result on the host and in the kernel. The
/// evaluation stack, locals and arguments live in fixed-size stack buffers sized by the
/// hard limits in <see cref="CilLimits"/>. Every instruction executed costs one unit of
/// fuel, so a run takes at most the fuel given; run-time faults are statuses, not throws.
/// Values are held in 64-bit slots; an int32 slot always holds the sign-extended int32, which
/// the verifier's typing guarantees and every int32 operation re-establishes by truncating.
/// </summary>
public static class CilInterpreter
{
    /// <summary>
    /// Executes <paramref name="hook"/> with the context field values in
    /// <paramref name="context"/> (at least one per field, in field order) and the explicit
    /// arguments in <paramref name="args"/> (exactly one per argument). Inputs are narrowed
    /// to their declared type first: int32 values truncated, bools to 0 or 1. On
    /// <see cref="CilExecStatus.Ok"/>, <paramref name="result"/> holds the return value
    /// (an int32 or bool result narrowed the same way); otherwise it is 0.
    /// <paramref name="fuel"/> is decreased by the number of instructions executed.
    /// </summary>
    public static CilExecStatus Run(CompiledHook hook, ReadOnlySpan<long> context, ReadOnlySpan<long> args, ref long fuel, out long result)
    {
        result = 0;
        HookSignature signature = hook.Signature;
        if (context.Length < signature.ContextFieldCount || args.Length != signature.ArgumentCount)
        {
            return CilExecStatus.InvalidInput;
        }

        Span<long> arguments = stackalloc long[HookSignature.MaxArguments];
        for (int i = 0; i < args.Length; i++)
        {
            arguments[i] = Narrow(signature.ArgumentType(i), args[i]);
        }

        Span<long> stack = stackalloc long[CilLimits.HardMaxStack];
        Span<long> locals = stackalloc long[CilLimits.HardMaxLocals];
        locals.Clear();
        CilExecStatus status = Execute(hook, context, arguments, stack, locals, ref fuel, out long value);
        if (status == CilExecStatus.Ok)
        {
            result = Narrow(signature.ReturnType, value);
        }

        return status;
    }

    /// <summary>Narrows a value to a type's int32 or bool representation; int64 values pass unchanged.</summary>
    public static long Narrow(CilType type, long value)
    {
        switch (type)
        {
            case CilType.Int32:
                return (int)value;
            case CilType.Bool:
                return value != 0 ? 1 : 0;
            default:
                return value;
        }
    }

    private static CilExecStatus Execute(CompiledHook hook, ReadOnlySpan<long> context, ReadOnlySpan<long> arguments, Span<long> stack, Span<long> locals, ref long fuel, out long value)
    {
        value = 0;
        CompiledInstruction[] code = hook.Code;
        int[] switchTargets = hook.SwitchTargets;
        int pc = 0;
        int sp = 0;
        while (true)
        {
            if (fuel <= 0)
            {
                return CilExecStatus.OutOfFuel;
            }

            fuel--;
            if ((uint)pc >= (uint)code.Length)
            {
                return CilExecStatus.StackFault;
            }

            CompiledInstruction ins = code[pc++];
            CilOp op = ins.Op;
            if (op >= CilOp.Add32 && op <= CilOp.CltUn64)
            {
                sp--;
                CilExecStatus status = CilArithmetic.Binary(op, stack[sp - 1], stack[sp], out stack[sp - 1]);
                if (status != CilExecStatus.Ok)
                {
                    return status;
                }

                continue;
            }

            if (op >= CilOp.Neg32 && op <= CilOp.ConvU8From32)
            {
                stack[sp - 1] = CilArithmetic.Unary(op, stack[sp - 1]);
                continue;
            }

            if (op >= CilOp.Beq && op <= CilOp.BltUn64)
            {
                sp -= 2;
                if (CilArithmetic.Condition(op, stack[sp], stack[sp + 1]))
                {
                    pc = ins.A;
                }

                continue;
            }

            switch (op)
            {
                case CilOp.Nop:
                    break;
                case CilOp.LdContext:
                    // The context has no value of its own: only ldfld consumes it, replacing it.
                    stack[sp++] = 0;
                    break;
                case CilOp.LdFieldInt32:
                    stack[sp - 1] = (int)context[ins.A];
                    break;
                case CilOp.LdFieldInt64:
                    stack[sp - 1] = context[ins.A];
                    break;
                case CilOp.LdFieldBool:
                    stack[sp - 1] = context[ins.A] != 0 ? 1 : 0;
                    break;
                case CilOp.LdArg:
                    stack[sp++] = arguments[ins.A];
                    break;
                case CilOp.LdLoc:
                    stack[sp++] = locals[ins.A];
                    break;
                case CilOp.StLoc:
                    locals[ins.A] = stack[--sp];
                    break;
                case CilOp.Const:
                    stack[sp++] = ins.B;
                    break;
                case CilOp.Dup:
                    stack[sp] = stack[sp - 1];
                    sp++;
                    break;
                case CilOp.Pop:
                    sp--;
                    break;
                case CilOp.Br:
                    pc = ins.A;
                    break;
                case CilOp.BrTrue:
                    if (stack[--sp] != 0)
                    {
                        pc = ins.A;
                    }

                    break;
                case CilOp.BrFalse:
                    if (stack[--sp] == 0)
                    {
                        pc = ins.A;
                    }

                    break;
                case CilOp.Switch:
                    // ECMA: an index outside 0..count-1 (compared unsigned) falls through.
                    uint index = (uint)(int)stack[--sp];
                    if (index < (ulong)ins.B)
                    {
                        pc = switchTargets[ins.A + (int)index];
                    }

                    break;
                case CilOp.Call:
                    CilExecStatus called = CilArithmetic.Call((CilHelperId)ins.A, stack, ref sp);
                    if (called != CilExecStatus.Ok)
                    {
                        return called;
                    }

                    break;
                case CilOp.Ret:
                    value = stack[sp - 1];
                    return CilExecStatus.Ok;
                default:
                    return CilExecStatus.StackFault;
            }
        }
    }
}

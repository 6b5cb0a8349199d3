namespace NexOS.Security.Cil;

/// <summary>The abstract effect of each allowed instruction, and its compiled form.</summary>
internal ref partial struct VerifierRun
{
    /// <summary>Applies instruction <paramref name="i"/> to the current stack, compiles it and passes the stack to its successors.</summary>
    private bool Step(int i)
    {
        CilInstruction ins = _instructions[i];
        ushort op = ins.Opcode;

        int arg = ArgumentIndex(in ins);
        if (arg == 0)
        {
            Emit(i, CilOp.LdContext);
            return Push(in ins, KindContext) && FallThrough(i);
        }

        if (arg > 0)
        {
            Emit(i, CilOp.LdArg, arg - 1);
            return Push(in ins, KindOf(_signature.ArgumentType(arg - 1))) && FallThrough(i);
        }

        int local = LocalIndex(in ins);
        if (local >= 0)
        {
            return StepLocal(i, in ins, local);
        }

        if (TryInt32Constant(in ins, out int constant))
        {
            Emit(i, CilOp.Const, 0, constant);
            return Push(in ins, KindInt32) && FallThrough(i);
        }

        int condition = ConditionIndex(op);
        if (condition >= 0)
        {
            if (!Need(in ins, 2) || !PopPair(in ins, out byte kind))
            {
                return false;
            }

            Emit(i, ConditionOp(condition, kind == KindInt64), _indexAt[(int)ins.Operand]);
            return Merge(in ins, ins.Operand) && FallThrough(i);
        }

        if (op >= 0x58 && op <= 0x61)
        {
            if (!Need(in ins, 2) || !PopPair(in ins, out byte kind))
            {
                return false;
            }

            Emit(i, ArithmeticOp(op, kind == KindInt64));
            return Push(in ins, kind) && FallThrough(i);
        }

        if (op >= 0xFE01 && op <= 0xFE05)
        {
            if (!Need(in ins, 2) || !PopPair(in ins, out byte kind))
            {
                return false;
            }

            Emit(i, CompareOp(op, kind == KindInt64));
            return Push(in ins, KindInt32) && FallThrough(i);
        }

        return StepOther(i, in ins);
    }

    private bool StepLocal(int i, in CilInstruction ins, int local)
    {
        byte declared = KindOf(_locals[local]);
        if (!IsStore(ins.Opcode))
        {
            Emit(i, CilOp.LdLoc, local);
            return Push(in ins, declared) && FallThrough(i);
        }

        if (!Need(in ins, 1))
        {
            return false;
        }

        byte kind = Pop();
        if (kind != declared)
        {
            return Fail(CilRule.TypeMismatch, ins.Offset, $"'{CilOpcodeNames.Of(ins.Opcode)}' stores {KindName(kind)} into local {local} of type {CilTypes.Name(_locals[local])}");
        }

        Emit(i, CilOp.StLoc, local);
        return FallThrough(i);
    }

    private bool StepOther(int i, in CilInstruction ins)
    {
        ushort op = ins.Opcode;
        byte kind;
        switch (op)
        {
            case 0x00:
                Emit(i, CilOp.Nop);
                return FallThrough(i);
            case 0x21:
                Emit(i, CilOp.Const, 0, ins.Operand);
                return Push(in ins, KindInt64) && FallThrough(i);
            case 0x25:
                if (!Need(in ins, 1))
                {
                    return false;
                }

                Emit(i, CilOp.Dup);
                return Push(in ins, _stack[_depth - 1]) && FallThrough(i);
            case 0x26:
                if (!Need(in ins, 1))
                {
                    return false;
                }

                Pop();
                Emit(i, CilOp.Pop);
                return FallThrough(i);
            case 0x28:
                return StepCall(i, in ins);
            case 0x2A:
                return StepReturn(i, in ins);
            case 0x2B:
            case 0x38:
                Emit(i, CilOp.Br, _indexAt[(int)ins.Operand]);
                return Merge(in ins, ins.Operand);
            case 0x2C:
            case 0x2D:
            case 0x39:
            case 0x3A:
                if (!Need(in ins, 1) || !PopNumber(in ins, out _))
                {
                    return false;
                }

                Emit(i, op == 0x2D || op == 0x3A ? CilOp.BrTrue : CilOp.BrFalse, _indexAt[(int)ins.Operand]);
                return Merge(in ins, ins.Operand) && FallThrough(i);
            case 0x45:
                return StepSwitch(i, in ins);
            case 0x62:
            case 0x63:
            case 0x64:
                if (!Need(in ins, 2) || !PopNumber(in ins, out byte amount) || !PopNumber(in ins, out kind))
                {
                    return false;
                }

                if (amount != KindInt32)
                {
                    return Fail(CilRule.TypeMismatch, ins.Offset, $"'{CilOpcodeNames.Of(op)}' needs an int32 shift amount, found {KindName(amount)}");
                }

                Emit(i, ShiftOp(op, kind == KindInt64));
                return Push(in ins, kind) && FallThrough(i);
            case 0x65:
            case 0x66:
                if (!Need(in ins, 1) || !PopNumber(in ins, out kind))
                {
                    return false;
                }

                Emit(i, op == 0x66 ? CilOp.Not : kind == KindInt64 ? CilOp.Neg64 : CilOp.Neg32);
                return Push(in ins, kind) && FallThrough(i);
            case 0x69:
            case 0x6A:
            case 0x6D:
            case 0x6E:
                return StepConvert(i, in ins);
            default:
                return StepLoadField(i, in ins);
        }
    }

    private bool StepConvert(int i, in CilInstruction ins)
    {
        if (!Need(in ins, 1) || !PopNumber(in ins, out byte kind))
        {
            return false;
        }

        // conv.i4 and conv.u4 both leave an int32 holding the low 32 bits; conv.i8 sign-extends
        // an int32 (already the slot's representation); conv.u8 zero-extends it.
        bool toWide = ins.Opcode == 0x6A || ins.Opcode == 0x6E;
        CilOp compiled = CilOp.Nop;
        if (!toWide && kind == KindInt64)
        {
            compiled = CilOp.ConvI4;
        }
        else if (ins.Opcode == 0x6E && kind == KindInt32)
        {
            compiled = CilOp.ConvU8From32;
        }

        Emit(i, compiled);
        return Push(in ins, toWide ? KindInt64 : KindInt32) && FallThrough(i);
    }

    private bool StepLoadField(int i, in CilInstruction ins)
    {
        // Only ldfld should reach here, since IsAllowed admits nothing else that the cases above
        // do not handle; the check keeps a future gap between the two lists from compiling into
        // a wrong instruction.
        if (ins.Opcode != 0x7B)
        {
            return Fail(CilRule.OpcodeNotAllowed, ins.Offset, $"opcode '{CilOpcodeNames.Of(ins.Opcode)}' is not allowed");
        }

        if (!Need(in ins, 1))
        {
            return false;
        }

        byte kind = Pop();
        if (kind != KindContext)
        {
            return Fail(CilRule.TypeMismatch, ins.Offset, $"'ldfld' needs the context (ldarg.0) on the stack, found {KindName(kind)}");
        }

        _tokens.TryResolve((uint)ins.Operand, out CilTokenTarget target);
        CilType type = _signature.FieldType(target.Index);
        CilOp op = type == CilType.Int64 ? CilOp.LdFieldInt64 : type == CilType.Bool ? CilOp.LdFieldBool : CilOp.LdFieldInt32;
        Emit(i, op, target.Index);
        return Push(in ins, KindOf(type)) && FallThrough(i);
    }
}

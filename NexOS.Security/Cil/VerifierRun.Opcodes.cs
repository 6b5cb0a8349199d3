namespace NexOS.Security.Cil;

/// <summary>Classification of opcodes in the decoder's 16-bit form.</summary>
internal ref partial struct VerifierRun
{
    /// <summary>Whether the opcode is in the allowed subset (docs/cil-patches.md lists it).</summary>
    private static bool IsAllowed(ushort op)
    {
        if (op >= 0xFE00)
        {
            // ceq, cgt, cgt.un, clt, clt.un, ldarg, ldloc, stloc.
            return (op >= 0xFE01 && op <= 0xFE05) || op == 0xFE09 || op == 0xFE0C || op == 0xFE0E;
        }

        // nop; ldarg.0-3, ldloc.0-3, stloc.0-3, ldarg.s; ldloc.s; stloc.s; ldc.i4.m1..ldc.i8; dup; pop;
        // call; ret; every branch and switch; add..not; conv.i4, conv.i8, conv.u4, conv.u8; ldfld.
        return op == 0x00 || (op >= 0x02 && op <= 0x0E) || op == 0x11 || op == 0x13
            || (op >= 0x15 && op <= 0x21) || op == 0x25 || op == 0x26 || op == 0x28 || op == 0x2A
            || (op >= 0x2B && op <= 0x45) || (op >= 0x58 && op <= 0x66)
            || op == 0x69 || op == 0x6A || op == 0x6D || op == 0x6E || op == 0x7B;
    }

    /// <summary>The argument an ldarg form reads, or -1 for any other opcode.</summary>
    private static int ArgumentIndex(in CilInstruction ins)
    {
        ushort op = ins.Opcode;
        if (op >= 0x02 && op <= 0x05)
        {
            return op - 0x02;
        }

        return op == 0x0E || op == 0xFE09 ? (int)ins.Operand : -1;
    }

    /// <summary>The local an ldloc or stloc form uses, or -1 for any other opcode.</summary>
    private static int LocalIndex(in CilInstruction ins)
    {
        ushort op = ins.Opcode;
        if (op >= 0x06 && op <= 0x09)
        {
            return op - 0x06;
        }

        if (op >= 0x0A && op <= 0x0D)
        {
            return op - 0x0A;
        }

        return op == 0x11 || op == 0x13 || op == 0xFE0C || op == 0xFE0E ? (int)ins.Operand : -1;
    }

    /// <summary>Whether the opcode is an stloc form (otherwise a local index means ldloc).</summary>
    private static bool IsStore(ushort op) => (op >= 0x0A && op <= 0x0D) || op == 0x13 || op == 0xFE0E;

    /// <summary>The constant an ldc.i4 form pushes, when the opcode is one.</summary>
    private static bool TryInt32Constant(in CilInstruction ins, out int value)
    {
        ushort op = ins.Opcode;
        if (op >= 0x15 && op <= 0x1E)
        {
            value = op - 0x16;
            return true;
        }

        value = (int)ins.Operand;
        return op == 0x1F || op == 0x20;
    }

    /// <summary>
    /// For a two-operand conditional branch (beq..blt.un, short or long), the comparison
    /// as an index 0..9: beq, bge, bgt, ble, blt, bne.un, bge.un, bgt.un, ble.un, blt.un.
    /// </summary>
    private static int ConditionIndex(ushort op)
    {
        if (op >= 0x2E && op <= 0x37)
        {
            return op - 0x2E;
        }

        return op >= 0x3B && op <= 0x44 ? op - 0x3B : -1;
    }

    /// <summary>The compiled operation for a condition index and operand width.</summary>
    private static CilOp ConditionOp(int condition, bool wide)
    {
        switch (condition)
        {
            case 0: return CilOp.Beq;
            case 1: return CilOp.Bge;
            case 2: return CilOp.Bgt;
            case 3: return CilOp.Ble;
            case 4: return CilOp.Blt;
            case 5: return CilOp.Bne;
            case 6: return wide ? CilOp.BgeUn64 : CilOp.BgeUn32;
            case 7: return wide ? CilOp.BgtUn64 : CilOp.BgtUn32;
            case 8: return wide ? CilOp.BleUn64 : CilOp.BleUn32;
            default: return wide ? CilOp.BltUn64 : CilOp.BltUn32;
        }
    }

    /// <summary>The compiled operation for add..xor (0x58..0x61) and the operand width.</summary>
    private static CilOp ArithmeticOp(ushort op, bool wide)
    {
        switch (op)
        {
            case 0x58: return wide ? CilOp.Add64 : CilOp.Add32;
            case 0x59: return wide ? CilOp.Sub64 : CilOp.Sub32;
            case 0x5A: return wide ? CilOp.Mul64 : CilOp.Mul32;
            case 0x5B: return wide ? CilOp.Div64 : CilOp.Div32;
            case 0x5C: return wide ? CilOp.DivUn64 : CilOp.DivUn32;
            case 0x5D: return wide ? CilOp.Rem64 : CilOp.Rem32;
            case 0x5E: return wide ? CilOp.RemUn64 : CilOp.RemUn32;
            case 0x5F: return CilOp.And;
            case 0x60: return CilOp.Or;
            default: return CilOp.Xor;
        }
    }

    /// <summary>The compiled operation for shl, shr, shr.un (0x62..0x64) and the value's width.</summary>
    private static CilOp ShiftOp(ushort op, bool wide)
    {
        switch (op)
        {
            case 0x62: return wide ? CilOp.Shl64 : CilOp.Shl32;
            case 0x63: return wide ? CilOp.Shr64 : CilOp.Shr32;
            default: return wide ? CilOp.ShrUn64 : CilOp.ShrUn32;
        }
    }

    /// <summary>The compiled operation for ceq, cgt, cgt.un, clt, clt.un (0xFE01..0xFE05).</summary>
    private static CilOp CompareOp(ushort op, bool wide)
    {
        switch (op)
        {
            case 0xFE01: return CilOp.Ceq;
            case 0xFE02: return CilOp.Cgt;
            case 0xFE03: return wide ? CilOp.CgtUn64 : CilOp.CgtUn32;
            case 0xFE04: return CilOp.Clt;
            default: return wide ? CilOp.CltUn64 : CilOp.CltUn32;
        }
    }
}

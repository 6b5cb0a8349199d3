namespace NexOS.Security.Cil;

/// <summary>
/// Pass 3: abstract interpretation of the evaluation stack. A stack slot's abstract value is
/// its kind: int32 (bool included), int64, or the context reference that ldarg.0 pushes.
/// </summary>
internal ref partial struct VerifierRun
{
    private const byte KindInt32 = 1;
    private const byte KindInt64 = 2;
    private const byte KindContext = 3;

    /// <summary>
    /// Runs the worklist from instruction 0 with an empty stack until every instruction
    /// reachable from the entry is checked, and records which those are. Then, as ECMA-335
    /// III.1.7.5 asks, each instruction still unchecked (code no path reaches) is checked from
    /// an empty stack, in order, so that no byte of the body escapes verification; it must join
    /// the reachable code with the stacks found there.
    /// </summary>
    public bool Interpret()
    {
        // Entry stacks live in one flat array, maxStack kinds per instruction, so verification
        // makes a fixed number of allocations whatever the body does: the kernel heap has no
        // collector yet, and a verifier that allocated per join point would leak per patch.
        int count = _instructions.Count;
        _entryDepth = new int[count];
        _entryKinds = new byte[count * _maxStack];
        _reachable = new bool[count];
        Array.Fill(_entryDepth, -1);
        if (!Drain(0))
        {
            return false;
        }

        for (int i = 0; i < count; i++)
        {
            _reachable[i] = _entryDepth[i] >= 0;
        }

        for (int i = 0; i < count; i++)
        {
            if (_entryDepth[i] < 0 && !Drain(i))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Checks instruction <paramref name="start"/> from an empty stack and everything it leads to that is not yet checked.</summary>
    private bool Drain(int start)
    {
        _entryDepth[start] = 0;
        _work.Push(start);
        while (_work.Count > 0)
        {
            int index = _work.Pop();
            _depth = _entryDepth[index];
            _entryKinds.AsSpan(index * _maxStack, _depth).CopyTo(_stack);
            if (!Step(index))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Records the current stack as the entry stack of the instruction at <paramref name="target"/>, or checks it against the one recorded.</summary>
    private bool Merge(in CilInstruction from, long target)
    {
        int index = _indexAt[(int)target];
        Span<byte> known = _entryKinds.AsSpan(index * _maxStack, _maxStack);
        ReadOnlySpan<byte> now = _stack.AsSpan(0, _depth);
        if (_entryDepth[index] < 0)
        {
            _entryDepth[index] = _depth;
            now.CopyTo(known);
            _work.Push(index);
            return true;
        }

        if (now.SequenceEqual(known[.._entryDepth[index]]))
        {
            return true;
        }

        string before = Describe(known[.._entryDepth[index]]);
        return Fail(CilRule.StackMismatch, (int)target, $"stack at join point differs: {before} before, {Describe(now)} from IL_{from.Offset:X4}");
    }

    /// <summary>Continues to the next instruction; running past the last one is an error.</summary>
    private bool FallThrough(int index)
    {
        CilInstruction ins = _instructions[index];
        if (index + 1 >= _instructions.Count)
        {
            return Fail(CilRule.FallThrough, ins.Offset, $"control falls off the end of the body after '{CilOpcodeNames.Of(ins.Opcode)}'");
        }

        return Merge(in ins, ins.Next);
    }

    private bool Need(in CilInstruction ins, int count)
    {
        if (_depth >= count)
        {
            return true;
        }

        return Fail(CilRule.StackUnderflow, ins.Offset, $"'{CilOpcodeNames.Of(ins.Opcode)}' needs {count} value(s) but the stack holds {_depth}");
    }

    private bool Push(in CilInstruction ins, byte kind)
    {
        if (_depth >= _stack.Length)
        {
            return Fail(CilRule.StackOverflow, ins.Offset, $"'{CilOpcodeNames.Of(ins.Opcode)}' grows the stack beyond maxStack {_maxStack}");
        }

        _stack[_depth++] = kind;
        if (_depth > _deepest)
        {
            _deepest = _depth;
        }

        return true;
    }

    private byte Pop() => _stack[--_depth];

    /// <summary>Pops one int32 or int64 (the caller has checked the depth).</summary>
    private bool PopNumber(in CilInstruction ins, out byte kind)
    {
        kind = Pop();
        if (kind == KindContext)
        {
            return Fail(CilRule.TypeMismatch, ins.Offset, $"'{CilOpcodeNames.Of(ins.Opcode)}' needs a number, found the context");
        }

        return true;
    }

    /// <summary>Pops two numbers of the same width, as ECMA binary numeric operations require.</summary>
    private bool PopPair(in CilInstruction ins, out byte kind)
    {
        if (!PopNumber(in ins, out byte right) || !PopNumber(in ins, out byte left))
        {
            kind = 0;
            return false;
        }

        kind = left;
        if (left != right)
        {
            return Fail(CilRule.TypeMismatch, ins.Offset, $"'{CilOpcodeNames.Of(ins.Opcode)}' mixes {KindName(left)} and {KindName(right)}");
        }

        return true;
    }

    private void Emit(int index, CilOp op, int a = 0, long b = 0) => _code[index] = new CompiledInstruction(op, a, b);

    private static byte KindOf(CilType type) => type == CilType.Int64 ? KindInt64 : KindInt32;

    private static string KindName(byte kind) => kind == KindInt64 ? "int64" : kind == KindInt32 ? "int32" : "context";

    private static string Describe(ReadOnlySpan<byte> stack)
    {
        var text = new System.Text.StringBuilder("[");
        for (int i = 0; i < stack.Length; i++)
        {
            text.Append(i == 0 ? string.Empty : ", ").Append(KindName(stack[i]));
        }

        return text.Append(']').ToString();
    }
}

namespace NexOS.Security.Cil;

/// <summary>
/// Pass 4: the control-flow graph of the instructions reachable from the entry. A body is
/// refused up front when it could never answer: an instruction from which no path leads to
/// <c>ret</c> (a loop without an exit), <c>ret</c> farther from the entry than the fuel of one
/// call, or a path without loops (from the entry to <c>ret</c> or to the first backward
/// branch) longer than that fuel, since every input that takes it runs out. The pass does not
/// reason about values, so a path counts even when no input takes it. With
/// <see cref="CilLimits.RequireAssignedLocals"/> it also checks that every local is written on
/// every path before it is read. Fuel counts one per instruction executed, ret included, as
/// <see cref="CilInterpreter"/> charges it.
/// </summary>
internal ref partial struct VerifierRun
{
    /// <summary>Runs the path checks over the instructions <see cref="Interpret"/> reached from
    /// the entry. Two arrays serve every step (predecessor lists, then a stack, a queue and the
    /// per-instruction counts in one scratch array), because the engine verifies programs by the
    /// dozen in its searches.</summary>
    public bool CheckPaths()
    {
        int count = _instructions.Count;
        var scratch = new int[(3 * count) + 1];
        Span<int> first = scratch.AsSpan(0, count + 1);
        Span<int> work = scratch.AsSpan(count + 1, count);
        Span<int> mark = scratch.AsSpan((2 * count) + 1, count);
        int[] predecessors = Predecessors(count, first, work);
        if (!CheckReturns(count, first, predecessors, work, mark))
        {
            return false;
        }

        mark.Clear();
        long shortest = ShortestToReturn(work, mark);
        if (shortest > _limits.MaxFuel)
        {
            return Fail(CilRule.Fuel, 0, $"'ret' is reached after {shortest} instructions at the least; a call has fuel for {_limits.MaxFuel}");
        }

        // Forward edges go to higher indexes, so one sweep from the end finds each instruction's
        // longest loop-free continuation.
        Span<int> longest = mark;
        longest.Clear();
        for (int i = count - 1; i >= 0; i--)
        {
            if (!_reachable[i])
            {
                continue;
            }

            int best = 0;
            for (int k = SuccessorCount(i) - 1; k >= 0; k--)
            {
                int next = Successor(i, k);
                if (next > i)
                {
                    best = Math.Max(best, longest[next]);
                }
            }

            longest[i] = best + 1;
        }

        if (longest[0] > _limits.MaxFuel)
        {
            return Fail(CilRule.Fuel, 0, $"a path without loops runs {longest[0]} instructions before 'ret' or its first loop; a call has fuel for {_limits.MaxFuel}");
        }

        return !_limits.RequireAssignedLocals || CheckAssignedLocals(count);
    }

    /// <summary>The predecessors of every reachable instruction, as one array: those of s are
    /// at [first[s], first[s + 1]). <paramref name="cursor"/> is scratch.</summary>
    private int[] Predecessors(int count, Span<int> first, Span<int> cursor)
    {
        for (int i = 0; i < count; i++)
        {
            for (int k = _reachable[i] ? SuccessorCount(i) - 1 : -1; k >= 0; k--)
            {
                first[Successor(i, k) + 1]++;
            }
        }

        for (int i = 0; i < count; i++)
        {
            first[i + 1] += first[i];
        }

        var predecessors = new int[first[count]];
        first[..count].CopyTo(cursor);
        for (int i = 0; i < count; i++)
        {
            for (int k = _reachable[i] ? SuccessorCount(i) - 1 : -1; k >= 0; k--)
            {
                int next = Successor(i, k);
                predecessors[cursor[next]++] = i;
            }
        }

        return predecessors;
    }

    /// <summary>Every reachable instruction has a path to ret: marked backwards from each ret
    /// over the predecessor lists, so the pass is linear in the edges. Each instruction is
    /// pushed at most once, so <paramref name="stack"/> of one slot per instruction suffices.</summary>
    private bool CheckReturns(int count, Span<int> first, int[] predecessors, Span<int> stack, Span<int> canReturn)
    {
        int top = 0;
        for (int i = 0; i < count; i++)
        {
            if (_reachable[i] && _instructions[i].Opcode == 0x2A)
            {
                canReturn[i] = 1;
                stack[top++] = i;
            }
        }

        while (top > 0)
        {
            int s = stack[--top];
            for (int p = first[s]; p < first[s + 1]; p++)
            {
                int before = predecessors[p];
                if (canReturn[before] == 0)
                {
                    canReturn[before] = 1;
                    stack[top++] = before;
                }
            }
        }

        for (int i = 0; i < count; i++)
        {
            if (_reachable[i] && canReturn[i] == 0)
            {
                return Fail(CilRule.NoReturn, _instructions[i].Offset, "no path from here reaches 'ret' (a loop without an exit)");
            }
        }

        return true;
    }

    /// <summary>The fewest instructions a call runs to reach ret, ret included (breadth-first;
    /// every edge costs one instruction). <see cref="CheckReturns"/> has shown one exists.
    /// <paramref name="queue"/> and <paramref name="distance"/> hold a slot per instruction;
    /// distance starts all zero (not reached).</summary>
    private long ShortestToReturn(Span<int> queue, Span<int> distance)
    {
        int head = 0, tail = 0;
        distance[0] = 1;
        queue[tail++] = 0;
        while (head < tail)
        {
            int i = queue[head++];
            if (_instructions[i].Opcode == 0x2A)
            {
                return distance[i];
            }

            for (int k = 0; k < SuccessorCount(i); k++)
            {
                int next = Successor(i, k);
                if (distance[next] == 0)
                {
                    distance[next] = distance[i] + 1;
                    queue[tail++] = next;
                }
            }
        }

        return long.MaxValue;
    }

    /// <summary>Definite assignment: a bit per local, set once stored; where paths join, the
    /// bits known on every incoming path. A load of a local whose bit may be clear fails.</summary>
    private bool CheckAssignedLocals(int count)
    {
        var assigned = new ulong[count];
        var seen = new bool[count];
        var work = new Stack<int>();
        seen[0] = true;
        work.Push(0);
        while (work.Count > 0)
        {
            int i = work.Pop();
            CilInstruction ins = _instructions[i];
            ulong bits = assigned[i];
            int local = LocalIndex(in ins);
            if (local >= 0 && IsStore(ins.Opcode))
            {
                bits |= 1UL << local;
            }
            else if (local >= 0 && (bits & (1UL << local)) == 0)
            {
                return Fail(CilRule.UnassignedLocal, ins.Offset, $"'{CilOpcodeNames.Of(ins.Opcode)}' reads local {local} before any store on some path, and the body's locals are not zeroed (no localsinit)");
            }

            for (int k = SuccessorCount(i) - 1; k >= 0; k--)
            {
                int s = Successor(i, k);
                ulong joined = seen[s] ? assigned[s] & bits : bits;
                if (!seen[s] || joined != assigned[s])
                {
                    seen[s] = true;
                    assigned[s] = joined;
                    work.Push(s);
                }
            }
        }

        return true;
    }

    /// <summary>How many successors instruction <paramref name="i"/> has: none after ret, the
    /// target of an unconditional branch, a switch's targets and the next instruction, a
    /// conditional branch's target and the next, otherwise the next.</summary>
    private int SuccessorCount(int i)
    {
        CilInstruction ins = _instructions[i];
        return ins.Opcode switch
        {
            0x2A => 0,
            0x2B or 0x38 => 1,
            0x45 => (int)ins.Operand + 1,
            _ => ins.Kind is CilOperandKind.ShortBranch or CilOperandKind.LongBranch ? 2 : 1,
        };
    }

    /// <summary>The index of successor <paramref name="k"/> of instruction <paramref name="i"/>
    /// (the targets come first, the next instruction last).</summary>
    private int Successor(int i, int k)
    {
        CilInstruction ins = _instructions[i];
        if (ins.Opcode == 0x45)
        {
            return k < (int)ins.Operand ? _indexAt[(int)CilDecoder.SwitchTarget(_body, in ins, k)] : i + 1;
        }

        bool branch = ins.Kind is CilOperandKind.ShortBranch or CilOperandKind.LongBranch;
        return branch && k == 0 ? _indexAt[(int)ins.Operand] : i + 1;
    }
}

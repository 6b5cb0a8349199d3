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
    /// <summary>Runs the path checks over the instructions <see cref="Interpret"/> reached from the entry.</summary>
    public bool CheckPaths()
    {
        int count = _instructions.Count;
        if (!CheckReturns(count))
        {
            return false;
        }

        long shortest = ShortestToReturn(count);
        if (shortest > _limits.MaxFuel)
        {
            return Fail(CilRule.Fuel, 0, $"'ret' is reached after {shortest} instructions at the least; a call has fuel for {_limits.MaxFuel}");
        }

        // Forward edges go to higher indexes, so one sweep from the end finds each instruction's
        // longest loop-free continuation.
        var longest = new long[count];
        for (int i = count - 1; i >= 0; i--)
        {
            if (!_reachable[i])
            {
                continue;
            }

            long best = 0;
            for (int k = SuccessorCount(i) - 1; k >= 0; k--)
            {
                int s = Successor(i, k);
                if (s > i)
                {
                    best = Math.Max(best, longest[s]);
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

    /// <summary>Every reachable instruction has a path to ret: marked backwards from each ret
    /// over predecessor lists (built once, so the pass is linear in the edges).</summary>
    private bool CheckReturns(int count)
    {
        var firstPredecessor = new int[count + 1];
        for (int i = 0; i < count; i++)
        {
            for (int k = _reachable[i] ? SuccessorCount(i) - 1 : -1; k >= 0; k--)
            {
                firstPredecessor[Successor(i, k) + 1]++;
            }
        }

        for (int i = 0; i < count; i++)
        {
            firstPredecessor[i + 1] += firstPredecessor[i];
        }

        var predecessors = new int[firstPredecessor[count]];
        var filled = new int[count];
        var canReturn = new bool[count];
        var pending = new Stack<int>();
        for (int i = 0; i < count; i++)
        {
            for (int k = _reachable[i] ? SuccessorCount(i) - 1 : -1; k >= 0; k--)
            {
                int s = Successor(i, k);
                predecessors[firstPredecessor[s] + filled[s]++] = i;
            }

            if (_reachable[i] && _instructions[i].Opcode == 0x2A)
            {
                canReturn[i] = true;
                pending.Push(i);
            }
        }

        while (pending.Count > 0)
        {
            int s = pending.Pop();
            for (int p = firstPredecessor[s]; p < firstPredecessor[s + 1]; p++)
            {
                if (!canReturn[predecessors[p]])
                {
                    canReturn[predecessors[p]] = true;
                    pending.Push(predecessors[p]);
                }
            }
        }

        for (int i = 0; i < count; i++)
        {
            if (_reachable[i] && !canReturn[i])
            {
                return Fail(CilRule.NoReturn, _instructions[i].Offset, "no path from here reaches 'ret' (a loop without an exit)");
            }
        }

        return true;
    }

    /// <summary>The fewest instructions a call runs to reach ret, ret included (breadth-first;
    /// every edge costs one instruction). <see cref="CheckReturns"/> has shown one exists.</summary>
    private long ShortestToReturn(int count)
    {
        var distance = new long[count];
        var queue = new Queue<int>();
        distance[0] = 1;
        queue.Enqueue(0);
        while (queue.Count > 0)
        {
            int i = queue.Dequeue();
            if (_instructions[i].Opcode == 0x2A)
            {
                return distance[i];
            }

            for (int k = 0; k < SuccessorCount(i); k++)
            {
                int s = Successor(i, k);
                if (distance[s] == 0)
                {
                    distance[s] = distance[i] + 1;
                    queue.Enqueue(s);
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

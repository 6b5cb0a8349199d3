namespace NexOS.Security.Cil;

/// <summary>
/// The state of one verification: the decoded instructions, the map from IL offset to
/// instruction index, each instruction's entry stack and the code being compiled. A ref
/// struct because it holds the body span; it lives for one <see cref="CilVerifier.Verify"/>.
/// </summary>
internal ref partial struct VerifierRun
{
    private readonly ReadOnlySpan<byte> _body;
    private readonly HookSignature _signature;
    private readonly CilTokenTable _tokens;
    private readonly CilLimits _limits;
    private readonly CilType[] _locals;
    private readonly int _maxStack;
    private readonly List<CilInstruction> _instructions;
    private readonly int[] _indexAt;
    private CompiledInstruction[] _code;
    private readonly List<int> _switchTargets;
    private readonly byte[] _stack;
    private readonly Stack<int> _work;
    private int[] _entryDepth;
    private byte[] _entryKinds;
    private bool[] _reachable;
    private int _depth;
    private int _deepest;

    public VerifierRun(ReadOnlySpan<byte> body, HookSignature signature, CilTokenTable tokens, CilLimits limits, CilType[] locals, int maxStack)
    {
        _body = body;
        _signature = signature;
        _tokens = tokens;
        _limits = limits;
        _locals = locals;
        _maxStack = maxStack;
        _instructions = new List<CilInstruction>();
        _indexAt = new int[body.Length];
        _code = Array.Empty<CompiledInstruction>();
        _switchTargets = new List<int>();
        _stack = new byte[maxStack];
        _work = new Stack<int>();
        _entryDepth = Array.Empty<int>();
        _entryKinds = Array.Empty<byte>();
        _reachable = Array.Empty<bool>();
        _depth = 0;
        _deepest = 0;
        Failure = null;
    }

    /// <summary>The first rule broken, once a pass has returned false.</summary>
    public VerificationResult? Failure { get; private set; }

    /// <summary>Pass 2a: decodes every instruction and checks the subset and static operands.</summary>
    public bool DecodeAll()
    {
        Array.Fill(_indexAt, -1);
        int offset = 0;
        while (offset < _body.Length)
        {
            CilDecodeStatus status = CilDecoder.TryDecode(_body, offset, out CilInstruction ins);
            if (status == CilDecodeStatus.UnknownOpcode)
            {
                return Fail(CilRule.UnknownOpcode, offset, UnknownOpcodeMessage(offset));
            }

            if (status != CilDecodeStatus.Ok)
            {
                return Fail(CilRule.Truncated, offset, $"'{CilOpcodeNames.Of(RawOpcode(offset))}' runs past the end of the body");
            }

            if (!CheckStatic(in ins))
            {
                return false;
            }

            _indexAt[offset] = _instructions.Count;
            _instructions.Add(ins);
            offset = ins.Next;
        }

        _code = new CompiledInstruction[_instructions.Count];
        return true;
    }

    /// <summary>Pass 2b: every branch and switch target is an instruction boundary, and backward only when loops are allowed.</summary>
    public bool CheckBranches()
    {
        foreach (CilInstruction ins in _instructions)
        {
            if (ins.Kind == CilOperandKind.ShortBranch || ins.Kind == CilOperandKind.LongBranch)
            {
                if (!CheckTarget(in ins, ins.Operand))
                {
                    return false;
                }
            }
            else if (ins.Kind == CilOperandKind.Switch)
            {
                for (int k = 0; k < (int)ins.Operand; k++)
                {
                    if (!CheckTarget(in ins, CilDecoder.SwitchTarget(_body, in ins, k)))
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    /// <summary>Builds the hook from the compiled instructions.</summary>
    public CompiledHook Compile()
    {
        var offsets = new int[_instructions.Count];
        for (int i = 0; i < offsets.Length; i++)
        {
            offsets[i] = _instructions[i].Offset;
        }

        return new CompiledHook(_signature, _code, _switchTargets.ToArray(), _locals, _deepest, offsets);
    }

    private bool CheckTarget(in CilInstruction ins, long target)
    {
        if (target < 0 || target >= _body.Length)
        {
            return Fail(CilRule.BranchTarget, ins.Offset, $"branch target {Hex(target)} is outside the body (0x0000..{Hex(_body.Length - 1)})");
        }

        if (_indexAt[(int)target] < 0)
        {
            return Fail(CilRule.BranchTarget, ins.Offset, $"branch target {Hex(target)} is not an instruction boundary");
        }

        if (target <= ins.Offset && !_limits.AllowLoops)
        {
            return Fail(CilRule.BackwardBranch, ins.Offset, $"backward branch to {Hex(target)} while loops are not allowed");
        }

        return true;
    }

    private bool CheckStatic(in CilInstruction ins)
    {
        string name = CilOpcodeNames.Of(ins.Opcode);
        if (!IsAllowed(ins.Opcode))
        {
            return Fail(CilRule.OpcodeNotAllowed, ins.Offset, $"opcode '{name}' is not allowed");
        }

        int arg = ArgumentIndex(in ins);
        if (arg >= _signature.TotalArgumentCount)
        {
            return Fail(CilRule.ArgumentIndex, ins.Offset, $"'{name}' reads argument {arg}; hook {_signature.Name} has arguments 0..{_signature.TotalArgumentCount - 1}");
        }

        int local = LocalIndex(in ins);
        if (local >= _locals.Length)
        {
            return Fail(CilRule.LocalIndex, ins.Offset, $"'{name}' uses local {local}; the body declares {_locals.Length}");
        }

        if (ins.Opcode == 0x45 && ins.Operand > _limits.MaxSwitchTargets)
        {
            return Fail(CilRule.SwitchSize, ins.Offset, $"switch has {ins.Operand} targets; at most {_limits.MaxSwitchTargets} are allowed");
        }

        if (ins.Opcode == 0x7B || ins.Opcode == 0x28)
        {
            CilTokenKind wanted = ins.Opcode == 0x7B ? CilTokenKind.ContextField : CilTokenKind.Helper;
            if (!_tokens.TryResolve((uint)ins.Operand, out CilTokenTarget target) || target.Kind != wanted)
            {
                string what = wanted == CilTokenKind.ContextField ? "a context field" : "a whitelisted helper";
                return Fail(CilRule.Token, ins.Offset, $"'{name}' token 0x{(uint)ins.Operand:X8} does not resolve to {what}");
            }
        }

        return true;
    }

    private ushort RawOpcode(int offset)
    {
        return _body[offset] == 0xFE && offset + 1 < _body.Length ? (ushort)(0xFE00 | _body[offset + 1]) : _body[offset];
    }

    private string UnknownOpcodeMessage(int offset)
    {
        return _body[offset] == 0xFE && offset + 1 < _body.Length
            ? $"0xFE 0x{_body[offset + 1]:X2} is not an opcode"
            : $"0x{_body[offset]:X2} is not an opcode";
    }

    private bool Fail(CilRule rule, int offset, string message)
    {
        Failure = VerificationResult.Fail(rule, offset, message);
        return false;
    }

    private static string Hex(long value) => value < 0 ? "-0x" + (-value).ToString("X4") : "0x" + value.ToString("X4");
}

namespace NexOS.Security.Cil;

/// <summary>The abstract effect of call, ret and switch, and their compiled form.</summary>
internal ref partial struct VerifierRun
{
    private bool StepCall(int i, in CilInstruction ins)
    {
        _tokens.TryResolve((uint)ins.Operand, out CilTokenTarget target);
        CilHelper helper = CilHelper.Get((CilHelperId)target.Index)!;
        if (!Need(in ins, helper.ParameterCount))
        {
            return false;
        }

        byte wanted = KindOf(helper.Type);
        for (int k = 0; k < helper.ParameterCount; k++)
        {
            byte kind = Pop();
            if (kind != wanted)
            {
                return Fail(CilRule.TypeMismatch, ins.Offset, $"'call {helper.Name}' needs {KindName(wanted)} arguments, found {KindName(kind)}");
            }
        }

        Emit(i, CilOp.Call, target.Index);
        return Push(in ins, wanted) && FallThrough(i);
    }

    private bool StepReturn(int i, in CilInstruction ins)
    {
        byte wanted = KindOf(_signature.ReturnType);
        if (_depth != 1 || _stack[0] != wanted)
        {
            string found = Describe(_stack.AsSpan(0, _depth));
            return Fail(CilRule.Return, ins.Offset, $"'ret' needs exactly one {CilTypes.Name(_signature.ReturnType)} on the stack, found {found}");
        }

        Emit(i, CilOp.Ret);
        return true;
    }

    private bool StepSwitch(int i, in CilInstruction ins)
    {
        if (!Need(in ins, 1))
        {
            return false;
        }

        byte kind = Pop();
        if (kind != KindInt32)
        {
            return Fail(CilRule.TypeMismatch, ins.Offset, $"'switch' needs an int32, found {KindName(kind)}");
        }

        int count = (int)ins.Operand;
        Emit(i, CilOp.Switch, _switchTargets.Count, count);
        for (int k = 0; k < count; k++)
        {
            long target = CilDecoder.SwitchTarget(_body, in ins, k);
            _switchTargets.Add(_indexAt[(int)target]);
            if (!Merge(in ins, target))
            {
                return false;
            }
        }

        return FallThrough(i);
    }
}

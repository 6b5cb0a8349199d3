using System.Runtime;

namespace NexOS.Runtime.Exceptions;

/// <summary>
/// RhpSfiInit and RhpSfiNext: the stack walk under the class library's two-pass exception
/// dispatcher. Frames are unwound with the DWARF CFI ilc emits; the assembly helpers that
/// call funclets are stepped over by their fixed frame layouts (exceptions.asm), and a walk
/// that leaves a funclet called by the dispatcher continues in the funclet's parent frame
/// ("collides" with the exception that invoked it), as the native runtime does.
/// </summary>
internal static unsafe class StackWalker
{
    [RuntimeExport("RhpSfiInit")]
    private static bool Init(NativeStackFrameIterator* it, LimitedContext* context, bool instructionFault, bool* intercepted)
    {
        if (intercepted != null)
        {
            *intercepted = false;
        }

        NativeMemoryClear(it);
        if (context == null || !ImageLayout.IsManagedCode(context->Ip))
        {
            // FIXME: walks without a context (Environment.StackTrace) are not supported yet.
            return false;
        }

        it->NextExInfo = FirstExInfoAtOrAbove(context->Rsp);
        it->Regs.Sp = context->Rsp;
        it->Regs.Ip = context->Ip;
        it->Regs.PRbp = &context->Rbp;
        it->Regs.PRbx = &context->Rbx;
        it->Regs.PR12 = &context->R12;
        it->Regs.PR13 = &context->R13;
        it->Regs.PR14 = &context->R14;
        it->Regs.PR15 = &context->R15;
        it->Regs.PRax = &context->Rax;
        it->Regs.PRdx = &context->Rdx;
        it->OriginalControlPc = context->Ip;
        it->ControlPc = instructionFault ? context->Ip : context->Ip - 1;
        return ComputeMethodState(it);
    }

    [RuntimeExport("RhpSfiNext")]
    private static bool Next(NativeStackFrameIterator* it, uint* collideClause, bool* unwoundReversePInvoke, bool* intercepted)
    {
        ExInfo* current = it->NextExInfo;
        it->Flags &= ~(NativeStackFrameIterator.ExCollide | NativeStackFrameIterator.UnwoundReversePInvoke);
        bool valid = Unwind(it);
        bool collided = (it->Flags & NativeStackFrameIterator.ExCollide) != 0;
        if (collideClause != null)
        {
            if (collided && current != null)
            {
                *collideClause = current->CurrentClause;
                current->Kind |= ExInfo.SupersededFlag;
            }
            else
            {
                *collideClause = 0xFFFF_FFFF;
            }
        }

        if (unwoundReversePInvoke != null)
        {
            *unwoundReversePInvoke = (it->Flags & NativeStackFrameIterator.UnwoundReversePInvoke) != 0;
        }

        if (intercepted != null)
        {
            *intercepted = false;
        }

        return valid;
    }

    /// <summary>Steps from the current frame to its caller. Returns false at the end of the
    /// managed stack (the caller is assembly, or unwind data is missing).</summary>
    private static bool Unwind(NativeStackFrameIterator* it)
    {
        if (!it->IsValid)
        {
            return false;
        }

        bool wasFunclet = it->Method.IsFunclet;
        if ((it->Method.MainFlags & MethodInfo.ReversePInvoke) != 0 && !wasFunclet)
        {
            it->Flags |= NativeStackFrameIterator.UnwoundReversePInvoke;
        }

        if (!Cfi.TryFindFde(it->ControlPc, out Cfi.Fde fde)
            || !Cfi.TryComputeRow(in fde, it->ControlPc, out Cfi.Row row)
            || !Cfi.Apply(in row, ref it->Regs))
        {
            return Invalidate(it);
        }

        ulong ip = it->Regs.Ip;
        if (wasFunclet)
        {
            int slots = ExceptionStubs.HelperFrameSlots(ip);
            if (slots > 0)
            {
                var funclet = FuncletRegisters.Capture(in it->Regs);
                StepOverHelperFrame(it, slots);
                if (ip != ExceptionStubs.CallFilterFunclet2)
                {
                    return Collide(it, funclet);
                }

                ip = it->Regs.Ip;
            }
        }

        if (ExceptionStubs.IsThrowSite(ip))
        {
            // The dispatcher itself threw: the native runtime fails fast here, and so do we by
            // ending the walk, which makes the exception unhandled.
            return Invalidate(it);
        }

        it->OriginalControlPc = ip;
        it->ControlPc = ip - 1;
        if (!ImageLayout.IsManagedCode(ip))
        {
            return Invalidate(it);
        }

        it->NextExInfo = FirstExInfoAtOrAbove(it->Regs.Sp);
        return ComputeMethodState(it);
    }

    /// <summary>Pops a funclet-calling helper's frame: its locals, then RBP, RBX, R12-R15 and
    /// the return address (exceptions.asm pushes them in the reverse order).</summary>
    private static void StepOverHelperFrame(NativeStackFrameIterator* it, int localSlots)
    {
        ulong* sp = (ulong*)(it->Regs.Sp + ((ulong)localSlots * 8));
        it->Regs.PRbp = sp;
        it->Regs.PRbx = sp + 1;
        it->Regs.PR12 = sp + 2;
        it->Regs.PR13 = sp + 3;
        it->Regs.PR14 = sp + 4;
        it->Regs.PR15 = sp + 5;
        it->Regs.Ip = sp[6];
        it->Regs.Sp = (ulong)(sp + 7);
    }

    /// <summary>Leaving a funclet the dispatcher called: continue from the frame that owns the
    /// funclet, which the invoking exception's own iterator is positioned at.</summary>
    private static bool Collide(NativeStackFrameIterator* it, FuncletRegisters funclet)
    {
        ExInfo* invoker = it->NextExInfo;
        if (invoker == null || invoker->PassNumber != 2 || invoker->CurrentClause == 0xFFFF_FFFF)
        {
            Panic.Halt("exception dispatch: a funclet's frame has no second-pass exception above it");
        }

        NativeStackFrameIterator copy = invoker->FrameIterator;
        *it = copy;
        funclet.RestoreInto(ref it->Regs);
        it->NextExInfo = FirstExInfoAtOrAbove(it->Regs.Sp);
        it->Flags |= NativeStackFrameIterator.ExCollide;
        return ComputeMethodState(it);
    }

    private static bool ComputeMethodState(NativeStackFrameIterator* it)
    {
        if (!MethodInfo.TryFind(it->ControlPc, out MethodInfo method, out _))
        {
            return Invalidate(it);
        }

        it->Method = method;
        bool hasFramePointer = (method.MainFlags & MethodInfo.HasEhInfo) != 0 || method.IsFunclet;
        it->FramePointer = hasFramePointer && it->Regs.PRbp != null ? *it->Regs.PRbp : 0;
        return true;
    }

    private static bool Invalidate(NativeStackFrameIterator* it)
    {
        it->ControlPc = 0;
        it->Method = default;
        return false;
    }

    private static ExInfo* FirstExInfoAtOrAbove(ulong sp)
    {
        ExInfo* p = ExceptionStubs.ExInfoHead;
        while (p != null && (ulong)p < sp)
        {
            p = p->Previous;
        }

        return p;
    }

    private static void NativeMemoryClear(NativeStackFrameIterator* it) =>
        System.Runtime.InteropServices.NativeMemory.Clear(it, (nuint)sizeof(NativeStackFrameIterator));
}

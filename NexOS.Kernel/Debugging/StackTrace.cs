using NexOS.Kernel.Arch.X64;
using NexOS.Runtime;
using NexOS.Runtime.Exceptions;
using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Debugging;

/// <summary>Prints the call stack of a faulting context on COM1 without allocating, by
/// unwinding with the compiler's DWARF call frame information.</summary>
internal static unsafe class StackTrace
{
    private const int MaxFrames = 32;

    /// <summary>Walks from the interrupted context. Stops at the first frame without unwind
    /// data (assembly code, or a corrupt stack).</summary>
    public static void WriteFromFrame(InterruptFrame* f)
    {
        RegDisplay regs = default;
        regs.PRax = &f->Rax;
        regs.PRcx = &f->Rcx;
        regs.PRdx = &f->Rdx;
        regs.PRbx = &f->Rbx;
        regs.PRbp = &f->Rbp;
        regs.PRsi = &f->Rsi;
        regs.PRdi = &f->Rdi;
        regs.PR8 = &f->R8;
        regs.PR9 = &f->R9;
        regs.PR10 = &f->R10;
        regs.PR11 = &f->R11;
        regs.PR12 = &f->R12;
        regs.PR13 = &f->R13;
        regs.PR14 = &f->R14;
        regs.PR15 = &f->R15;
        regs.Sp = f->Rsp;
        regs.Ip = f->Rip;
        DebugSerial.Write("    stack:\n");
        for (int depth = 0; depth < MaxFrames; depth++)
        {
            WriteFrame(regs.Ip);

            // The faulting frame's address is the instruction itself; callers' are return
            // addresses, which belong to the call before them.
            ulong pc = depth == 0 ? regs.Ip : regs.Ip - 1;
            ulong sp = regs.Sp;
            if (depth == 0 && !NexOS.Runtime.ImageLayout.IsManagedCode(pc) && NexOS.Runtime.ImageLayout.IsCode(pc) && IsReadableStack(sp)
                && NexOS.Runtime.ImageLayout.IsManagedCode(*(ulong*)sp))
            {
                // A fault in an assembly leaf routine (no unwind data): its caller's return
                // address is still on top of the stack.
                regs.Ip = *(ulong*)sp;
                regs.Sp = sp + 8;
                continue;
            }

            if (!NexOS.Runtime.ImageLayout.IsManagedCode(pc)
                || !Cfi.TryFindFde(pc, out Cfi.Fde fde)
                || !Cfi.TryComputeRow(in fde, pc, out Cfi.Row row)
                || !Cfi.Apply(in row, ref regs)
                || regs.Sp <= sp)
            {
                break;
            }
        }
    }

    private static bool IsReadableStack(ulong sp) => sp >= 0x1000 && sp < IdentityMappedMemory.MappedLimit && (sp & 7) == 0;

    private static void WriteFrame(ulong address)
    {
        DebugSerial.Write("      at ");
        DebugSerial.WriteHex(address);
        DebugSerial.Write(" ");
        KernelSymbols.WriteLocation(address);
        DebugSerial.Write("\n");
    }
}

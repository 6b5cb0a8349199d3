using NexOS.Kernel.Platform;
using NexOS.Runtime;
using NexOS.Kernel.Arch.X64;

namespace NexOS.Kernel.Debugging;

/// <summary>Prints a CPU exception on COM1: what it was, where, and every register.
/// Runs in the faulting context, so it only uses the allocation-free debug serial writer.</summary>
internal static unsafe class CpuExceptionReport
{
    /// <summary>Prints the report. For a page fault, <paramref name="describeGuardPage"/>
    /// (when given) may name the thread whose stack guard page the address is, and returns
    /// whether it did.</summary>
    public static void Report(InterruptFrame* f, delegate*<ulong, bool> describeGuardPage)
    {
        DebugSerial.Write("\n*** CPU exception ");
        DebugSerial.WriteDecimal(f->Vector);
        DebugSerial.Write(" (");
        DebugSerial.Write(Name((int)f->Vector));
        DebugSerial.Write(") error code ");
        DebugSerial.WriteHex(f->ErrorCode, 8);
        DebugSerial.Write("\n    RIP ");
        DebugSerial.WriteHex(f->Rip);
        DebugSerial.Write(" in ");
        KernelSymbols.WriteLocation(f->Rip);
        if (f->Vector == 14)
        {
            ulong code = f->ErrorCode;
            DebugSerial.Write("\n    CR2 ");
            DebugSerial.WriteHex(Native.ReadCr2());
            DebugSerial.Write((code & 1) != 0 ? " protection violation" : " page not present");
            DebugSerial.Write((code & 2) != 0 ? " on write" : (code & 16) != 0 ? " on instruction fetch" : " on read");
            DebugSerial.Write((code & 4) != 0 ? " from user mode" : " from kernel mode");
            ulong cr2 = Native.ReadCr2();
            bool described = describeGuardPage != null && describeGuardPage(cr2);
            if (!described && cr2 >= KernelImage.BootStackBottom - 4096 && cr2 < KernelImage.BootStackBottom)
            {
                DebugSerial.Write("\n    kernel stack overflow on the boot stack (guard page)");
            }
        }

        DebugSerial.Write("\n");
        Reg("RAX", f->Rax);
        Reg("RBX", f->Rbx);
        Reg("RCX", f->Rcx);
        Reg("RDX", f->Rdx, true);
        Reg("RSI", f->Rsi);
        Reg("RDI", f->Rdi);
        Reg("RBP", f->Rbp);
        Reg("RSP", f->Rsp, true);
        Reg("R8 ", f->R8);
        Reg("R9 ", f->R9);
        Reg("R10", f->R10);
        Reg("R11", f->R11, true);
        Reg("R12", f->R12);
        Reg("R13", f->R13);
        Reg("R14", f->R14);
        Reg("R15", f->R15, true);
        Reg("RFL", f->Rflags);
        Reg("CS ", f->Cs);
        Reg("SS ", f->Ss);
        Reg("CR3", Native.ReadCr3(), true);
        StackTrace.WriteFromFrame(f);
    }

    private static void Reg(string name, ulong value, bool endLine = false)
    {
        DebugSerial.Write("    ");
        DebugSerial.Write(name);
        DebugSerial.Write(" ");
        DebugSerial.WriteHex(value);
        if (endLine)
        {
            DebugSerial.Write("\n");
        }
    }

    private static string Name(int vector) => vector switch
    {
        0 => "divide error",
        1 => "debug",
        2 => "non-maskable interrupt",
        3 => "breakpoint",
        4 => "overflow",
        5 => "bound range exceeded",
        6 => "invalid opcode",
        7 => "device not available",
        8 => "double fault",
        10 => "invalid TSS",
        11 => "segment not present",
        12 => "stack-segment fault",
        13 => "general protection fault",
        14 => "page fault",
        16 => "x87 floating-point error",
        17 => "alignment check",
        18 => "machine check",
        19 => "SIMD floating-point exception",
        20 => "virtualization exception",
        21 => "control protection exception",
        _ => "reserved",
    };
}

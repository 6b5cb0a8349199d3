using System.Runtime.InteropServices;

namespace NexOS.Kernel.Arch.X64;

/// <summary>The registers saved on interrupt and system-call entry, in the order frame.inc pushes them
/// (lowest address first). Handlers may change them; the changes take effect on return.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct InterruptFrame
{
    public ulong R15;
    public ulong R14;
    public ulong R13;
    public ulong R12;
    public ulong R11;
    public ulong R10;
    public ulong R9;
    public ulong R8;
    public ulong Rbp;
    public ulong Rdi;
    public ulong Rsi;
    public ulong Rdx;
    public ulong Rcx;
    public ulong Rbx;
    public ulong Rax;
    public ulong Vector;
    public ulong ErrorCode;
    public ulong Rip;
    public ulong Cs;
    public ulong Rflags;
    public ulong Rsp;
    public ulong Ss;
}

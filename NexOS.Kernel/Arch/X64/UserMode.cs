using NexOS.Kernel.Platform;
using NexOS.Runtime;

namespace NexOS.Kernel.Arch.X64;

/// <summary>
/// The CPU side of ring 3: the per-CPU block's thread fields that the entry paths read
/// through GS (PerCpu.cs), the SYSCALL/SYSRET set-up (EFER.SCE, STAR, LSTAR, SFMASK), SMEP and SMAP where the CPU has
/// them, and the first entry into a program. The assembly half is usermode.asm; the block's
/// layout is shared with it and with interrupts.asm.
/// </summary>
internal static unsafe class UserMode
{
    private const uint EferMsr = 0xC000_0080;
    private const uint StarMsr = 0xC000_0081;
    private const uint LstarMsr = 0xC000_0082;
    private const uint SfmaskMsr = 0xC000_0084;
    private const uint KernelGsBaseMsr = 0xC000_0102;

    private const ulong EferSyscallEnable = 1;
    private const ulong Cr4Smep = 1UL << 20;
    private const ulong Cr4Smap = 1UL << 21;

    // SYSCALL clears these RFLAGS bits on entry: IF (no interrupt before the stack switch),
    // TF, DF (the ABI's direction flag), AC (SMAP stays in force) and NT.
    private const ulong SyscallFlagMask = 0x200 | 0x100 | 0x400 | 0x4_0000 | 0x4000;

    private static bool s_ready;

    /// <summary>True once <see cref="Initialize"/> has run: programs can be entered.</summary>
    public static bool IsReady => s_ready;

    /// <summary>True when the CPU enforces SMEP (ring 0 never executes user pages).</summary>
    public static bool Smep { get; private set; }

    /// <summary>True when the CPU enforces SMAP (ring 0 never reads or writes user pages
    /// through their user addresses; system calls copy through the frames instead).</summary>
    public static bool Smap { get; private set; }

    /// <summary>Sets up the boot CPU. Runs once, after <see cref="Gdt.Initialize"/> (STAR
    /// names its selectors) and with the boot heap up. The per-CPU block is boot.asm's, which
    /// GS already points at.</summary>
    public static void Initialize()
    {
        InitializeCpu();

        uint* regs = stackalloc uint[4];
        Native.Cpuid(0, 0, regs);
        if (regs[0] >= 7)
        {
            Native.Cpuid(7, 0, regs);
            Smep = (regs[1] & (1u << 7)) != 0;
            Smap = (regs[1] & (1u << 20)) != 0;
        }

        ulong cr4 = Native.ReadCr4();
        cr4 |= Smep ? Cr4Smep : 0;
        cr4 |= Smap ? Cr4Smap : 0;
        Native.WriteCr4(cr4);
        s_ready = true;
    }

    /// <summary>The SYSCALL set-up of the CPU running this (the MSRs are per CPU): the boot
    /// CPU from <see cref="Initialize"/>, an application processor when it starts (its CR4,
    /// SMEP and SMAP included, is a copy of the boot CPU's).</summary>
    public static void InitializeCpu()
    {
        // SYSRET loads CS from STAR[63:48] + 16 and SS from STAR[63:48] + 8: with 0x10 | 3
        // those are the user code (0x20) and user data (0x18) selectors. SYSCALL loads CS from
        // STAR[47:32] and SS from it + 8: the kernel's code and data.
        ulong star = ((ulong)(Gdt.KernelData | 3) << 48) | ((ulong)Gdt.KernelCode << 32);
        Native.WriteMsr(StarMsr, star);
        Native.WriteMsr(LstarMsr, Native.SyscallEntry());
        Native.WriteMsr(SfmaskMsr, SyscallFlagMask);
        Native.WriteMsr(EferMsr, Native.ReadMsr(EferMsr) | EferSyscallEnable);
        Native.WriteMsr(KernelGsBaseMsr, 0);
    }

    /// <summary>Records the thread about to run: the top of its kernel stack (where the CPU
    /// and the SYSCALL entry put its frames when it comes from ring 3) and its two TLS thread
    /// pointers. Called by the scheduler for every switch, with interrupts off.</summary>
    public static void SetCurrentThread(ulong kernelStackTop, ulong kernelThreadPointer, ulong userThreadPointer)
    {
        ulong* block = PerCpu.This;
        block[PerCpu.KernelRspWord] = kernelStackTop;
        block[PerCpu.KernelFsWord] = kernelThreadPointer;
        block[PerCpu.UserFsWord] = userThreadPointer;
        Gdt.SetKernelStack(kernelStackTop);
    }

    /// <summary>Changes the running thread's user TLS pointer (the FS base its program sees
    /// from its next return to ring 3). Interrupts off.</summary>
    public static void SetUserThreadPointer(ulong value)
    {
        PerCpu.This[PerCpu.UserFsWord] = value;
    }
}

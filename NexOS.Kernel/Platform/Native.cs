using System.Runtime;
using System.Runtime.CompilerServices;

namespace NexOS.Kernel.Platform;

/// <summary>
/// Every assembly routine C# calls, in one place (the exports C# gives to assembly are in
/// Runtime/, each marked [RuntimeExport] or [UnmanagedCallersOnly]). The routines live in
/// Arch/X64/*.asm and follow the System V ABI.
/// </summary>
internal static unsafe class Native
{
    private const string Asm = "*";

    /// <summary>IA32_FS_BASE: the thread pointer of x86-64 TLS.</summary>
    public const uint FsBaseMsr = 0xC000_0100;

    [RuntimeImport(Asm, "nexos_outb"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void OutB(ushort port, byte value);

    [RuntimeImport(Asm, "nexos_inb"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern byte InB(ushort port);

    [RuntimeImport(Asm, "nexos_outw"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void OutW(ushort port, ushort value);

    [RuntimeImport(Asm, "nexos_inw"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern ushort InW(ushort port);

    [RuntimeImport(Asm, "nexos_outd"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void OutD(ushort port, uint value);

    [RuntimeImport(Asm, "nexos_ind"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern uint InD(ushort port);

    [RuntimeImport(Asm, "nexos_cli"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void DisableInterrupts();

    [RuntimeImport(Asm, "nexos_sti"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void EnableInterrupts();

    [RuntimeImport(Asm, "nexos_hlt"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void Halt();

    /// <summary>Enables interrupts and halts in one step, so a wake-up cannot be lost between
    /// checking for work and halting.</summary>
    [RuntimeImport(Asm, "nexos_wait_for_interrupt"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void WaitForInterrupt();

    [RuntimeImport(Asm, "nexos_pause"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void Pause();

    /// <summary>Returns RFLAGS and disables interrupts, in one call (the allocator's and the
    /// scheduler's critical sections start with it).</summary>
    [RuntimeImport(Asm, "nexos_save_flags_and_cli"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern ulong SaveFlagsAndDisableInterrupts();

    [RuntimeImport(Asm, "nexos_read_flags"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern ulong ReadFlags();

    [RuntimeImport(Asm, "nexos_rdtsc"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern ulong ReadTsc();

    [RuntimeImport(Asm, "nexos_read_cr0"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern ulong ReadCr0();

    [RuntimeImport(Asm, "nexos_read_cr2"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern ulong ReadCr2();

    [RuntimeImport(Asm, "nexos_read_cr3"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern ulong ReadCr3();

    [RuntimeImport(Asm, "nexos_read_cr4"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern ulong ReadCr4();

    [RuntimeImport(Asm, "nexos_rdmsr"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern ulong ReadMsr(uint msr);

    [RuntimeImport(Asm, "nexos_wrmsr"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void WriteMsr(uint msr, ulong value);

    /// <summary>Runs CPUID; <paramref name="result"/> must point at four writable uints
    /// (EAX, EBX, ECX, EDX).</summary>
    [RuntimeImport(Asm, "nexos_cpuid"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void Cpuid(uint leaf, uint subleaf, uint* result);

    /// <summary>Loads the GDT and reloads CS, DS, ES and SS. The caller guarantees the table
    /// stays alive and that the selectors name valid 64-bit code and data descriptors.</summary>
    [RuntimeImport(Asm, "nexos_load_gdt"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void LoadGdt(void* gdtr, ushort codeSelector, ushort dataSelector);

    /// <summary>Loads the IDT; the caller guarantees the table stays alive.</summary>
    [RuntimeImport(Asm, "nexos_load_idt"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void LoadIdt(void* idtr);

    [RuntimeImport(Asm, "nexos_load_tr"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void LoadTaskRegister(ushort selector);

    [RuntimeImport(Asm, "nexos_read_rbp"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern ulong ReadRbp();

    /// <summary>Saves the callee-saved registers and RSP (into <paramref name="saveRsp"/>) and
    /// resumes the thread whose saved RSP is <paramref name="newRsp"/> (switch.asm). The caller
    /// guarantees interrupts are off and <paramref name="newRsp"/> came from this routine or
    /// from KernelThread's stack preparation.</summary>
    [RuntimeImport(Asm, "nexos_switch"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void Switch(ulong* saveRsp, ulong newRsp);

    /// <summary>Where a new thread's first switch lands (switch.asm).</summary>
    [RuntimeImport(Asm, "nexos_thread_trampoline_address"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern ulong ThreadTrampoline();

    /// <summary>Loads CR3. The caller guarantees the tables map the running code, its stack
    /// and everything the kernel touches next.</summary>
    [RuntimeImport(Asm, "nexos_write_cr3"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void WriteCr3(ulong pml4);

    [RuntimeImport(Asm, "nexos_invlpg"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void InvalidatePage(ulong virtualAddress);

    /// <summary>Writes the cache line holding <paramref name="address"/> back to RAM (CLFLUSH,
    /// then MFENCE): for tables a device walks without snooping the caches. The address must
    /// be mapped.</summary>
    [RuntimeImport(Asm, "nexos_clflush"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void FlushCacheLine(ulong address);

    /// <summary>Executes UD2: an invalid-opcode fault on purpose.</summary>
    [RuntimeImport(Asm, "nexos_ud2"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void InvalidOpcode();

    /// <summary>The address of the 256 interrupt entry stubs' table (interrupts.asm).</summary>
    [RuntimeImport(Asm, "nexos_isr_stub_table"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern ulong* IsrStubTable();

    /// <summary>Loads CR4. The caller guarantees every bit it sets is supported (CPUID) and
    /// that the change cannot fault the code running now.</summary>
    [RuntimeImport(Asm, "nexos_write_cr4"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void WriteCr4(ulong value);

    /// <summary>The SYSCALL entry point (usermode.asm), for IA32_LSTAR.</summary>
    [RuntimeImport(Asm, "nexos_syscall_entry_address"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern ulong SyscallEntry();

    /// <summary>Leaves for ring 3 at <paramref name="rip"/> with <paramref name="rsp"/> and
    /// <paramref name="argument"/> in RDI (usermode.asm); never returns. The caller guarantees
    /// both addresses lie in the user half of the address space now in CR3 (a non-canonical
    /// RIP would make SYSRET fault in ring 0) and that UserMode.SetCurrentThread described the
    /// running thread.</summary>
    [RuntimeImport(Asm, "nexos_enter_user"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void EnterUser(ulong rip, ulong rsp, ulong argument);

    // ---- Many CPUs (smp.asm) ----

    /// <summary>This CPU's index (0 = the boot CPU), from its per-CPU block through GS.</summary>
    [RuntimeImport(Asm, "nexos_cpu_index"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern int CpuIndex();

    /// <summary>This CPU's per-CPU block (frame.inc's PCPU_* layout).</summary>
    [RuntimeImport(Asm, "nexos_percpu_self"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern ulong* PerCpuSelf();

    [RuntimeImport(Asm, "nexos_preempt_disable"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void PreemptDisable();

    /// <summary>Lets this CPU switch threads again; true when a switch waited meanwhile.</summary>
    [RuntimeImport(Asm, "nexos_preempt_enable"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern bool PreemptEnable();

    [RuntimeImport(Asm, "nexos_preempt_disabled"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern bool PreemptDisabled();

    [RuntimeImport(Asm, "nexos_switch_pending"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern bool SwitchPending();

    [RuntimeImport(Asm, "nexos_set_switch_pending"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void SetSwitchPending(bool pending);

    /// <summary>Records the id of the thread now running on this CPU (lock reports name it).</summary>
    [RuntimeImport(Asm, "nexos_set_thread_id"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void SetThreadId(long id);

    /// <summary>The idle thread's halt: gives the kernel lock back, halts until an interrupt,
    /// and returns holding the lock again. Callee-saved registers and RSP go to
    /// <paramref name="saveRsp"/> first. The caller holds the lock, with interrupts off.</summary>
    [RuntimeImport(Asm, "nexos_idle_halt"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void IdleHalt(ulong* saveRsp);

    /// <summary>Writes the trampoline's start, end, start block, the AP's 64-bit entry and the
    /// boot page tables' root to <paramref name="out5"/> (five words).</summary>
    [RuntimeImport(Asm, "nexos_ap_trampoline_info"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void ApTrampolineInfo(ulong* out5);

    /// <summary>Writes the addresses of the kernel lock's statistics, the per-CPU block table,
    /// the count of TLB answers pending and the EOI-register slot to <paramref name="out4"/>.</summary>
    [RuntimeImport(Asm, "nexos_smp_data"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void SmpData(ulong* out4);

    /// <summary>Gives the kernel lock to the CPUs waiting for it and takes it back after
    /// them (smp.asm). Callee-saved registers and RSP go to <paramref name="saveRsp"/> first.
    /// The caller holds the lock, with interrupts off, at a point where another CPU may run
    /// kernel code (as a switch to another thread would allow).</summary>
    [RuntimeImport(Asm, "nexos_klock_yield"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void KernelLockYield(ulong* saveRsp);

    /// <summary>CPUs spinning for the kernel lock now.</summary>
    [RuntimeImport(Asm, "nexos_klock_contention"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern int KernelLockWaiters();

    /// <summary>Times a CPU let waiters in (<see cref="KernelLockYield"/>).</summary>
    [RuntimeImport(Asm, "nexos_klock_yield_count"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern ulong KernelLockYields();
}

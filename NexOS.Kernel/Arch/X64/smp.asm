; Many CPUs: the kernel lock, the idle halt, TLB shootdown requests, per-CPU flags read
; through GS, and the start of an application processor (AP). The C# side is Arch/X64/Cpus.cs,
; KernelLock.cs and ApStartup.cs; the declarations are in Platform/Native.cs.
;
; The kernel lock. NexOS runs kernel code on one CPU at a time (as Linux 2.0 and the BSDs did
; at first): a CPU takes the lock when it enters the kernel from ring 3 (system call, interrupt,
; exception) or wakes from the idle halt, and gives it back when it returns to ring 3 or halts
; again. Everything in between, switches included, runs under it, so every CPU runs user code
; in parallel while the kernel keeps the single-CPU reasoning it was written with (interrupts
; off is still mutual exclusion on the CPU that holds the lock). The lock is a dword: 0 free,
; otherwise the owner's CPU index + 1. A CPU waiting for it spins with interrupts off and
; answers TLB shootdown requests meanwhile, so the holder can wait for every CPU's flush.
;
; Statistics (KernelLock.cs reads them; qwords in nexos_klock_stats):
;   0 acquisitions   1 contended   2 spin ticks   3 held ticks   4 longest hold
;   5 (hold start)   6 threshold ticks (a hold or wait past it is reported)
;   7 long holds     8 last long hold ticks   9 its CPU   10 its thread
;   11 long waits    12 last long wait ticks  13 owner CPU then  14 owner's thread  15 waiter CPU
; Counters change only under the lock, except the long-wait record, which a waiter writes
; without it (a diagnostic: two waiters at once may mix their records).

bits 64
default rel

%include "frame.inc"

extern NexOSApMain

MAX_CPUS            equ 64

section .data
align 8
global nexos_klock, nexos_klock_stats, nexos_percpu_table, nexos_tlb_pending, nexos_klock_waiters
nexos_klock:        dd 0
nexos_tlb_pending:  dd 0
nexos_klock_waiters: dd 0                   ; CPUs spinning for the lock now
nexos_klock_yields: dq 0                    ; times a CPU let the waiters in (nexos_klock_yield)
nexos_klock_stats:  times 16 dq 0
; The per-CPU blocks by CPU index; the boot CPU's is static (boot.asm sets GS to it before
; any C# runs), the others come from ApStartup.cs.
nexos_percpu_table: dq nexos_percpu0
                    times MAX_CPUS - 1 dq 0

section .bss
alignb 64
global nexos_percpu0
nexos_percpu0:      resq PCPU_WORDS

section .text

; Reads the TSC into RAX. Clobbers RDX.
%macro READ_TSC 0
    rdtsc
    shl rdx, 32
    or rax, rdx
%endmacro

; void nexos_klock_acquire(): takes the kernel lock for this CPU, spinning while another holds
; it. Interrupts must be off and GS the kernel's. Clobbers RAX, RCX, RDX, RSI, R8, R9, R10, R11.
global nexos_klock_acquire
nexos_klock_acquire:
    mov esi, [gs:PCPU_INDEX]
    inc esi                                 ; the owner tag
    xor eax, eax
    lock cmpxchg [nexos_klock], esi
    jnz .contended
.taken:
    READ_TSC
    mov [nexos_klock_stats + 5 * 8], rax
    inc qword [nexos_klock_stats]
    ret
.contended:
    lock inc dword [nexos_klock_waiters]
    READ_TSC
    mov r8, rax                             ; r8: when the wait began
    xor r9d, r9d                            ; r9: 1 once this wait was reported as long
.spin:
    pause
    cmp byte [gs:PCPU_TLB_REQUEST], 0
    je .no_flush
    call nexos_tlb_service
.no_flush:
    test r9d, r9d
    jnz .check
    READ_TSC
    sub rax, r8
    mov r10, [nexos_klock_stats + 6 * 8]
    test r10, r10
    jz .check
    cmp rax, r10
    jb .check
    ; A long wait: note who holds the lock now and what runs there.
    mov r9d, 1
    lock inc qword [nexos_klock_stats + 11 * 8]
    mov ecx, [nexos_klock]
    test ecx, ecx
    jz .check
    dec ecx
    mov [nexos_klock_stats + 13 * 8], rcx
    lea r10, [nexos_percpu_table]
    mov r10, [r10 + rcx * 8]
    test r10, r10
    jz .check
    mov r11, [r10 + PCPU_THREAD_ID]
    mov [nexos_klock_stats + 14 * 8], r11
    mov ecx, esi
    dec ecx
    mov [nexos_klock_stats + 15 * 8], rcx
.check:
    cmp dword [nexos_klock], 0
    jne .spin
    xor eax, eax
    lock cmpxchg [nexos_klock], esi
    jnz .spin
    ; Ours, after a wait: account it.
    lock dec dword [nexos_klock_waiters]
    READ_TSC
    mov rcx, rax
    sub rax, r8
    add [nexos_klock_stats + 2 * 8], rax
    inc qword [nexos_klock_stats + 1 * 8]
    test r9d, r9d
    jz .not_long
    mov [nexos_klock_stats + 12 * 8], rax
.not_long:
    mov [nexos_klock_stats + 5 * 8], rcx
    inc qword [nexos_klock_stats]
    ret

; void nexos_klock_release(): gives the kernel lock back. The caller holds it, with interrupts
; off. Clobbers RAX, RCX, RDX.
global nexos_klock_release
nexos_klock_release:
    READ_TSC
    sub rax, [nexos_klock_stats + 5 * 8]
    add [nexos_klock_stats + 3 * 8], rax
    cmp rax, [nexos_klock_stats + 4 * 8]
    jbe .not_longest
    mov [nexos_klock_stats + 4 * 8], rax
.not_longest:
    mov rcx, [nexos_klock_stats + 6 * 8]
    test rcx, rcx
    jz .free
    cmp rax, rcx
    jb .free
    inc qword [nexos_klock_stats + 7 * 8]
    mov [nexos_klock_stats + 8 * 8], rax
    mov eax, [gs:PCPU_INDEX]
    mov [nexos_klock_stats + 9 * 8], rax
    mov rax, [gs:PCPU_THREAD_ID]
    mov [nexos_klock_stats + 10 * 8], rax
.free:
    mov dword [nexos_klock], 0              ; a plain store releases on x86
    ret

; void nexos_klock_yield(ulong* saveRsp RDI): lets CPUs waiting for the kernel lock in, then
; takes it back. Called at a preemption point in ring 0 (the end of an interrupt that came from
; kernel code with interrupts on and preemption allowed, so nothing is half-done), with
; interrupts off and the lock held; returns so. As in nexos_idle_halt, the callee-saved
; registers and RSP are saved first so that a collection on another CPU meanwhile scans this
; thread's stack. The lock is taken again only once another CPU has it or nobody waits, so that
; the waiters really get their turn.
global nexos_klock_yield
nexos_klock_yield:
    PUSH_CALLEE_SAVED
    mov [rdi], rsp
    inc qword [nexos_klock_yields]
    call nexos_klock_release
.let_in:
    pause
    cmp byte [gs:PCPU_TLB_REQUEST], 0
    je .no_flush
    call nexos_tlb_service
.no_flush:
    cmp dword [nexos_klock], 0
    jne .retake                             ; a waiter has it: queue up behind it
    cmp dword [nexos_klock_waiters], 0
    jne .let_in                             ; a waiter is about to take it
.retake:
    call nexos_klock_acquire
    POP_CALLEE_SAVED
    ret

global nexos_klock_contention
nexos_klock_contention:                     ; int (): CPUs waiting for the lock now
    mov eax, [nexos_klock_waiters]
    ret

global nexos_klock_yield_count
nexos_klock_yield_count:                    ; ulong ()
    mov rax, [nexos_klock_yields]
    ret

; void nexos_tlb_service(): if another CPU asked for it, flushes this CPU's TLB (global
; entries too) and counts the request answered. Interrupts off. Clobbers RAX, RCX.
global nexos_tlb_service
nexos_tlb_service:
    xor eax, eax
    xchg al, [gs:PCPU_TLB_REQUEST]
    test al, al
    jz .done
    mov rax, cr4
    test rax, 1 << 7                        ; PGE: toggling it drops global entries as well
    jz .reload
    mov rcx, rax
    and rcx, ~(1 << 7)
    mov cr4, rcx
    mov cr4, rax
    jmp .answered
.reload:
    mov rax, cr3
    mov cr3, rax
.answered:
    lock dec dword [nexos_tlb_pending]
.done:
    ret

; void nexos_idle_halt(ulong* saveRsp RDI): the idle thread's halt. Called with interrupts off
; and the kernel lock held; returns with both so. The callee-saved registers go on the stack
; and RSP into *saveRsp first, so that a collection on another CPU scans this idle stack as
; it scans a switched-out thread's. The lock is given back for the halt: the interrupt that
; ends it takes the lock again in its entry path (interrupts.asm, PCPU_IDLE_HALTED), so the
; code after the HLT holds it, whether the interrupt switched threads or not.
global nexos_idle_halt
nexos_idle_halt:
    PUSH_CALLEE_SAVED
    mov [rdi], rsp
    mov byte [gs:PCPU_IDLE_HALTED], 1
    call nexos_klock_release
    sti
    hlt
    cli
    cmp byte [gs:PCPU_IDLE_HALTED], 0
    je .held
    ; Woken by something that did not go through the entry path (an NMI): take it here.
    call nexos_klock_acquire
    mov byte [gs:PCPU_IDLE_HALTED], 0
.held:
    POP_CALLEE_SAVED
    ret

; Per-CPU flags for C#, read and written through GS (kernel GS: these run in ring 0 only).
global nexos_cpu_index, nexos_percpu_self, nexos_preempt_disable, nexos_preempt_enable
global nexos_preempt_disabled, nexos_switch_pending, nexos_set_switch_pending, nexos_set_thread_id
nexos_cpu_index:                            ; int ()
    mov eax, [gs:PCPU_INDEX]
    ret
nexos_percpu_self:                          ; ulong* ()
    mov rax, [gs:PCPU_SELF]
    ret
nexos_preempt_disable:                      ; void ()
    mov byte [gs:PCPU_PREEMPT_OFF], 1
    ret
nexos_preempt_enable:                       ; bool (): preemption back on; true if a switch waits
    mov byte [gs:PCPU_PREEMPT_OFF], 0
    movzx eax, byte [gs:PCPU_SWITCH_PENDING]
    ret
nexos_preempt_disabled:                     ; bool ()
    movzx eax, byte [gs:PCPU_PREEMPT_OFF]
    ret
nexos_switch_pending:                       ; bool ()
    movzx eax, byte [gs:PCPU_SWITCH_PENDING]
    ret
nexos_set_switch_pending:                   ; void (bool pending)
    mov [gs:PCPU_SWITCH_PENDING], dil
    ret
nexos_set_thread_id:                        ; void (long id)
    mov [gs:PCPU_THREAD_ID], rdi
    ret

; ---------------------------------------------------------------------------------------
; The start of an application processor. ApStartup.cs copies the bytes from
; nexos_ap_trampoline to nexos_ap_trampoline_end to TRAMPOLINE_BASE (a page below 1 MiB that
; the memory map says is RAM), fills in the start block at its end, and sends INIT, SIPI,
; SIPI with vector TRAMPOLINE_BASE >> 12. The AP starts in real mode at CS:IP = 0x0800:0000,
; goes through 32-bit protected mode into long mode on the boot page tables (boot.asm's, which
; still identity-map the first 4 GiB, trampoline and kernel image included), and jumps to
; nexos_ap_entry in the kernel's text, which moves to the kernel's own tables and stack.
; Addresses inside the trampoline are TRAMPOLINE_BASE + (label - nexos_ap_trampoline), a
; constant nasm computes, so the code runs where it is copied.

TRAMPOLINE_BASE     equ 0x8000
%define TR(label) (TRAMPOLINE_BASE + (label - nexos_ap_trampoline))

extern boot_pml4

section .text
global nexos_ap_trampoline, nexos_ap_trampoline_end, nexos_ap_start_block
bits 16
nexos_ap_trampoline:
    cli
    cld
    xor ax, ax
    mov ds, ax
    lgdt [TR(tr_gdt_pointer)]
    mov eax, cr0
    or eax, 1                               ; PE
    mov cr0, eax
    jmp dword 0x08:TR(tr_protected)

bits 32
tr_protected:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov eax, cr4
    or eax, 1 << 5                          ; PAE
    mov cr4, eax
    mov eax, [TR(tr_boot_cr3)]
    mov cr3, eax
    mov ecx, 0xC0000080                     ; EFER
    rdmsr
    or eax, [TR(tr_efer_bits)]              ; LME, and NXE when the boot CPU has it
    wrmsr
    mov eax, cr0
    or eax, (1 << 31) | (1 << 16) | 1       ; PG, WP, PE
    mov cr0, eax
    jmp 0x18:TR(tr_long)

bits 64
tr_long:
    mov rax, [abs TR(tr_entry)]
    jmp rax

align 8
tr_gdt:
    dq 0
    dq 0x00CF9A000000FFFF                   ; 0x08: 32-bit code
    dq 0x00CF92000000FFFF                   ; 0x10: data
    dq 0x00AF9A000000FFFF                   ; 0x18: 64-bit code
tr_gdt_end:
tr_gdt_pointer:
    dw tr_gdt_end - tr_gdt - 1
    dd TR(tr_gdt)
align 8
; The start block (ApStartup.cs writes it; offsets from nexos_ap_start_block, in bytes):
;   0 boot CR3 (dword)   4 EFER bits (dword)   8 64-bit entry
;   16 kernel CR3   24 CR0   32 CR4   40 stack top   48 FS base (the idle thread's TLS)
;   56 per-CPU block (GS base)   64 arrived (set by the AP)
nexos_ap_start_block:
tr_boot_cr3:    dd 0
tr_efer_bits:   dd 0
tr_entry:       dq 0
tr_kernel_cr3:  dq 0
tr_cr0:         dq 0
tr_cr4:         dq 0
tr_stack:       dq 0
tr_fs:          dq 0
tr_gs:          dq 0
tr_arrived:     dq 0
nexos_ap_trampoline_end:

; The AP in long mode, in the kernel's text, still on the boot tables and the trampoline's GDT.
global nexos_ap_entry
nexos_ap_entry:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov fs, ax
    mov gs, ax
    mov rax, [abs TR(tr_cr4)]
    mov cr4, rax
    mov rax, [abs TR(tr_kernel_cr3)]
    mov cr3, rax
    mov rax, [abs TR(tr_cr0)]
    mov cr0, rax
    mov rsp, [abs TR(tr_stack)]
    mov ecx, FS_BASE_MSR
    mov rax, [abs TR(tr_fs)]
    mov rdx, rax
    shr rdx, 32
    wrmsr
    mov ecx, GS_BASE_MSR
    mov rax, [abs TR(tr_gs)]
    mov rdx, rax
    shr rdx, 32
    wrmsr
    mov qword [abs TR(tr_arrived)], 1       ; the trampoline may be reused from here
    call nexos_klock_acquire
    mov edi, [gs:PCPU_INDEX]
    xor ebp, ebp
    call NexOSApMain                        ; void (int cpu), never returns
.halt:
    cli
    hlt
    jmp .halt

global nexos_ap_trampoline_info
nexos_ap_trampoline_info:                   ; void (ulong* out5): start, end, start block, entry, boot PML4
    lea rax, [nexos_ap_trampoline]
    mov [rdi], rax
    lea rax, [nexos_ap_trampoline_end]
    mov [rdi + 8], rax
    lea rax, [nexos_ap_start_block]
    mov [rdi + 16], rax
    lea rax, [nexos_ap_entry]
    mov [rdi + 24], rax
    lea rax, [boot_pml4]
    mov [rdi + 32], rax
    ret

extern nexos_lapic_eoi
global nexos_smp_data
nexos_smp_data:                             ; void (ulong* out4): lock statistics, per-CPU table,
    lea rax, [nexos_klock_stats]            ; TLB answers pending, the EOI register's slot
    mov [rdi], rax
    lea rax, [nexos_percpu_table]
    mov [rdi + 8], rax
    lea rax, [nexos_tlb_pending]
    mov [rdi + 16], rax
    lea rax, [nexos_lapic_eoi]
    mov [rdi + 24], rax
    ret

; The ring 0 / ring 3 boundary: the SYSCALL entry point, the first entry into a program, and
; the per-CPU block both read through GS.
;
; While a CPU runs kernel code its GS base points at its per-CPU block (PerCpu.cs); while it
; runs user code the block's address waits in IA32_KERNEL_GS_BASE and SWAPGS exchanges the two
; on every crossing. Kernel code never reads GS except on these crossings, so an NMI that
; lands between a SWAPGS and the SYSRET/IRETQ after it (the only window where the CPU is in
; ring 0 with the user's GS base) does no harm.
;
; FS holds the TLS thread pointer on both sides: the kernel thread's own block in ring 0, the
; program's in ring 3. Programs cannot change their FS base except through a system call
; (CR4.FSGSBASE stays clear), so the kernel knows both values and writes FS on every crossing.

bits 64
default rel
extern NexOSSyscall
extern nexos_klock_acquire
extern nexos_klock_release

%include "frame.inc"

USER_DATA           equ 0x18 | 3
USER_CODE           equ 0x20 | 3
SYSCALL_VECTOR      equ 0x100   ; InterruptFrame.Vector of a system call

; RFLAGS bits a program may hold (CF PF AF ZF SF TF DF OF AC ID); IF and bit 1 are forced on.
USER_FLAGS_MASK     equ 0x240DD5
USER_FLAGS_SET      equ 0x202

section .text

; Loads FS base from a per-CPU slot. Clobbers RAX, RCX, RDX.
%macro LOAD_FS_FROM 1
    mov ecx, FS_BASE_MSR
    mov eax, [gs:%1]
    mov edx, [gs:%1 + 4]
    wrmsr
%endmacro

%macro ZERO_VECTOR_REGISTERS 0
    pxor xmm0, xmm0
    pxor xmm1, xmm1
    pxor xmm2, xmm2
    pxor xmm3, xmm3
    pxor xmm4, xmm4
    pxor xmm5, xmm5
    pxor xmm6, xmm6
    pxor xmm7, xmm7
    pxor xmm8, xmm8
    pxor xmm9, xmm9
    pxor xmm10, xmm10
    pxor xmm11, xmm11
    pxor xmm12, xmm12
    pxor xmm13, xmm13
    pxor xmm14, xmm14
    pxor xmm15, xmm15
%endmacro

; SYSCALL lands here in ring 0 with interrupts off (SFMASK clears IF, TF, DF, AC and NT),
; RCX = the program's next RIP, R11 = its RFLAGS, RSP still the program's. The entry builds
; an InterruptFrame on the thread's kernel stack, the same layout the interrupt stubs build,
; so the dispatcher, the fault reports and the stack walker see one kind of frame:
;   r15 r14 r13 r12 r11 r10 r9 r8 rbp rdi rsi rdx rcx rbx rax   (lowest address first)
;   vector = 0x100, error code = 0
;   rip (= rcx), cs, rflags (= r11), rsp, ss
; The kernel stack top is 16-byte aligned and 22 words are pushed, so the call is aligned.
; System calls preserve every general-purpose register but RAX (the result), RCX and R11
; (SYSCALL's own); the SSE registers come back zeroed (nothing of the kernel's leaks).
global nexos_syscall_entry
nexos_syscall_entry:
    swapgs
    mov [gs:PCPU_USER_RSP], rsp
    mov rsp, [gs:PCPU_KERNEL_RSP]
    push USER_DATA                  ; ss
    push qword [gs:PCPU_USER_RSP]   ; rsp
    push r11                        ; rflags
    push USER_CODE                  ; cs
    push rcx                        ; rip
    push 0                          ; error code
    push SYSCALL_VECTOR
    PUSH_GENERAL_REGISTERS
    LOAD_FS_FROM PCPU_KERNEL_FS
    mov rbx, rsp                    ; the frame, preserved across the call
    call nexos_klock_acquire        ; the kernel lock (smp.asm), before interrupts come on
    sti
    mov rdi, rbx
    call NexOSSyscall               ; void (InterruptFrame* frame); result in frame->Rax
    cli
    call nexos_klock_release
    LOAD_FS_FROM PCPU_USER_FS
    mov rsp, rbx
    POP_GENERAL_REGISTERS
    add rsp, 16                     ; vector and error code
    ZERO_VECTOR_REGISTERS
    ; The dispatcher may have changed the return RIP (never to a kernel address: it only
    ; stores user addresses it has checked). SYSRET takes RIP from RCX and RFLAGS from R11.
    pop rcx                         ; rip
    add rsp, 8                      ; cs
    pop r11                         ; rflags
    and r11, USER_FLAGS_MASK
    or r11, USER_FLAGS_SET
    mov rsp, [rsp]                  ; the program's rsp; the kernel stack is empty again
    swapgs
    o64 sysret

; void nexos_enter_user(ulong rip RDI, ulong rsp RSI, ulong argument RDX)
; Leaves for ring 3 for the first time on this thread: the program starts at RIP with RSP,
; RDI = argument, every other register zero, interrupts on. The per-CPU block must already
; hold this thread's user FS and kernel stack top. Never returns; the kernel frames below the
; call are abandoned, because the next entry from ring 3 starts again at the stack's top.
global nexos_enter_user
nexos_enter_user:
    cli
    mov r8, rdi
    mov r9, rsi
    mov r10, rdx
    call nexos_klock_release
    LOAD_FS_FROM PCPU_USER_FS
    mov rcx, r8                     ; rip for SYSRET
    mov r11, USER_FLAGS_SET         ; rflags
    mov rdi, r10
    mov rsp, r9
    xor eax, eax
    xor ebx, ebx
    xor edx, edx
    xor esi, esi
    xor ebp, ebp
    xor r8d, r8d
    xor r9d, r9d
    xor r10d, r10d
    xor r12d, r12d
    xor r13d, r13d
    xor r14d, r14d
    xor r15d, r15d
    ZERO_VECTOR_REGISTERS
    swapgs
    o64 sysret

global nexos_syscall_entry_address
nexos_syscall_entry_address:        ; ulong ()
    lea rax, [nexos_syscall_entry]
    ret

global nexos_write_cr4
nexos_write_cr4:                    ; void (ulong value)
    mov cr4, rdi
    ret

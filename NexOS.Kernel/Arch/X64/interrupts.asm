; Interrupt entry stubs. Each of the 256 vectors has a stub that makes the stack look the
; same (an error code, real or zero, then the vector number) and jumps to the common path,
; which saves every general-purpose register and the SSE state and calls the C# dispatcher.
;
; Frame seen by C# (InterruptFrame in Arch/X64/InterruptFrame.cs), lowest address first:
;   r15 r14 r13 r12 r11 r10 r9 r8 rbp rdi rsi rdx rcx rbx rax   (pushed by isr_common)
;   vector, error code                                           (pushed by the stub)
;   rip, cs, rflags, rsp, ss                                     (pushed by the CPU)
; The CPU aligns RSP to 16 bytes before pushing its five words; stub and common path add
; 17 more words and then a 512-byte FXSAVE area, so the C# call sees an aligned stack.
;
; From ring 3 the path also crosses the privilege boundary (see usermode.asm): SWAPGS on the
; way in and out, FS switched from the program's thread pointer to the kernel thread's and
; back, and the kernel lock (smp.asm) taken on the way in and given back on the way out. The CPU has already switched to the thread's kernel stack (TSS.RSP0) for every vector
; but the page fault, which always arrives on its own IST stack so that a kernel stack
; overflow can be reported; a page fault from ring 3 is moved to the thread's kernel stack
; first, because handling it may block or end the thread, and the IST stack is shared.

bits 64
default rel
extern NexOSInterrupt
extern nexos_klock_acquire
extern nexos_klock_release
extern nexos_tlb_service

%include "frame.inc"

section .text

%macro ISR_NOERR 1
isr_stub_%1:
    push 0
    push %1
    jmp isr_common
%endmacro
%macro ISR_ERR 1
isr_stub_%1:
    push %1
    jmp isr_common
%endmacro

; Vectors 8, 10-14, 17, 21, 29 and 30 push an error code.
%assign v 0
%rep 256
  %if v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30
    ISR_ERR v
  %else
    ISR_NOERR v
  %endif
  %assign v v + 1
%endrep

isr_common:
    cmp qword [rsp], TLB_VECTOR
    je tlb_interrupt
    test byte [rsp + 24], 3     ; the interrupted CS: [rsp] vector, error code, rip, cs
    jz .on_thread_stack
    swapgs
    cmp qword [rsp], 14
    jne .on_thread_stack
    ; Page fault from ring 3, on the IST stack: copy vector, error code and the CPU's five
    ; words to the top of the thread's kernel stack, where the CPU would have put them
    ; without IST, and continue there. Interrupts are off and NMIs have a stack of their own,
    ; so the words just below the new RSP stay intact for the two registers parked there.
    push rax
    push rcx
    mov rax, [gs:PCPU_KERNEL_RSP]
%assign i 0
%rep 7
    mov rcx, [rsp + 16 + i * 8]
    mov [rax - 56 + i * 8], rcx
%assign i i + 1
%endrep
    mov rcx, [rsp]              ; the parked RCX
    mov [rax - 64], rcx
    mov rcx, [rsp + 8]          ; the parked RAX
    mov [rax - 72], rcx
    lea rsp, [rax - 56]
    mov rax, [rsp - 16]
    mov rcx, [rsp - 8]
.on_thread_stack:
    PUSH_GENERAL_REGISTERS
    mov rbx, rsp                ; rbx: the frame, preserved across the call
    test byte [rbx + FRAME_CS], 3
    jz .from_kernel
    call nexos_klock_acquire    ; from ring 3: this CPU enters the kernel
    mov ecx, FS_BASE_MSR
    mov eax, [gs:PCPU_KERNEL_FS]
    mov edx, [gs:PCPU_KERNEL_FS + 4]
    wrmsr
    jmp .kernel_fs
.from_kernel:
    ; Ring 0 holds the kernel lock everywhere but in the idle halt (smp.asm), which gave it
    ; back: take it again there, and the idle thread resumes holding it.
    cmp byte [gs:PCPU_IDLE_HALTED], 0
    je .kernel_fs
    call nexos_klock_acquire
    mov byte [gs:PCPU_IDLE_HALTED], 0
.kernel_fs:
    sub rsp, 512
    fxsave [rsp]
    mov rdi, rbx
    call NexOSInterrupt         ; void (InterruptFrame* frame)
    fxrstor [rsp]
    mov rsp, rbx
    test byte [rbx + FRAME_CS], 3
    jz .restore
    mov ecx, FS_BASE_MSR
    mov eax, [gs:PCPU_USER_FS]
    mov edx, [gs:PCPU_USER_FS + 4]
    wrmsr
    call nexos_klock_release    ; back to ring 3: the kernel is free for other CPUs
.restore:
    POP_GENERAL_REGISTERS
    add rsp, 16                 ; vector and error code
    test byte [rsp + 8], 3      ; back to ring 3?
    jz .return
    swapgs
.return:
    iretq

; The TLB shootdown request (Cpus.cs) is answered here, without the kernel lock: the CPU that
; asked holds it and waits for the answer. Flushes, counts the request answered, acknowledges
; the local APIC (its EOI register's address is in nexos_lapic_eoi) and returns.
tlb_interrupt:
    test byte [rsp + 24], 3
    jz .kernel_gs
    swapgs
.kernel_gs:
    push rax
    push rcx
    push rdx
    call nexos_tlb_service
    mov rax, [nexos_lapic_eoi]
    mov dword [rax], 0
    pop rdx
    pop rcx
    pop rax
    test byte [rsp + 24], 3
    jz .kernel_return
    swapgs
.kernel_return:
    add rsp, 16                 ; vector and error code
    iretq

section .data
align 8
global nexos_lapic_eoi
nexos_lapic_eoi: dq 0xFEE000B0  ; LocalApic.cs sets the real address

section .rodata
align 8
global nexos_isr_stubs
nexos_isr_stubs:
%assign v 0
%rep 256
    dq isr_stub_%+v
  %assign v v + 1
%endrep

section .text
global nexos_isr_stub_table
nexos_isr_stub_table:           ; ulong* ()
    lea rax, [nexos_isr_stubs]
    ret

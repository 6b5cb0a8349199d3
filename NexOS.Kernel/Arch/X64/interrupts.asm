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

bits 64
default rel
extern NexOSInterrupt

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
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    mov rbx, rsp                ; rbx: the frame, preserved across the call
    sub rsp, 512
    fxsave [rsp]
    mov rdi, rbx
    call NexOSInterrupt         ; void (InterruptFrame* frame)
    fxrstor [rsp]
    mov rsp, rbx
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    add rsp, 16                 ; vector and error code
    iretq

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

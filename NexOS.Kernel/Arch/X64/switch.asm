; Thread context switch. A thread that is not running keeps its callee-saved registers on
; its own kernel stack, and its stack pointer in its KernelThread; everything else was
; already saved by the compiler (caller-saved registers around the call) or by the
; interrupt stub (when the switch happens inside an interrupt handler).
;
; Stack of a switched-out thread, from its saved RSP upwards:
;   r15, r14, r13, r12, rbx, rbp, return address

bits 64
default rel
extern NexOSThreadStart

%include "frame.inc"

section .text

; void nexos_switch(ulong* saveRsp RDI, ulong newRsp RSI)
global nexos_switch
nexos_switch:
    PUSH_CALLEE_SAVED
    mov [rdi], rsp
    mov rsp, rsi
    POP_CALLEE_SAVED
    ret

; First instructions of a new thread: nexos_switch "returns" here on the thread's fresh
; stack. RBX holds the KernelThread handle that ThreadFrame.Prepare stored for it.
global nexos_thread_trampoline
nexos_thread_trampoline:
    mov rdi, rbx
    xor ebp, ebp                ; end of the frame chain for debuggers
    call NexOSThreadStart       ; never returns
    ud2

global nexos_thread_trampoline_address
nexos_thread_trampoline_address:    ; ulong ()
    lea rax, [nexos_thread_trampoline]
    ret

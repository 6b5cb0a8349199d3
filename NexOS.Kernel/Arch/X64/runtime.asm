; Runtime helpers that compiled code calls with register conventions C# cannot express,
; and the runtime's data symbols. The rest of the runtime layer is C# (Runtime/*.cs).

bits 64
default rel

section .data
align 8
global __security_cookie, g_cpuFeatures, RhpTrapThreads
__security_cookie: dq 0x2B992DDFA232         ; stack-protector canary; rewritten at boot
g_cpuFeatures:     dd 0                      ; no optional instruction sets beyond the baseline
RhpTrapThreads:    dd 0                      ; non-zero would make compiled code call RhpGcPoll

section .text

; Transition helpers. NexOS has no preemptive GC suspension yet, so a thread never has to
; publish a transition frame: entering and leaving native code costs nothing.
global RhpPInvoke, RhpPInvokeReturn, RhpReversePInvoke, RhpReversePInvokeReturn, RhpGcPoll
RhpPInvoke:
RhpPInvokeReturn:
RhpReversePInvoke:
RhpReversePInvokeReturn:
RhpGcPoll:
    ret

; Write barriers. The collector of the boot foundation does not track cross-generation
; pointers, so a barrier is the store itself.
global RhpAssignRef, RhpCheckedAssignRef, RhpByRefAssignRef
RhpAssignRef:               ; RDI = destination slot, RSI = object
RhpCheckedAssignRef:
    mov [rdi], rsi
    ret
RhpByRefAssignRef:          ; copies [RSI] to [RDI], advances both by 8; clobbers RCX only
    mov rcx, [rsi]
    mov [rdi], rcx
    add rdi, 8
    add rsi, 8
    ret

global RhpCheckedLockCmpXchg, RhpCheckedXchg
RhpCheckedLockCmpXchg:      ; object (ref object dest RDI, object value RSI, object comparand RDX)
    mov rax, rdx
    lock cmpxchg [rdi], rsi
    ret
RhpCheckedXchg:             ; object (ref object dest RDI, object value RSI)
    mov rax, rsi
    xchg [rdi], rax
    ret

; Stack probe for frames larger than a page: RAX holds the lowest address the new frame
; will use. Kernel stacks are fully backed today, so there is nothing to touch.
; FIXME: probe page by page once kernel stacks have guard pages below them.
global RhpStackProbe
RhpStackProbe:
    ret

; General-dynamic TLS access. The static link relaxes every such access to local-exec, so
; reaching this means the image was linked wrongly: stop with an invalid-opcode report.
global __tls_get_addr
__tls_get_addr:
    ud2

; libm functions the class library calls. SSE4.1 is in the x86-64-v2 baseline the
; kernel is compiled for. Rounding immediates: 1 = down, 2 = up, 3 = toward zero.
global ceil, floor, trunc, ceilf, floorf, truncf
ceil:
    roundsd xmm0, xmm0, 2
    ret
floor:
    roundsd xmm0, xmm0, 1
    ret
trunc:
    roundsd xmm0, xmm0, 3
    ret
ceilf:
    roundss xmm0, xmm0, 2
    ret
floorf:
    roundss xmm0, xmm0, 1
    ret
truncf:
    roundss xmm0, xmm0, 3
    ret

; void nexos_collect_with_registers()
; Runs a garbage collection on this thread's stack. The compiled code up the call chain may
; keep references in callee-saved registers only; pushing them here puts them inside the
; range the collector scans, which starts at the stack pointer it is given.
; Frame, from the RSP passed to NexOSCollect upwards: r15, r14, r13, r12, rbx, rbp, return.
extern NexOSCollect
global nexos_collect_with_registers
nexos_collect_with_registers:
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov rdi, rsp
    sub rsp, 8                  ; 6 pushes after the call leave RSP 8 off 16-byte alignment
    call NexOSCollect
    add rsp, 8
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret

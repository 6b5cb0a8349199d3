; Exception dispatch helpers for the class library's managed dispatcher (System.Runtime.EH).
; The frame layouts below are a contract with the stack walker (Runtime/Exceptions/
; StackFrameIterator.cs), which recognises these routines by the return addresses
; exported as RhpThrowEx2, RhpRethrow2, RhpCallCatchFunclet2, RhpCallFinallyFunclet2 and
; RhpCallFilterFunclet2.

bits 64
default rel

SIZEOF_EXINFO       equ 0x190
EXINFO_PREV         equ 0
EXINFO_CONTEXT      equ 8
EXINFO_EXCEPTION    equ 16
EXINFO_KIND         equ 24
EXINFO_PASS         equ 25
EXINFO_CLAUSE       equ 28
REGDISPLAY_PRBX     equ 24
REGDISPLAY_PRBP     equ 32
REGDISPLAY_PR12     equ 88
REGDISPLAY_PR13     equ 96
REGDISPLAY_PR14     equ 104
REGDISPLAY_PR15     equ 112
REGDISPLAY_SP       equ 120

extern RhThrowEx
extern RhRethrow
extern RhThrowHwEx

section .bss
align 8
global nexos_exinfo_head
nexos_exinfo_head: resq 1          ; innermost active ExInfo of the (only) thread

section .text

; Builds, below the return address, a PAL_LIMITED_CONTEXT describing the throw site and an
; ExInfo, and links the ExInfo in. Frame, from the final RSP upwards:
;   +0x000  ExInfo (0x190 bytes)
;   +0x190  PAL_LIMITED_CONTEXT: IP, Rsp, Rbp, Rax, Rbx, Rdx, R12, R13, R14, R15
;   +0x1E0  padding
;   +0x1E8  return address (the throw site)
; Reserves an ExInfo below the context just pushed, initialises it for a first pass and
; makes it the innermost one.
%macro LINK_EXINFO 0
    sub rsp, SIZEOF_EXINFO
    mov qword [rsp + EXINFO_EXCEPTION], 0
    mov byte [rsp + EXINFO_PASS], 1
    mov dword [rsp + EXINFO_CLAUSE], 0xFFFFFFFF
    lea rax, [rsp + SIZEOF_EXINFO]
    mov [rsp + EXINFO_CONTEXT], rax
    mov rax, [nexos_exinfo_head]
    mov [rsp + EXINFO_PREV], rax
    mov [nexos_exinfo_head], rsp
%endmacro

%macro BUILD_THROW_FRAME 0
    lea rax, [rsp + 8]              ; the throw site's RSP once this call has returned
    mov r10, [rsp]                  ; the throw site's IP
    push 0                          ; padding
    push r15
    push r14
    push r13
    push r12
    push 0                          ; Rdx
    push rbx
    push 0                          ; Rax
    push rbp
    push rax                        ; Rsp
    push r10                        ; IP
    LINK_EXINFO
%endmacro

global RhpThrowEx, RhpThrowEx2
RhpThrowEx:                         ; void (object exception RDI); never returns
    BUILD_THROW_FRAME
    mov byte [rsp + EXINFO_KIND], 1 ; Throw
    mov rsi, rsp
    call RhThrowEx                  ; (object, ref ExInfo)
RhpThrowEx2:
    int3

global RhpRethrow, RhpRethrow2
RhpRethrow:                         ; void (); rethrows the exception of the active catch
    mov rdi, [nexos_exinfo_head]    ; the ExInfo whose catch funclet is running
    BUILD_THROW_FRAME
    mov byte [rsp + EXINFO_KIND], 0
    mov rsi, rsp
    call RhRethrow                  ; (ref ExInfo active, ref ExInfo new)
RhpRethrow2:
    int3

; Hardware fault turned into a managed exception. Entered by a jump from the interrupt
; path with RSP = the faulting RSP, RDI = exception code, RSI = faulting IP.
global RhpThrowHwEx, RhpThrowHwEx2
RhpThrowHwEx:
    mov rax, rsp
    and rsp, -16
    push r15
    push r14
    push r13
    push r12
    push 0
    push rbx
    push 0
    push rbp
    push rax
    push rsi
    LINK_EXINFO
    mov byte [rsp + EXINFO_KIND], 2 ; HardwareFault
    mov rsi, rsp
    call RhThrowHwEx                ; (uint code, ref ExInfo)
RhpThrowHwEx2:
    int3

; The funclet callers' frames start with the callee-saved registers in this order; the stack
; walker (StackWalker.StepOverHelperFrame) pops them in the reverse order.
%macro PUSH_CALLEE_SAVED 0
    push r15
    push r14
    push r13
    push r12
    push rbx
    push rbp
%endmacro
%macro POP_CALLEE_SAVED 0
    pop rbp
    pop rbx
    pop r12
    pop r13
    pop r14
    pop r15
%endmacro

; Loads the callee-saved registers a funclet expects (the parent frame's) from the
; REGDISPLAY in %1.
%macro LOAD_PARENT_REGS 1
    mov rax, [%1 + REGDISPLAY_PRBX]
    mov rbx, [rax]
    mov rax, [%1 + REGDISPLAY_PR12]
    mov r12, [rax]
    mov rax, [%1 + REGDISPLAY_PR13]
    mov r13, [rax]
    mov rax, [%1 + REGDISPLAY_PR14]
    mov r14, [rax]
    mov rax, [%1 + REGDISPLAY_PR15]
    mov r15, [rax]
    mov rax, [%1 + REGDISPLAY_PRBP]
    mov rbp, [rax]
%endmacro

; nint RhpCallCatchFunclet(object exception RDI, byte* handler RSI, REGDISPLAY* RDX, ExInfo* RCX)
; Frame: push r15 r14 r13 r12 rbx rbp, then 7 slots: [rsp+0x10] exception, +0x18 handler,
; +0x20 REGDISPLAY, +0x28 ExInfo. Never returns: resumes the parent after the catch.
global RhpCallCatchFunclet, RhpCallCatchFunclet2
RhpCallCatchFunclet:
    PUSH_CALLEE_SAVED
    lea rsp, [rsp - 0x38]
    mov [rsp + 0x10], rdi
    mov [rsp + 0x18], rsi
    mov [rsp + 0x20], rdx
    mov [rsp + 0x28], rcx
    LOAD_PARENT_REGS rdx
    mov rdi, [rsp + 0x10]
    call [rsp + 0x18]
RhpCallCatchFunclet2:
    ; RAX = where the parent resumes. Drop this ExInfo and every older one whose frame the
    ; resumption discards, then continue at the parent's SP.
    mov rdx, [rsp + 0x20]
    mov rcx, [rsp + 0x28]
    mov r8, [rdx + REGDISPLAY_SP]
    mov rcx, [rcx + EXINFO_PREV]
.pop:
    test rcx, rcx
    jz .done
    cmp rcx, r8
    jae .done
    mov rcx, [rcx + EXINFO_PREV]
    jmp .pop
.done:
    mov [nexos_exinfo_head], rcx
    mov rsp, r8
    jmp rax

; void RhpCallFinallyFunclet(byte* handler RDI, REGDISPLAY* RSI)
; Frame: push r15 r14 r13 r12 rbx rbp, then 3 slots: [rsp+8] handler, +0x10 REGDISPLAY.
global RhpCallFinallyFunclet, RhpCallFinallyFunclet2
RhpCallFinallyFunclet:
    PUSH_CALLEE_SAVED
    lea rsp, [rsp - 0x18]
    mov [rsp + 0x08], rdi
    mov [rsp + 0x10], rsi
    LOAD_PARENT_REGS rsi
    call [rsp + 0x08]
RhpCallFinallyFunclet2:
    ; The finally may have changed the parent's callee-saved registers: store them back.
    mov rsi, [rsp + 0x10]
    mov rax, [rsi + REGDISPLAY_PRBX]
    mov [rax], rbx
    mov rax, [rsi + REGDISPLAY_PR12]
    mov [rax], r12
    mov rax, [rsi + REGDISPLAY_PR13]
    mov [rax], r13
    mov rax, [rsi + REGDISPLAY_PR14]
    mov [rax], r14
    mov rax, [rsi + REGDISPLAY_PR15]
    mov [rax], r15
    mov rax, [rsi + REGDISPLAY_PRBP]
    mov [rax], rbp
    lea rsp, [rsp + 0x18]
    POP_CALLEE_SAVED
    ret

; bool RhpCallFilterFunclet(object exception RDI, byte* filter RSI, REGDISPLAY* RDX)
; Frame: push r15 r14 r13 r12 rbx rbp, then 1 slot. Only RBP is the parent's.
global RhpCallFilterFunclet, RhpCallFilterFunclet2
RhpCallFilterFunclet:
    PUSH_CALLEE_SAVED
    lea rsp, [rsp - 0x08]
    mov rax, [rdx + REGDISPLAY_PRBP]
    mov rbp, [rax]
    call rsi
RhpCallFilterFunclet2:
    lea rsp, [rsp + 0x08]
    POP_CALLEE_SAVED
    ret

; The return addresses above, for the stack walker (ExceptionStubs in C#).
section .rodata
align 8
exception_stub_table:
    dq RhpThrowEx2, RhpRethrow2, RhpThrowHwEx2
    dq RhpCallCatchFunclet2, RhpCallFinallyFunclet2, RhpCallFilterFunclet2
    dq nexos_exinfo_head
    dq RhpThrowHwEx
section .text
global nexos_exception_stubs
nexos_exception_stubs:              ; ulong* ()
    lea rax, [exception_stub_table]
    ret

; Interface dispatch. Compiled code calls through a dispatch cell with the object in RDI and
; the cell in R11; every cell starts out pointing here. Resolve the target (the class library's
; RhpResolveInterfaceMethod consults the runtime's cache first), then jump to it with the
; caller's arguments intact. A null object resolves to 0: raise NullReferenceException as
; if the caller had faulted.
extern RhpResolveInterfaceMethod
extern NexOSThrowNullReferenceAtCall
global RhpInitialDynamicInterfaceDispatch
RhpInitialDynamicInterfaceDispatch:
    push rbp
    mov rbp, rsp
    push rdi
    push rsi
    push rdx
    push rcx
    push r8
    push r9
    sub rsp, 8 * 16
    movdqu [rsp + 0x00], xmm0
    movdqu [rsp + 0x10], xmm1
    movdqu [rsp + 0x20], xmm2
    movdqu [rsp + 0x30], xmm3
    movdqu [rsp + 0x40], xmm4
    movdqu [rsp + 0x50], xmm5
    movdqu [rsp + 0x60], xmm6
    movdqu [rsp + 0x70], xmm7
    mov rsi, r11
    call RhpResolveInterfaceMethod  ; nint (object, cell)
    movdqu xmm0, [rsp + 0x00]
    movdqu xmm1, [rsp + 0x10]
    movdqu xmm2, [rsp + 0x20]
    movdqu xmm3, [rsp + 0x30]
    movdqu xmm4, [rsp + 0x40]
    movdqu xmm5, [rsp + 0x50]
    movdqu xmm6, [rsp + 0x60]
    movdqu xmm7, [rsp + 0x70]
    add rsp, 8 * 16
    pop r9
    pop r8
    pop rcx
    pop rdx
    pop rsi
    pop rdi
    pop rbp
    test rax, rax
    jz .null
    jmp rax
.null:
    jmp NexOSThrowNullReferenceAtCall

; void nexos_capture_context(PAL_LIMITED_CONTEXT* context RDI): the caller's registers as
; they will be when this call returns (IP = the return address), for stack walks that
; start in the running thread.
global nexos_capture_context
nexos_capture_context:
    mov rax, [rsp]
    mov [rdi + 0], rax              ; IP
    lea rax, [rsp + 8]
    mov [rdi + 8], rax              ; Rsp
    mov [rdi + 16], rbp
    mov qword [rdi + 24], 0         ; Rax
    mov [rdi + 32], rbx
    mov qword [rdi + 40], 0         ; Rdx
    mov [rdi + 48], r12
    mov [rdi + 56], r13
    mov [rdi + 64], r14
    mov [rdi + 72], r15
    ret

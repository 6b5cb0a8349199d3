; Runtime helpers that compiled code calls with register conventions C# cannot express,
; and the runtime's data symbols. The rest of the runtime layer is C# (Runtime/*.cs).

bits 64
default rel

section .data
align 8
global __security_cookie, g_cpuFeatures, RhpTrapThreads
__security_cookie: dq 0x2B992DDFA232         ; stack-protector canary; a program's start.asm
                                             ; replaces it from AT_RANDOM, the kernel keeps it
g_cpuFeatures:     dd 0                      ; no optional instruction sets beyond the baseline
RhpTrapThreads:    dd 0                      ; non-zero would make compiled code call RhpGcPoll

; The boot heap's card table (Runtime/Gc/BootCards.cs): one byte per 512-byte card of the
; span [g_cardBase, g_cardBase + g_cardSpan). A span of 0 (before the heap is ready) turns
; card marking off.
align 8
g_cardTable:       dq 0
g_cardBase:        dq 0
g_cardSpan:        dq 0

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

; Write barriers. The collector traces the boot heap's objects (immortal, never freed) only
; where they may hold references into the collected heap: each barrier marks the card of the
; slot it wrote. The card is marked after the store: a collection preempting the barrier in
; between finds the stored reference in the registers saved on this thread's stack, and the
; next one finds the dirty card. Registers: the usual calling convention for the assign
; helpers (RAX, RCX, RDX, R8 free); RhpByRefAssignRef may clobber only RAX and RCX.

; Marks the card of the slot at %1 (in the boot heap's span), using %2 as scratch.
%macro MARK_CARD 2
    mov %2, %1
    sub %2, [rel g_cardBase]
    cmp %2, [rel g_cardSpan]
    jae %%outside
    shr %2, 9
    add %2, [rel g_cardTable]
    mov byte [%2], 1
%%outside:
%endmacro

global RhpAssignRef, RhpCheckedAssignRef, RhpByRefAssignRef
RhpAssignRef:               ; RDI = destination slot, RSI = object
RhpCheckedAssignRef:
    mov [rdi], rsi
    MARK_CARD rdi, rax
    ret
RhpByRefAssignRef:          ; copies [RSI] to [RDI], advances both by 8; clobbers RAX, RCX
    mov rcx, [rsi]
    mov [rdi], rcx
    MARK_CARD rdi, rax
    add rdi, 8
    add rsi, 8
    ret

global RhpCheckedLockCmpXchg, RhpCheckedXchg
RhpCheckedLockCmpXchg:      ; object (ref object dest RDI, object value RSI, object comparand RDX)
    mov rax, rdx
    lock cmpxchg [rdi], rsi
    MARK_CARD rdi, rcx
    ret
RhpCheckedXchg:             ; object (ref object dest RDI, object value RSI)
    mov rax, rsi
    xchg [rdi], rax
    MARK_CARD rdi, rcx
    ret

; void nexos_set_card_table(byte* table, ulong base, ulong span)
; Installs the card table; the span last, so that a barrier never sees a span without its
; table. The caller has interrupts off.
global nexos_set_card_table
nexos_set_card_table:
    mov [rel g_cardTable], rdi
    mov [rel g_cardBase], rsi
    mov [rel g_cardSpan], rdx
    ret

; Stack probe, called from the prolog of a method whose frame is larger than three pages
; (NativeAOT's amd64 contract): R11 holds the lowest address the new frame will use (the
; caller's RSP minus the frame size) and RSP lies on the last page already touched. Touches one
; dword of every page from the one below RSP's down to R11's, in that order, so that the first
; access beyond a stack is to its unmapped guard page and faults there (reported as a stack
; overflow of that thread) instead of stepping over the guard into whatever lies below.
; Stack frame: the return address only; RSP is not moved. Clobbers RAX and the flags; R11 and
; every other register are preserved.
global RhpStackProbe
RhpStackProbe:
    mov rax, rsp
    and rax, -4096              ; the lowest address of the last page touched
.next_page:
    sub rax, 4096               ; the lowest address of the next page down
    test dword [rax], eax       ; touch it (a read: a guard page faults, a mapped page is left as it is)
    cmp rax, r11
    jg .next_page               ; more pages until the one holding R11
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

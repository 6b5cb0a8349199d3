; The system-call instruction for C# (NexOS.UserLib/Runtime/SyscallNative.cs) and start.asm.

bits 64
default rel
section .text

; long nexos_syscall6(ulong number, ulong a0, ulong a1, ulong a2, ulong a3, ulong a4, ulong a5)
; From the System V convention (RDI, RSI, RDX, RCX, R8, R9, stack) to the system call's (RAX,
; then RDI, RSI, RDX, R10, R8, R9). RCX and R11 are clobbered by SYSCALL, the vector registers
; by the kernel: all caller-saved in System V.
global nexos_syscall6
nexos_syscall6:
    mov rax, rdi
    mov rdi, rsi
    mov rsi, rdx
    mov rdx, rcx
    mov r10, r8
    mov r8, r9
    mov r9, [rsp + 8]
    syscall
    ret

; long nexos_syscall_regs(ulong number, ulong* registers)
; For the IPC calls, whose messages travel in registers both ways: loads RDI, RSI, RDX, R10, R8
; and R9 from registers[0..5], makes the call, and stores the six back. RBX (callee-saved)
; holds the array across SYSCALL, which preserves it.
global nexos_syscall_regs
nexos_syscall_regs:
    push rbx
    mov rax, rdi
    mov rbx, rsi
    mov rdi, [rbx]
    mov rsi, [rbx + 8]
    mov rdx, [rbx + 16]
    mov r10, [rbx + 24]
    mov r8, [rbx + 32]
    mov r9, [rbx + 40]
    syscall
    mov [rbx], rdi
    mov [rbx + 8], rsi
    mov [rbx + 16], rdx
    mov [rbx + 24], r10
    mov [rbx + 32], r8
    mov [rbx + 40], r9
    pop rbx
    ret

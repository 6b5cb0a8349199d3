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

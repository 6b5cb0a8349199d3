; spin: the placeholder user program. It loops forever without a system call (the system
; call ABI is not fixed yet), so the build has one program to pack into the boot archive.
bits 64
default rel

section .text
global _start
_start:
    jmp $

; spin: loops forever without a system call, so only the timer's preemption takes the CPU
; back from it (`run spin &`, then `pkill`).
bits 64
default rel

section .text
global _start
_start:
    jmp $

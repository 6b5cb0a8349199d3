; Block operations the compiled code and the class library call, shared by the kernel and
; user programs (System V AMD64 ABI; only caller-saved registers are clobbered).

bits 64
default rel
section .text

; memset/memmove/memcpy: the compiler emits calls to these for block operations.
global memset, memmove, memcpy
memset:                     ; void* (void* dest, int value, size_t count)
    mov r9, rdi
    movzx eax, sil
    mov r8, 0x0101010101010101
    imul rax, r8                ; the byte in all eight lanes
    mov rcx, rdx
    shr rcx, 3
    rep stosq                   ; whole words first: an emulator runs 8x fewer iterations
    mov rcx, rdx
    and rcx, 7
    rep stosb
    mov rax, r9
    ret
memcpy:
memmove:                    ; void* (void* dest, const void* src, size_t count)
    mov rax, rdi
    mov rcx, rdx
    cmp rdi, rsi
    jbe .forward
    lea r8, [rsi + rdx]
    cmp rdi, r8
    jae .forward
    ; Overlap with dest above src: copy backwards.
    lea rsi, [rsi + rdx - 1]
    lea rdi, [rdi + rdx - 1]
    std
    rep movsb
    cld
    ret
.forward:
    rep movsb
    ret

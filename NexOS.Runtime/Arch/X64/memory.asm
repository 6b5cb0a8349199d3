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
    ; Blocks of 64 bytes with plain stores: under software emulation every iteration of a
    ; rep-prefixed instruction is a trip through the emulator's loop, while this loop runs as
    ; one translated block that chains to itself.
.set64:
    cmp rdx, 64
    jb .set_tail
    mov [rdi], rax
    mov [rdi + 8], rax
    mov [rdi + 16], rax
    mov [rdi + 24], rax
    mov [rdi + 32], rax
    mov [rdi + 40], rax
    mov [rdi + 48], rax
    mov [rdi + 56], rax
    add rdi, 64
    sub rdx, 64
    jmp .set64
.set_tail:
    mov rcx, rdx
    shr rcx, 3
    rep stosq
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
    ; Also when dest is below an overlapping src: each block of 32 bytes is read whole before
    ; any of it is written, and what is written lies below what is still to be read. Blocks of
    ; 64 bytes through r8-r11 (caller-saved), for the emulator's sake as in memset; the rest
    ; by words, then bytes.
    cmp rdx, 64
    jb .tail
    mov r8, [rsi]
    mov r9, [rsi + 8]
    mov r10, [rsi + 16]
    mov r11, [rsi + 24]
    mov [rdi], r8
    mov [rdi + 8], r9
    mov [rdi + 16], r10
    mov [rdi + 24], r11
    mov r8, [rsi + 32]
    mov r9, [rsi + 40]
    mov r10, [rsi + 48]
    mov r11, [rsi + 56]
    mov [rdi + 32], r8
    mov [rdi + 40], r9
    mov [rdi + 48], r10
    mov [rdi + 56], r11
    add rsi, 64
    add rdi, 64
    sub rdx, 64
    jmp .forward
.tail:
    mov rcx, rdx
    shr rcx, 3
    rep movsq
    mov rcx, rdx
    and rcx, 7
    rep movsb
    ret

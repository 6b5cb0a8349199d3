; fuzz: makes random system calls with random arguments, to show that nothing a program
; passes can hurt the kernel. `run fuzz [count] [seed]` (defaults: 1,000,000 calls, seed 1).
; Numbers are drawn mostly from the defined range (0-127) and sometimes from all 64 bits;
; arguments mix zero, small numbers, addresses in this program, in the kernel's half, in
; unmapped user memory, non-canonical ones and raw random words. Calls that would end the
; program (ProcessExit, ThreadExit) are skipped; Sleep gets at most a microsecond; LogWrite
; never gets a readable buffer (the console would drown). At the end it prints how many calls
; it made and how many returned each status, and exits with code 0. Creating endpoints and
; notifications is skipped too: with a capability to its own endpoint a random receive, call
; or wait with no timeout would block for ever, which is correct and ends the run.
; ThreadCreate keeps its random arguments, except that an entry in the user range becomes
; fuzz_thread, which exits at once without touching memory: a thread started at a random
; user address would fault and end the run (correctly). ThreadJoin is fuzzed as it comes.

bits 64
default rel

SYS_LOG_WRITE   equ 1
SYS_EXIT        equ 2
SYS_SLEEP       equ 5
SYS_THREAD_CREATE equ 32
SYS_THREAD_EXIT equ 33
USER_BASE       equ 0x0000_0080_0000_0000
USER_TOP        equ 0x0000_7FFF_FFFF_F000
SYS_ENDPOINT_CREATE equ 71
SYS_NOTIFICATION_CREATE equ 72
STATUSES        equ 16              ; results 0 and -1 .. -15; anything else is counted as "other"

section .text
global _start
_start:
    mov rbx, [rsp]                  ; argc
    mov r12, 1000000                ; count
    mov r13, 1                      ; seed
    cmp rbx, 2
    jb .go
    mov rdi, [rsp + 16]
    call parse_decimal
    mov r12, rax
    cmp rbx, 3
    jb .go
    mov rdi, [rsp + 24]
    call parse_decimal
    mov r13, rax
.go:
    test r13, r13
    jnz .seeded
    mov r13, 1                      ; xorshift must not start at zero
.seeded:
    mov [state], r13
    xor r14d, r14d                  ; calls made
.loop:
    cmp r14, r12
    jae .done
    call next_call
    inc r14
    jmp .loop
.done:
    call report
    xor edi, edi
    mov eax, SYS_EXIT
    syscall
    ud2

; One random call. The result is counted by status.
next_call:
    push rbx
    call random
    mov rbx, rax
    call random
    test al, 7                      ; one call in eight: any 64-bit number
    jz .number_ready
    and rbx, 127
.number_ready:
    cmp rbx, SYS_EXIT
    je .skip
    cmp rbx, SYS_THREAD_EXIT
    je .skip
    cmp rbx, SYS_ENDPOINT_CREATE
    je .skip
    cmp rbx, SYS_NOTIFICATION_CREATE
    je .skip
    call random_argument
    mov rdi, rax
    call random_argument
    mov rsi, rax
    call random_argument
    mov rdx, rax
    call random_argument
    mov r10, rax
    call random_argument
    mov r8, rax
    call random_argument
    mov r9, rax
    cmp rbx, SYS_SLEEP
    jne .not_sleep
    and rdi, 1023
.not_sleep:
    cmp rbx, SYS_LOG_WRITE
    jne .not_log
    mov rdi, 0x100000               ; kernel memory: must be refused, never printed
.not_log:
    cmp rbx, SYS_THREAD_CREATE
    jne .call
    mov rax, USER_BASE
    cmp rdi, rax
    jb .call
    mov rax, USER_TOP
    cmp rdi, rax
    jae .call
    lea rdi, [fuzz_thread]          ; a user entry: one that exits at once
.call:
    mov rax, rbx
    syscall
    neg rax                         ; 0 and -1..-15 become 0..15
    cmp rax, STATUSES
    jb .count
    mov rax, STATUSES               ; a positive result or an unknown status
.count:
    lea rcx, [counts]
    inc qword [rcx + rax * 8]
.skip:
    pop rbx
    ret

; A thread ThreadCreate started: it leaves at once, touching neither its stack nor memory.
fuzz_thread:
    xor edi, edi
    mov eax, SYS_THREAD_EXIT
    syscall
    ud2

; An argument from one of several families.
random_argument:
    call random
    mov rcx, rax
    shr rcx, 61                     ; the family: 0-7
    mov eax, eax                    ; keep the low 32 bits
    cmp rcx, 0
    je .zero
    cmp rcx, 1
    je .small
    cmp rcx, 2
    je .own
    cmp rcx, 3
    je .kernel
    cmp rcx, 4
    je .unmapped
    cmp rcx, 5
    je .noncanonical
    call random                     ; 6, 7: a raw random word
    ret
.zero:
    xor eax, eax
    ret
.small:
    and eax, 0xFFFF
    ret
.own:
    and eax, 0xFFFF
    lea rcx, [_start]
    add rax, rcx
    ret
.kernel:
    and eax, 0x3FFFFFF
    ret
.unmapped:
    mov rcx, 0x0000_6000_0000_0000
    shl rax, 12
    add rax, rcx
    ret
.noncanonical:
    mov rcx, 0x8000_0000_0000_0000
    or rax, rcx
    ret

; xorshift64: RAX = the next number.
random:
    mov rax, [state]
    mov rcx, rax
    shl rcx, 13
    xor rax, rcx
    mov rcx, rax
    shr rcx, 7
    xor rax, rcx
    mov rcx, rax
    shl rcx, 17
    xor rax, rcx
    mov [state], rax
    ret

; RDI = NUL-terminated decimal text; RAX = its value (digits only; stops at anything else).
parse_decimal:
    xor eax, eax
.digit:
    movzx ecx, byte [rdi]
    sub ecx, '0'
    cmp ecx, 9
    ja .end
    imul rax, rax, 10
    add rax, rcx
    inc rdi
    jmp .digit
.end:
    ret

; Prints "fuzz: <calls> calls, seed <seed>; by status: 0:<n> 1:<n> ... other:<n>".
report:
    lea rdi, [line]
    lea rsi, [text_head]
    call append_text
    mov rax, r14
    call append_decimal
    lea rsi, [text_seed]
    call append_text
    mov rax, r13
    call append_decimal
    lea rsi, [text_status]
    call append_text
    xor ebx, ebx
.status:
    lea rcx, [counts]
    mov rax, [rcx + rbx * 8]
    test rax, rax
    jz .next_status
    mov byte [rdi], ' '
    inc rdi
    cmp rbx, STATUSES
    je .other
    test rbx, rbx
    jz .sign_done
    mov byte [rdi], '-'
    inc rdi
.sign_done:
    mov rax, rbx
    call append_decimal
    jmp .count
.other:
    lea rsi, [text_other]
    call append_text
.count:
    mov byte [rdi], ':'
    inc rdi
    lea rcx, [counts]
    mov rax, [rcx + rbx * 8]
    call append_decimal
.next_status:
    inc rbx
    cmp rbx, STATUSES
    jbe .status
    mov byte [rdi], 10
    inc rdi
    lea rsi, [line]
    sub rdi, rsi
    mov rax, SYS_LOG_WRITE
    xchg rdi, rsi                   ; rdi = line, rsi = length
    syscall
    ret

; Appends the NUL-terminated text at RSI at RDI; RDI moves past it.
append_text:
    mov al, [rsi]
    test al, al
    jz .end
    mov [rdi], al
    inc rsi
    inc rdi
    jmp append_text
.end:
    ret

; Appends RAX in decimal at RDI; RDI moves past it.
append_decimal:
    push rbx
    lea rsi, [digits + 20]
    mov rbx, 10
.divide:
    xor edx, edx
    div rbx
    add dl, '0'
    dec rsi
    mov [rsi], dl
    test rax, rax
    jnz .divide
.copy:
    lea rcx, [digits + 20]
    cmp rsi, rcx
    je .copied
    mov al, [rsi]
    mov [rdi], al
    inc rsi
    inc rdi
    jmp .copy
.copied:
    pop rbx
    ret

section .rodata
text_head:      db "fuzz: ", 0
text_seed:      db " calls, seed ", 0
text_status:    db "; results by status (0: success; other: a positive value):", 0
text_other:     db "other", 0

section .bss
state:          resq 1
counts:         resq STATUSES + 1
digits:         resb 24
line:           resb 512

; usertest: a ring-3 test program in assembly, for what C# cannot do on purpose (privileged
; instructions, wild pointers, a runaway stack). `run usertest <mode>` picks one test:
;   (none)  hello: log a line, a null call and a clock read, exit with code 7
;   kernel  read kernel memory               -> ended by a page fault
;   priv    execute CLI                      -> ended by a general protection fault
;   div     divide by zero                   -> ended by a division fault
;   deep    recurse without end              -> ended at the stack's guard page
;   grow    touch 512 KiB of stack           -> exit 0 (pages arrive on first touch)
;   wild    pass bad pointers and numbers    -> every call refused; exit 0 when all were
;   spin    loop forever                     -> ends only when killed
;   bigmap  map 4 GiB, touch three pages, unmap; ask for more than 4 GiB -> exit 0 when all
;           went as the ABI says
;   threads, tfault, tlast, tblock, thostile: the thread calls (threads.asm)
; System calls: RAX = number, RDI, RSI, RDX, R10, R8, R9 = arguments, RAX = result (a negated
; status on failure); RCX and R11 are clobbered (docs/syscalls.md).

bits 64
default rel

SYS_NULL        equ 0
SYS_LOG_WRITE   equ 1
SYS_EXIT        equ 2
SYS_CLOCK_READ  equ 4
SYS_SET_TP      equ 6
SYS_MEMORY_MAP  equ 16
SYS_MEMORY_UNMAP equ 17
E_UNKNOWN_CALL  equ -1
E_BAD_ADDRESS   equ -2
E_BAD_ARGUMENT  equ -3

extern threads, tfault, tlast, tblock, thostile
global fail, exit, log

section .text
global _start
_start:
    mov rbx, [rsp]                  ; argc
    cmp rbx, 2
    jb hello
    mov rsi, [rsp + 16]             ; argv[1]
    mov eax, [rsi]                  ; its first four bytes pick the test
    cmp eax, 'kern'
    je read_kernel
    cmp eax, 'priv'
    je privileged
    cmp eax, 'div'
    je divide
    cmp eax, 'deep'
    je deep
    cmp eax, 'grow'
    je grow
    cmp eax, 'wild'
    je wild
    cmp eax, 'spin'
    je spin
    cmp eax, 'bigm'
    je bigmap
    cmp eax, 'thre'
    je threads
    cmp eax, 'tfau'
    je tfault
    cmp eax, 'tblo'
    je tblock
    cmp eax, 'tlas'
    je tlast
    cmp eax, 'thos'
    je thostile
    lea rdi, [unknown_mode]
    mov rsi, unknown_mode_len
    call log
    mov edi, 2
    jmp exit

hello:
    lea rdi, [hello_text]
    mov rsi, hello_text_len
    call log
    mov eax, SYS_NULL
    syscall
    test rax, rax
    jnz fail
    mov eax, SYS_CLOCK_READ
    xor edi, edi
    syscall
    test rax, rax
    jle fail
    mov edi, 7
    jmp exit

read_kernel:
    mov rax, [abs 0x100000]         ; the kernel's identity map: supervisor pages
    jmp fail

privileged:
    cli
    jmp fail

divide:
    xor edx, edx
    mov eax, 1
    xor ecx, ecx
    div ecx
    jmp fail

deep:
    call deep                       ; each call pushes 8 bytes until the guard page
    jmp fail

grow:
    mov rcx, 128                    ; 128 pages of 4 KiB below the current stack pointer
    mov rdi, rsp
.touch:
    sub rdi, 4096
    mov qword [rdi], rcx
    dec rcx
    jnz .touch
    lea rdi, [grow_text]
    mov rsi, grow_text_len
    call log
    xor edi, edi
    jmp exit

; Every call below must be refused with the status named; the first that is not ends the
; program with exit code 1.
wild:
    mov eax, SYS_LOG_WRITE          ; a kernel address
    mov rdi, 0x100000
    mov rsi, 16
    syscall
    cmp rax, E_BAD_ADDRESS
    jne fail
    mov eax, SYS_LOG_WRITE          ; an unmapped user address
    mov rdi, 0x0000_7000_0000_0000
    mov rsi, 16
    syscall
    cmp rax, E_BAD_ADDRESS
    jne fail
    mov eax, SYS_LOG_WRITE          ; a range that wraps around the address space
    mov rdi, -8
    mov rsi, 16
    syscall
    cmp rax, E_BAD_ADDRESS
    jne fail
    mov eax, SYS_LOG_WRITE          ; a length past the limit
    lea rdi, [hello_text]
    mov rsi, 1 << 40
    syscall
    cmp rax, E_BAD_ARGUMENT
    jne fail
    mov eax, SYS_LOG_WRITE          ; a non-canonical address
    mov rdi, 0x8000_0000_0000_0000
    mov rsi, 1
    syscall
    cmp rax, E_BAD_ADDRESS
    jne fail
    mov eax, SYS_SET_TP             ; a thread pointer in the kernel's half
    mov rdi, 0x100000
    syscall
    cmp rax, E_BAD_ADDRESS
    jne fail
    mov eax, SYS_CLOCK_READ         ; a clock that does not exist
    mov edi, 99
    syscall
    cmp rax, E_BAD_ARGUMENT
    jne fail
    mov rax, 0xDEAD_BEEF            ; call numbers that do not exist
    syscall
    cmp rax, E_UNKNOWN_CALL
    jne fail
    mov rax, -1
    syscall
    cmp rax, E_UNKNOWN_CALL
    jne fail
    lea rdi, [wild_text]
    mov rsi, wild_text_len
    call log
    xor edi, edi
    jmp exit

spin:
    pause
    jmp spin

bigmap:
    mov eax, SYS_MEMORY_MAP         ; more than the 4 GiB one call may reserve
    xor edi, edi
    mov rsi, (1 << 32) + 4096
    mov edx, 3
    syscall
    cmp rax, E_BAD_ARGUMENT
    jne fail
    mov eax, SYS_MEMORY_MAP         ; exactly 4 GiB, read-write
    xor edi, edi
    mov rsi, 1 << 32
    mov edx, 3
    syscall
    test rax, rax
    jle fail
    mov rbx, rax
    mov byte [rbx], 1               ; first, a middle and the last page arrive on first touch
    mov rcx, 1 << 31
    mov byte [rbx + rcx], 2
    mov rcx, (1 << 32) - 1
    mov byte [rbx + rcx], 3
    mov eax, SYS_MEMORY_UNMAP       ; the whole region, in one call
    mov rdi, rbx
    mov rsi, 1 << 32
    syscall
    test rax, rax
    jnz fail
    lea rdi, [bigmap_text]
    mov rsi, bigmap_text_len
    call log
    xor edi, edi
    jmp exit

fail:
    lea rdi, [fail_text]
    mov rsi, fail_text_len
    call log
    mov edi, 1
exit:                               ; edi = exit code
    mov eax, SYS_EXIT
    syscall
    ud2                             ; the exit call never returns

log:                                ; rdi = text, rsi = length
    mov eax, SYS_LOG_WRITE
    syscall
    ret

section .rodata
hello_text:     db "usertest: hello from ring 3", 10
hello_text_len  equ $ - hello_text
grow_text:      db "usertest: 512 KiB of stack touched", 10
grow_text_len   equ $ - grow_text
wild_text:      db "usertest: every wild call was refused", 10
wild_text_len   equ $ - wild_text
bigmap_text:    db "usertest: 4 GiB mapped, touched and unmapped", 10
bigmap_text_len equ $ - bigmap_text
fail_text:      db "usertest: FAILED", 10
fail_text_len   equ $ - fail_text
unknown_mode:   db "usertest: unknown test", 10
unknown_mode_len equ $ - unknown_mode

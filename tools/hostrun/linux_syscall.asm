; A stand-in for NexOS.UserLib/Arch/X64/syscall.asm that lets a C# user program run as a
; Linux process (./nexos hostrun): each NexOS system call the runtime layer uses becomes the
; Linux call that does the same. A test of the start code, the runtime layer and the program
; without the kernel, not part of any image. Status codes: NexOS.Abi's SyscallStatus, negated.

bits 64
default rel
section .text

BAD_ARGUMENT    equ 3
OUT_OF_MEMORY   equ 7
UNKNOWN_CALL    equ 1

; long nexos_syscall6(ulong number, ulong a0, ulong a1, ulong a2, ulong a3, ulong a4, ulong a5)
global nexos_syscall6
nexos_syscall6:
    cmp rdi, 0
    je .null
    cmp rdi, 1
    je .log_write
    cmp rdi, 2
    je .process_exit
    cmp rdi, 3
    je .yield
    cmp rdi, 4
    je .clock_read
    cmp rdi, 5
    je .sleep
    cmp rdi, 6
    je .set_thread_pointer
    cmp rdi, 16
    je .memory_map
    cmp rdi, 17
    je .memory_unmap
    cmp rdi, 18
    je .memory_protect
    mov rax, -UNKNOWN_CALL
    ret
.null:
    xor eax, eax
    ret
.log_write:                     ; write(2, text, length)
    mov edi, 2
    mov eax, 1
    syscall
    jmp .status
.process_exit:                  ; exit_group(code)
    mov rdi, rsi
    mov eax, 231
    syscall
    ud2
.yield:                         ; sched_yield()
    mov eax, 24
    syscall
    xor eax, eax
    ret
.clock_read:                    ; clock_gettime(CLOCK_MONOTONIC, &ts), as nanoseconds
    test rsi, rsi
    jnz .bad_argument
    sub rsp, 24
    mov edi, 1
    mov rsi, rsp
    mov eax, 228
    syscall
    mov rax, [rsp]
    imul rax, rax, 1000000000
    add rax, [rsp + 8]
    add rsp, 24
    ret
.sleep:                         ; nanosleep(&{ns / 1e9, ns % 1e9}, NULL)
    mov rax, rsi
    xor edx, edx
    mov ecx, 1000000000
    div rcx
    sub rsp, 24
    mov [rsp], rax
    mov [rsp + 8], rdx
    mov rdi, rsp
    xor esi, esi
    mov eax, 35
    syscall
    add rsp, 24
    xor eax, eax
    ret
.set_thread_pointer:            ; arch_prctl(ARCH_SET_FS, pointer)
    mov edi, 0x1002
    mov eax, 158
    syscall
    jmp .status
.memory_map:                    ; mmap(address, length, protection, private anonymous unreserved [fixed, no replace], -1, 0)
    mov rdi, rsi
    mov rsi, rdx
    mov rdx, rcx
    mov r10d, 0x4022
    test rdi, rdi
    jz .map_anywhere
    or r10d, 0x100000
.map_anywhere:
    mov r8, -1
    xor r9d, r9d
    mov eax, 9
    syscall
    cmp rax, -4096
    jbe .done
    mov rax, -OUT_OF_MEMORY
    ret
.memory_unmap:                  ; munmap(address, length)
    mov rdi, rsi
    mov rsi, rdx
    mov eax, 11
    syscall
    jmp .status
.memory_protect:                ; mprotect(address, length, protection)
    mov rdi, rsi
    mov rsi, rdx
    mov rdx, rcx
    mov eax, 10
    syscall
.status:                        ; a Linux error becomes BadArgument
    cmp rax, -4096
    jbe .done
.bad_argument:
    mov rax, -BAD_ARGUMENT
.done:
    ret

; long nexos_syscall_regs(ulong number, ulong* registers): IPC has no Linux counterpart here.
global nexos_syscall_regs
nexos_syscall_regs:
    mov rax, -UNKNOWN_CALL
    ret

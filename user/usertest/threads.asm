; usertest's thread modes (docs/syscalls.md, ThreadCreate/ThreadExit/ThreadJoin):
;   threads   three threads, each with its own stack, argument and thread pointer, do some
;             work, signal a notification the main thread created (one capability table per
;             process) and exit with codes 11, 22 and 33; the main thread joins them -> exit 0
;   tfault    a thread reads kernel memory while the main thread joins it -> the process is
;             ended by the page fault (code 142)
;   tblock    three threads block (IPC receive, a day's sleep, a join) and the main thread
;             joins one of them -> ends only when killed
;   tlast     the main thread leaves with ThreadExit(3) while another thread still sleeps; that
;             one leaves with ThreadExit(42) -> the process exits with 42, its last thread's code
;   thostile  bad arguments to the thread calls, each answered with its status; prints
;             "usertest: thread check <letter> failed" for each that is not, and a summary

bits 64
default rel

extern fail, exit, log

SYS_EXIT        equ 2
SYS_YIELD       equ 3
SYS_SLEEP       equ 5
SYS_THREAD_CREATE equ 32
SYS_THREAD_EXIT equ 33
SYS_THREAD_JOIN equ 34
SYS_SPAWN       equ 48
SYS_IPC_RECEIVE equ 65
SYS_NOTIFY_SIGNAL equ 69
SYS_NOTIFY_WAIT equ 70
SYS_ENDPOINT_CREATE equ 71
SYS_NOTIFICATION_CREATE equ 72
SYS_CAP_CLOSE   equ 80
E_BAD_ADDRESS   equ -2
E_BAD_ARGUMENT  equ -3
E_BAD_CAPABILITY equ -4
E_WRONG_KIND    equ -5
E_TIMED_OUT     equ -9
E_LIMIT_REACHED equ -11
MAX_THREADS     equ 64
STACK           equ 4096

; create entry, stack, argument, thread pointer: RAX = ThreadCreate's result
%macro create 4
    mov rdi, %1
    mov rsi, %2
    mov rdx, %3
    mov r10, %4
    mov eax, SYS_THREAD_CREATE
    syscall
%endmacro

; expect letter, value: reports the check as failed unless RAX holds value
%macro expect 2
    mov rcx, %2
    cmp rax, rcx
    je %%ok
    mov edi, %1
    call check_failed
%%ok:
%endmacro

section .text

global threads
threads:
    mov eax, SYS_NOTIFICATION_CREATE
    syscall
    test rax, rax
    jle fail
    mov [notification], rax
    xor r12d, r12d                  ; i
.create:
    lea rsi, [stacks]
    lea rcx, [r12 + 1]
    shl rcx, 12
    add rsi, rcx                    ; the top of stack i
    lea rdx, [r12 + 1]              ; argument i + 1
    lea r10, [tls_words]
    lea r10, [r10 + r12 * 8]        ; thread pointer: a word holding 10 * (i + 1)
    lea rdi, [worker]
    mov eax, SYS_THREAD_CREATE
    syscall
    test rax, rax
    jle fail
    lea rcx, [slots]
    mov [rcx + r12 * 8], rax
    inc r12
    cmp r12, 3
    jb .create
    xor r12d, r12d
.join:
    lea rcx, [slots]
    mov rdi, [rcx + r12 * 8]
    xor esi, esi
    mov eax, SYS_THREAD_JOIN
    syscall
    lea rcx, [r12 + 1]
    imul rcx, rcx, 11               ; thread i exits with its word plus its argument
    cmp rax, rcx
    jne fail
    inc r12
    cmp r12, 3
    jb .join
    mov rdi, [notification]         ; every thread raised its bit through the shared table
    xor esi, esi
    mov eax, SYS_NOTIFY_WAIT
    syscall
    test rax, rax
    jnz fail
    cmp rdi, 1110b
    jne fail
    lea rdi, [threads_text]
    mov rsi, threads_text_len
    call log
    xor edi, edi
    jmp exit

; RDI = argument, FS base = its word, RSP = its own stack.
worker:
    mov rbx, rdi
    mov ecx, 1000                   ; some work on its own stack
.work:
    push rcx
    call .nothing
    pop rcx
    loop .work
    mov rdi, [notification]
    mov esi, 1
    mov ecx, ebx
    shl esi, cl
    mov eax, SYS_NOTIFY_SIGNAL
    syscall
    test rax, rax
    jnz fail
    mov rdi, [fs:0]
    add rdi, rbx
    mov eax, SYS_THREAD_EXIT
    syscall
    ud2
.nothing:
    ret

global tfault
tfault:
    lea rsi, [stacks + STACK]
    lea rdi, [faulter]
    create rdi, rsi, 0, 0
    test rax, rax
    jle fail
    mov rdi, rax
    xor esi, esi
    mov eax, SYS_THREAD_JOIN
    syscall
    jmp fail                        ; the fault ends the process first

faulter:
    mov rax, [abs 0x100000]
    jmp fail

global tlast
tlast:
    lea rsi, [stacks + STACK]
    lea rdi, [late_leaver]
    create rdi, rsi, 0, 0
    test rax, rax
    jle fail
    mov edi, 3
    mov eax, SYS_THREAD_EXIT
    syscall
    ud2

late_leaver:
    mov edi, 20000000
    mov eax, SYS_SLEEP
    syscall
    mov edi, 42
    mov eax, SYS_THREAD_EXIT
    syscall
    ud2

global tblock
tblock:
    mov eax, SYS_ENDPOINT_CREATE
    syscall
    test rax, rax
    jle fail
    mov [endpoint], rax
    lea rsi, [stacks + STACK]
    lea rdi, [receiver]
    create rdi, rsi, 0, 0
    test rax, rax
    jle fail
    mov [slots], rax
    lea rsi, [stacks + 2 * STACK]
    lea rdi, [sleeper]
    create rdi, rsi, 0, 0
    test rax, rax
    jle fail
    mov [slots + 8], rax
    lea rsi, [stacks + 3 * STACK]
    lea rdi, [joiner]
    create rdi, rsi, 0, 0
    test rax, rax
    jle fail
    mov rdi, [slots + 8]            ; the main thread waits for the sleeper
    xor esi, esi
    mov eax, SYS_THREAD_JOIN
    syscall
    jmp fail

receiver:
    mov rdi, [endpoint]
    xor esi, esi
    mov eax, SYS_IPC_RECEIVE
    syscall
    jmp fail

sleeper:
    mov rdi, 86400 * 1000000000
    mov eax, SYS_SLEEP
    syscall
    jmp fail

joiner:
    mov rdi, [slots]
    xor esi, esi
    mov eax, SYS_THREAD_JOIN
    syscall
    jmp fail

; Parks until [release] is set (sleeping 10 ms at a time, never touching its stack), then
; exits with 5.
parker:
    cmp qword [release], 0
    jne .go
    mov edi, 10000000
    mov eax, SYS_SLEEP
    syscall
    jmp parker
.go:
    mov edi, 5
    mov eax, SYS_THREAD_EXIT
    syscall
    ud2

; Waits for its own capability's slot, joins itself and exits with 0 when that was refused
; with BadArgument, 1 otherwise.
self_joiner:
    mov rdi, [self_slot]
    test rdi, rdi
    jnz .join
    mov eax, SYS_YIELD
    syscall
    jmp self_joiner
.join:
    mov esi, 1000000
    mov eax, SYS_THREAD_JOIN
    syscall
    xor edi, edi
    cmp rax, E_BAD_ARGUMENT
    je .exit
    mov edi, 1
.exit:
    mov eax, SYS_THREAD_EXIT
    syscall
    ud2

global thostile
thostile:
    lea r12, [stacks + STACK]       ; a good stack
    lea r13, [parker]               ; a good entry
    create r13, 0x200000, 0, 0      ; A: a stack in the kernel's half
    expect 'A', E_BAD_ADDRESS
    create r13, 0, 0, 0             ; B: no stack
    expect 'B', E_BAD_ADDRESS
    lea rsi, [r12 - 8]
    create r13, rsi, 0, 0           ; C: a stack not 16-byte aligned
    expect 'C', E_BAD_ARGUMENT
    create r13, r12, 0, 0x100000    ; D: a thread pointer in the kernel's half
    expect 'D', E_BAD_ADDRESS
    mov edi, 63                     ; E: joining an empty slot
    xor esi, esi
    mov eax, SYS_THREAD_JOIN
    syscall
    expect 'E', E_BAD_CAPABILITY
    mov rdi, 1 << 40                ; F: joining a slot far outside the table
    xor esi, esi
    mov eax, SYS_THREAD_JOIN
    syscall
    expect 'F', E_BAD_CAPABILITY
    mov eax, SYS_NOTIFICATION_CREATE ; G: joining a notification
    syscall
    mov rbx, rax
    mov rdi, rbx
    xor esi, esi
    mov eax, SYS_THREAD_JOIN
    syscall
    expect 'G', E_WRONG_KIND
    mov rdi, rbx
    mov eax, SYS_CAP_CLOSE
    syscall
    lea rdi, [true_name]            ; H: joining a process
    mov esi, true_name_len
    xor edx, edx
    xor r10d, r10d
    xor r8d, r8d
    xor r9d, r9d
    mov eax, SYS_SPAWN
    syscall
    test rax, rax
    jle fail
    mov rbx, rax
    mov rdi, rbx
    xor esi, esi
    mov eax, SYS_THREAD_JOIN
    syscall
    expect 'H', E_WRONG_KIND
    mov rdi, rbx
    mov eax, SYS_CAP_CLOSE
    syscall
    lea rsi, [stacks + 2 * STACK]   ; I: a thread joining itself
    lea rdi, [self_joiner]
    create rdi, rsi, 0, 0
    test rax, rax
    jle fail
    mov [self_slot], rax
    mov rdi, rax
    mov rsi, 2000000000             ; (its join is refused at once; two seconds is plenty)
    mov eax, SYS_THREAD_JOIN
    syscall
    expect 'I', 0
    create r13, r12, 0, 0           ; J: a join that times out, then one that does not
    test rax, rax
    jle fail
    mov rbx, rax
    mov rdi, rbx
    mov esi, 1000000
    mov eax, SYS_THREAD_JOIN
    syscall
    expect 'J', E_TIMED_OUT
    mov rdi, rbx                    ; K: a timeout longer than a day
    mov rsi, 86401 * 1000000000
    mov eax, SYS_THREAD_JOIN
    syscall
    expect 'K', E_BAD_ARGUMENT
    mov qword [release], 1
    mov rdi, rbx
    xor esi, esi
    mov eax, SYS_THREAD_JOIN
    syscall
    expect 'L', 5
    mov rdi, rbx
    mov eax, SYS_CAP_CLOSE
    syscall
    mov qword [release], 0
    xor r14d, r14d                  ; M: threads up to the limit (their capabilities closed,
.more:                              ; so the table never fills): 63 besides this one
    create r13, r12, 0, 0
    test rax, rax
    jle .refused
    mov rdi, rax
    mov eax, SYS_CAP_CLOSE
    syscall
    inc r14
    cmp r14, MAX_THREADS + 16
    jb .more
.refused:
    expect 'M', E_LIMIT_REACHED
    mov rax, r14
    expect 'N', MAX_THREADS - 1
    mov qword [release], 1          ; O: once they have left, threads can be made again
    mov r14d, 500
.again:
    create r13, r12, 0, 0
    test rax, rax
    jg .made
    mov edi, 10000000
    mov eax, SYS_SLEEP
    syscall
    dec r14d
    jnz .again
.made:
    mov rdi, rax
    xor esi, esi
    mov eax, SYS_THREAD_JOIN
    syscall
    expect 'O', 5
    lea rsi, [stacks + STACK]       ; P: an entry in the kernel's half (last: with the guard
    create 0x100000, rsi, 0, 0      ; broken the thread faults, and the process ends)
    expect 'P', E_BAD_ADDRESS
    mov rdi, 0x8000000000000000     ; Q: a non-canonical entry
    lea rsi, [stacks + STACK]
    mov rdx, 0
    mov r10, 0
    mov eax, SYS_THREAD_CREATE
    syscall
    expect 'Q', E_BAD_ADDRESS
    cmp qword [failures], 0
    jne .failed
    lea rdi, [hostile_text]
    mov rsi, hostile_text_len
    call log
    xor edi, edi
    jmp exit
.failed:
    mov edi, 1
    jmp exit

; EDI = the check's letter: logs that it failed and counts it.
check_failed:
    mov [check_text + check_letter], dil
    inc qword [failures]
    lea rdi, [check_text]
    mov rsi, check_text_len
    jmp log

section .rodata
threads_text:   db "usertest: 3 threads joined with codes 11 22 33", 10
threads_text_len equ $ - threads_text
hostile_text:   db "usertest: every hostile thread call was refused", 10
hostile_text_len equ $ - hostile_text
true_name:      db "true"
true_name_len   equ $ - true_name

section .data
tls_words:      dq 10, 20, 30
check_text:     db "usertest: thread check ? failed", 10
check_text_len  equ $ - check_text
check_letter    equ 23

section .bss
alignb 16
stacks:         resb 4 * STACK
slots:          resq 4
notification:   resq 1
endpoint:       resq 1
self_slot:      resq 1
release:        resq 1
failures:       resq 1

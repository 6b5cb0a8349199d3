; The start of a C# user program (docs/writing-programs.md). The kernel's loader enters
; _start in ring 3 with RSP at argc of the System V start block (argc, argv..., 0, envp...,
; 0, auxv pairs) and sets up no thread-local storage; this builds the main thread's TLS
; block, starts the runtime layer and the class library, runs the program's Main through
; ilc's __managed__Main and ends the process with its result. Every system call goes through
; nexos_syscall6 (syscall.asm), so a host test can link another implementation.

bits 64
default rel

SYS_PROCESS_EXIT        equ 2
SYS_SET_THREAD_POINTER  equ 6
TLS_BLOCK_SIZE          equ 8192
AT_RANDOM               equ 25

extern NexOSUserEarlyInit
extern nexos_syscall6
extern NexOSUserStart
extern InitializeModules
extern __managed__Startup
extern __managed__Main
extern __program_start
extern __program_end
extern __start___modules
extern __stop___modules
extern __tdata_start
extern __tdata_size
extern __tls_memsz
extern __tls_align
extern GetRuntimeException
extern RuntimeFailFast
extern ThreadEntryPoint
extern AppendExceptionStackFrame
extern GetSystemArrayEEType
extern OnFirstChanceException
extern OnUnhandledException
extern __security_cookie

section .text
global _start
_start:
    xor ebp, ebp                            ; the outermost frame
    mov r12, rsp                            ; the start block: kept in a callee-saved register
    and rsp, -16                            ; every call into compiled code needs 16-byte alignment

    ; The stack-protector cookie: eight of the loader's 16 AT_RANDOM bytes, stored before any
    ; compiled code runs (a frame holding the old value would fail its check on return).
    ; Past argv and envp to the auxiliary vector, which ends with AT_NULL.
    mov rcx, [r12]
    lea rsi, [r12 + rcx * 8 + 16]           ; envp
.skip_envp:
    cmp qword [rsi], 0
    je .auxv
    add rsi, 8
    jmp .skip_envp
.auxv:
    add rsi, 8
.next_aux:
    mov rax, [rsi]
    test rax, rax
    jz .cookie_done
    cmp rax, AT_RANDOM
    je .random
    add rsi, 16
    jmp .next_aux
.random:
    mov rax, [rsi + 8]
    mov rax, [rax]
    mov [rel __security_cookie], rax
.cookie_done:

    ; TLS (x86-64 ELF variant II): the PT_TLS image (.tdata copied, .tbss zero, as the link
    ; script lays it out) ends at the thread pointer, and the word at the thread pointer holds
    ; the pointer itself. The block is in .bss, so it is already zero.
    mov rax, __tls_memsz
    mov rcx, __tls_align
    dec rcx
    add rax, rcx
    not rcx
    and rax, rcx                            ; the block's size, aligned
    lea rbx, [tls_top]
    mov rdi, rbx
    sub rdi, rax
    mov rsi, __tdata_start
    mov rcx, __tdata_size
    rep movsb
    mov [rbx], rbx
    mov edi, SYS_SET_THREAD_POINTER
    mov rsi, rbx
    call nexos_syscall6
    test rax, rax
    jnz .fail

    ; Boot heap and the platform's view of the process (no managed object may exist yet).
    mov rdi, r12
    mov rsi, rbx
    call NexOSUserEarlyInit
    test eax, eax
    jz .fail

    ; The class library: InitializeModules(osModule, headers, count, classlibFunctions, n),
    ; then the module initialisers.
    mov rdi, __program_start
    mov rsi, __start___modules
    mov rdx, __stop___modules
    sub rdx, rsi
    shr rdx, 3
    lea rcx, [classlib_functions]
    mov r8d, (classlib_functions_end - classlib_functions) / 8
    call InitializeModules
    call __managed__Startup

    ; The collected heap and the unhandled-exception report, then Main(argc, argv).
    call NexOSUserStart
    mov edi, [r12]
    lea rsi, [r12 + 8]
    call __managed__Main
    mov esi, eax
    jmp .exit
.fail:
    mov esi, 134
.exit:
    movsxd rsi, esi
    mov edi, SYS_PROCESS_EXIT
    call nexos_syscall6
    ud2

global nexos_pause
nexos_pause:
    pause
    ret

; The linker's view of the program for the runtime layer (NexOS.Runtime/ImageLayout.cs):
; the same ten pairs as the kernel's table; the pair the kernel uses for its boot stack is 0.
extern __text_start
extern __text_end
extern __eh_frame_hdr_start
extern __eh_frame_hdr_end
extern __eh_frame_start
extern __eh_frame_end
extern __start___managedcode
extern __stop___managedcode
extern __start___unbox
extern __stop___unbox
global nexos_image_layout
nexos_image_layout:             ; ulong* ()
    lea rax, [image_layout]
    ret

section .rodata
align 8
image_layout:
    dq __program_start, __program_end
    dq __text_start, __text_end
    dq __eh_frame_hdr_start, __eh_frame_hdr_end
    dq __eh_frame_start, __eh_frame_end
    dq 0, 0
    dq __start___managedcode, __stop___managedcode
    dq __start___unbox, __stop___unbox
    dq __tdata_start, __tdata_size, __tls_memsz, __tls_align
    dq 0, 0

; The order is the class library's contract (ClassLibFunctionId); see docs/runtime-layer.md.
classlib_functions:
    dq GetRuntimeException                  ; 0
    dq RuntimeFailFast                      ; 1
    dq ThreadEntryPoint                     ; 2
    dq AppendExceptionStackFrame            ; 3
    dq 0                                    ; 4: unused
    dq GetSystemArrayEEType                 ; 5
    dq OnFirstChanceException               ; 6
    dq OnUnhandledException                 ; 7
    dq 0, 0, 0, 0                           ; 8-11: Objective-C interop, not on this platform
classlib_functions_end:

section .bss
alignb 4096
tls_block:  resb TLS_BLOCK_SIZE
tls_top:    resb 64

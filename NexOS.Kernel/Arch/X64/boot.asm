; NexOS boot stub: multiboot2 header, 32-bit protected mode -> long mode, then the
; runtime start-up sequence that hands control to managed code.
;
; GRUB enters _start in 32-bit protected mode with paging off, EAX = multiboot2 magic and
; EBX = physical address of the boot information. Everything the stub builds (page tables,
; stack) lives in .bss, which GRUB zero-fills when it loads the ELF image.

bits 32

MB2_MAGIC        equ 0xE85250D6
MB2_BOOT_MAGIC   equ 0x36D76289
COM1             equ 0x3F8

section .multiboot2 progbits alloc noexec nowrite align=8
mb2_header:
    dd MB2_MAGIC
    dd 0                                    ; architecture: i386 protected mode
    dd mb2_header_end - mb2_header
    dd 0x100000000 - (MB2_MAGIC + (mb2_header_end - mb2_header))
    ; Framebuffer request (type 5), optional: GRUB keeps text mode when grub.cfg says
    ; gfxpayload=text and reports the EGA text buffer in the framebuffer tag.
    align 8
    dw 5, 1
    dd 20
    dd 0, 0, 0
    ; End tag.
    align 8
    dw 0, 0
    dd 8
mb2_header_end:

section .boot32 progbits alloc exec nowrite align=16
global _start
_start:
    cli
    cld
    mov esp, boot_stack_top
    mov [boot_magic], eax
    mov [boot_info], ebx
    rdtsc                                   ; boot time is measured from here
    mov [boot_entry_tsc], eax
    mov [boot_entry_tsc + 4], edx
    mov eax, [boot_magic]

    cmp eax, MB2_BOOT_MAGIC
    jne .not_multiboot

    ; Long mode needs CPUID leaf 0x80000001 EDX bit 29.
    mov eax, 0x80000000
    cpuid
    cmp eax, 0x80000001
    jb .no_long_mode
    mov eax, 0x80000001
    cpuid
    test edx, 1 << 29
    jz .no_long_mode
    mov [ext_features_edx], edx

    ; Identity-map the first 4 GiB with 2 MiB pages: PML4[0] -> PDPT, PDPT[0..3] -> four
    ; page directories of 512 entries each. The kernel replaces these tables once it owns
    ; virtual memory; until then RAM, the image and the local/IO APIC are all reachable.
    mov eax, boot_pdpt
    or eax, 0x3
    mov [boot_pml4], eax
    mov ecx, 0
.fill_pdpt:
    mov eax, ecx
    shl eax, 12
    add eax, boot_pd
    or eax, 0x3
    mov [boot_pdpt + ecx * 8], eax
    inc ecx
    cmp ecx, 4
    jne .fill_pdpt
    mov ecx, 0
.fill_pd:
    mov eax, ecx
    shl eax, 21
    or eax, 0x83                            ; present, writable, 2 MiB page
    mov [boot_pd + ecx * 8], eax
    mov eax, ecx
    shr eax, 11                             ; high dword of the physical address
    mov [boot_pd + ecx * 8 + 4], eax
    inc ecx
    cmp ecx, 2048
    jne .fill_pd

    mov eax, cr4
    or eax, 1 << 5                          ; PAE
    mov cr4, eax
    ; The first 2 MiB get 4 KiB pages instead, with page 0 left out, so that a null pointer
    ; dereference faults (and becomes a NullReferenceException) rather than reading the
    ; real-mode interrupt table.
    mov ecx, 1
.fill_pt:
    mov eax, ecx
    shl eax, 12
    or eax, 0x3
    mov [boot_pt + ecx * 8], eax
    inc ecx
    cmp ecx, 512
    jne .fill_pt
    mov eax, boot_pt
    or eax, 0x3
    mov [boot_pd], eax
    mov dword [boot_pd + 4], 0

    mov eax, boot_pml4
    mov cr3, eax
    mov ecx, 0xC0000080                     ; EFER
    rdmsr
    or eax, 1 << 8                          ; LME
    test dword [ext_features_edx], 1 << 20
    jz .no_nx
    or eax, 1 << 11                         ; NXE, so later page tables may use the NX bit
.no_nx:
    wrmsr
    mov eax, cr0
    or eax, (1 << 31) | (1 << 16) | 1       ; PG, WP, PE
    mov cr0, eax
    lgdt [boot_gdt_ptr]
    jmp 0x08:long_mode_entry

.not_multiboot:
    mov esi, msg_not_multiboot
    jmp fail32
.no_long_mode:
    mov esi, msg_no_long_mode
fail32:
    ; Polled COM1 output: the 16550 is not initialised yet, but QEMU and most
    ; firmware leave it usable at its reset settings.
.next:
    lodsb
    test al, al
    jz .halt
    mov dx, COM1 + 5
    mov ah, al
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    mov al, ah
    mov dx, COM1
    out dx, al
    jmp .next
.halt:
    hlt
    jmp .halt

msg_not_multiboot: db "NexOS: not loaded by a multiboot2 loader", 13, 10, 0
msg_no_long_mode:  db "NexOS: this CPU has no 64-bit long mode", 13, 10, 0

align 8
boot_gdt:
    dq 0
    dq 0x00AF9A000000FFFF                   ; 0x08: 64-bit code
    dq 0x00CF92000000FFFF                   ; 0x10: data
boot_gdt_end:
boot_gdt_ptr:
    dw boot_gdt_end - boot_gdt - 1
    dd boot_gdt

bits 64
extern NexOSEarlyInit
extern InitializeModules
extern __managed__Startup
extern NexOSMain
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
extern __kernel_start
extern nexos_percpu0
extern nexos_klock_acquire

%include "frame.inc"

long_mode_entry:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov fs, ax
    mov gs, ax
    mov rsp, boot_stack_top

    ; GS base: the boot CPU's per-CPU block (smp.asm), which the preemption flags the
    ; allocator touches live in, so it must be in place before any C# runs.
    mov rax, nexos_percpu0
    mov [rax + PCPU_SELF], rax
    mov ecx, GS_BASE_MSR
    mov rdx, rax
    shr rdx, 32
    wrmsr
    ; The boot CPU runs kernel code from here on, so it holds the kernel lock (smp.asm) until
    ; it first leaves for ring 3 or halts in its idle thread.
    call nexos_klock_acquire

    ; SSE: clear CR0.EM, set CR0.MP; set CR4.OSFXSR and CR4.OSXMMEXCPT.
    mov rax, cr0
    and rax, ~(1 << 2)
    or rax, 1 << 1
    mov cr0, rax
    mov rax, cr4
    or rax, (1 << 9) | (1 << 10)
    mov cr4, rax

    ; Thread-local storage of the boot thread (x86-64 ELF variant II): the block sits just
    ; below the thread pointer, .tdata copied and .tbss zeroed (the stack area is already
    ; zero), and the word at the thread pointer holds the thread pointer itself.
    mov rax, __tls_memsz
    mov rcx, __tls_align
    dec rcx
    add rax, rcx
    not rcx
    and rax, rcx                            ; aligned block size
    mov rbx, boot_tls_top
    mov rdi, rbx
    sub rdi, rax
    mov rsi, __tdata_start
    mov rcx, __tdata_size
    rep movsb
    mov [rbx], rbx
    mov ecx, 0xC0000100                     ; FS base
    mov eax, ebx
    mov rdx, rbx
    shr rdx, 32
    wrmsr

    ; Early runtime set-up in C#: serial console and the boot heap. No managed object may be
    ; allocated before this returns.
    mov edi, [boot_magic]
    mov esi, [boot_info]
    mov rdx, [boot_entry_tsc]
    call NexOSEarlyInit

    ; Register the module with the class library: InitializeModules(osModule, headers,
    ; count, classlibFunctions, classlibFunctionCount).
    mov rdi, __kernel_start
    mov rsi, __start___modules
    mov rdx, __stop___modules
    sub rdx, rsi
    shr rdx, 3
    mov rcx, classlib_functions
    mov r8d, (classlib_functions_end - classlib_functions) / 8
    call InitializeModules
    call __managed__Startup

    mov edi, [boot_magic]
    mov esi, [boot_info]
    call NexOSMain
.halt:
    cli
    hlt
    jmp .halt

section .rodata
align 8
; The order is the class library's contract (ClassLibFunctionId).
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
global boot_pml4                            ; application processors start on these tables (smp.asm)
boot_pml4:  resb 4096
boot_pdpt:  resb 4096
boot_pd:    resb 4 * 4096
boot_pt:    resb 4096
boot_tls:   resb 4096
boot_tls_top: resb 64
; The boot stack starts on a page of its own with an unused page below it, which the
; kernel's page tables leave unmapped: an overflow faults instead of corrupting the TLS
; block further down.
alignb 4096
boot_stack_guard: resb 4096
boot_stack: resb 256 * 1024
boot_stack_top:
global boot_magic
global boot_info
boot_magic: resd 1
boot_info:  resd 1
boot_entry_tsc: resq 1
ext_features_edx: resd 1

; The linker's view of the image, for C# (KernelImage in Platform/KernelImage.cs reads
; these words in this order; the shared runtime layer's ImageLayout reads the first fourteen
; through nexos_image_layout, which a user program's start code provides in the same layout).
extern __kernel_end
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
extern __rodata_start
extern __data_start
section .rodata
align 8
kernel_image_table:
    dq __kernel_start, __kernel_end
    dq __text_start, __text_end
    dq __eh_frame_hdr_start, __eh_frame_hdr_end
    dq __eh_frame_start, __eh_frame_end
    dq boot_stack, boot_stack_top
    dq __start___managedcode, __stop___managedcode
    dq __start___unbox, __stop___unbox
    dq __tdata_start, __tdata_size, __tls_memsz, __tls_align
    dq __rodata_start, __data_start
section .text
global nexos_kernel_image, nexos_image_layout
nexos_kernel_image:             ; ulong* ()
nexos_image_layout:
    lea rax, [rel kernel_image_table]
    ret

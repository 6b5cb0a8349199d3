; Small CPU primitives for C#. Every routine follows the System V AMD64 ABI: arguments in
; RDI, RSI, RDX, RCX; result in RAX; only caller-saved registers are clobbered.
; The C# declarations are all in Platform/Native.cs.

bits 64
default rel
section .text

global nexos_outb, nexos_inb, nexos_outw, nexos_inw, nexos_outd, nexos_ind
nexos_outb:                 ; void (ushort port, byte value)
    mov edx, edi
    mov eax, esi
    out dx, al
    ret
nexos_inb:                  ; byte (ushort port)
    mov edx, edi
    xor eax, eax
    in al, dx
    ret
nexos_outw:                 ; void (ushort port, ushort value)
    mov edx, edi
    mov eax, esi
    out dx, ax
    ret
nexos_inw:                  ; ushort (ushort port)
    mov edx, edi
    xor eax, eax
    in ax, dx
    ret
nexos_outd:                 ; void (ushort port, uint value)
    mov edx, edi
    mov eax, esi
    out dx, eax
    ret
nexos_ind:                  ; uint (ushort port)
    mov edx, edi
    in eax, dx
    ret

global nexos_cli, nexos_sti, nexos_hlt, nexos_wait_for_interrupt, nexos_pause, nexos_read_flags
nexos_cli:
    cli
    ret
nexos_sti:
    sti
    ret
nexos_hlt:
    hlt
    ret
nexos_wait_for_interrupt:   ; sti;hlt is atomic: an interrupt pending at sti still wakes hlt
    sti
    hlt
    ret
nexos_pause:
    pause
    ret
nexos_read_flags:           ; ulong ()
    pushfq
    pop rax
    ret

global nexos_save_flags_and_cli
nexos_save_flags_and_cli:   ; ulong (): RFLAGS as they were, then interrupts off
    pushfq
    pop rax
    cli
    ret

global nexos_rdtsc, nexos_read_cr0, nexos_read_cr2, nexos_read_cr3, nexos_read_cr4
nexos_rdtsc:                ; ulong ()
    rdtsc
    shl rdx, 32
    or rax, rdx
    ret
nexos_read_cr0:
    mov rax, cr0
    ret
nexos_read_cr2:
    mov rax, cr2
    ret
nexos_read_cr3:
    mov rax, cr3
    ret
nexos_read_cr4:
    mov rax, cr4
    ret

global nexos_rdmsr, nexos_wrmsr, nexos_cpuid
nexos_rdmsr:                ; ulong (uint msr)
    mov ecx, edi
    rdmsr
    shl rdx, 32
    or rax, rdx
    ret
nexos_wrmsr:                ; void (uint msr, ulong value)
    mov ecx, edi
    mov eax, esi
    mov rdx, rsi
    shr rdx, 32
    wrmsr
    ret
nexos_cpuid:                ; void (uint leaf, uint subleaf, uint* result4)
    push rbx
    mov r8, rdx
    mov eax, edi
    mov ecx, esi
    cpuid
    mov [r8], eax
    mov [r8 + 4], ebx
    mov [r8 + 8], ecx
    mov [r8 + 12], edx
    pop rbx
    ret

global nexos_load_gdt, nexos_load_idt, nexos_load_tr
nexos_load_gdt:             ; void (DescriptorPointer* gdtr, ushort codeSelector, ushort dataSelector)
    lgdt [rdi]
    mov ax, dx
    mov ds, ax
    mov es, ax
    mov ss, ax
    ; FS and GS keep their selectors' reload out: reloading them would clear the FS base
    ; that holds the thread pointer.
    pop rax                 ; return address
    push rsi                ; new CS
    push rax
    retfq                   ; far return reloads CS
nexos_load_idt:             ; void (DescriptorPointer* idtr)
    lidt [rdi]
    ret
nexos_load_tr:              ; void (ushort selector)
    ltr di
    ret

global nexos_read_rbp, nexos_read_rsp
nexos_read_rbp:
    mov rax, rbp
    ret
nexos_read_rsp:
    lea rax, [rsp + 8]
    ret

global nexos_ud2
nexos_ud2:                  ; raises #UD on purpose (the `crash` shell command)
    ud2
    ret

global nexos_clflush
nexos_clflush:              ; void (ulong address): write the line back to RAM and drop it
    clflush [rdi]
    mfence                  ; done before anything that follows (a command to a device)
    ret

global nexos_write_cr3, nexos_invlpg
nexos_write_cr3:            ; void (ulong pml4Physical): switch address space, flush the TLB
    mov cr3, rdi
    ret
nexos_invlpg:               ; void (ulong virtualAddress): drop one page's TLB entry
    invlpg [rdi]
    ret

using System.Runtime;
using System.Runtime.CompilerServices;

namespace NexOS.Runtime;

/// <summary>The shared assembly routines (NexOS.Runtime/Arch/X64/*.asm) that C# calls.</summary>
internal static unsafe class RuntimeNative
{
    private const string Asm = "*";

    /// <summary>Pushes the callee-saved registers and runs a collection (NexOSCollect) on this
    /// stack. Interrupts are off.</summary>
    [RuntimeImport(Asm, "nexos_collect_with_registers"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void CollectWithRegisters();

    /// <summary>Installs the boot heap's card table for the write barriers. The caller
    /// guarantees that <paramref name="table"/> has a byte for every 512 bytes of the span and
    /// stays allocated for good; interrupts are off.</summary>
    [RuntimeImport(Asm, "nexos_set_card_table"), MethodImpl(MethodImplOptions.InternalCall)]
    public static extern void SetCardTable(byte* table, ulong spanBase, ulong span);
}

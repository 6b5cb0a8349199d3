using NexOS.Kernel.Platform;
using NexOS.Runtime;

namespace NexOS.Kernel.Arch.X64;

/// <summary>The interrupt descriptor table: all 256 vectors enter through interrupts.asm's
/// stubs and reach <see cref="Interrupts.Dispatch"/>.</summary>
internal static unsafe class Idt
{
    private const int Vectors = 256;
    private const byte InterruptGate = 0x8E;

    private static ulong* s_table;

    public static void Initialize()
    {
        s_table = (ulong*)ArchSupport.Allocate(Vectors * 16, "no memory for the IDT");

        ulong* stubs = Native.IsrStubTable();
        for (int v = 0; v < Vectors; v++)
        {
            int ist = v switch
            {
                2 => Gdt.NmiStack,
                8 => Gdt.DoubleFaultStack,
                18 => Gdt.MachineCheckStack,

                // A page fault from a stack overflow cannot push its frame on the full stack.
                14 => Gdt.PageFaultStack,
                _ => 0,
            };
            ulong handler = stubs[v];
            s_table[v * 2] = (handler & 0xFFFF)
                | ((ulong)Gdt.KernelCode << 16)
                | ((ulong)ist << 32)
                | ((ulong)InterruptGate << 40)
                | (((handler >> 16) & 0xFFFF) << 48);
            s_table[(v * 2) + 1] = handler >> 32;
        }

        Load();
    }

    /// <summary>Loads the table on the CPU running this (every CPU shares it).</summary>
    public static void Load()
    {
        DescriptorPointer idtr = new((ushort)(Vectors * 16 - 1), (ulong)s_table);
        Native.LoadIdt(&idtr);
    }
}

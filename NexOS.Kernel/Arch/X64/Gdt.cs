using NexOS.Kernel.Platform;
using NexOS.Runtime;

namespace NexOS.Kernel.Arch.X64;

/// <summary>
/// The kernel's GDT and TSS, one of each per CPU. The TSS gives the double fault, NMI and machine check handlers
/// stacks of their own (IST1..IST3), so a kernel stack overflow is reported instead of
/// turning into a triple fault.
/// </summary>
internal static unsafe class Gdt
{
    public const ushort KernelCode = 0x08;
    public const ushort KernelData = 0x10;
    public const ushort UserData = 0x18 | 3;
    public const ushort UserCode = 0x20 | 3;
    public const ushort TaskState = 0x28;

    public const int DoubleFaultStack = 1;
    public const int NmiStack = 2;
    public const int MachineCheckStack = 3;
    public const int PageFaultStack = 4;

    private const int EntryCount = 7;
    private const int TssSize = 104;
    private const ulong IstStackSize = 16 * 1024;

    // Per CPU: each CPU loads its own GDT, because a TSS descriptor is marked busy when
    // loaded and each CPU needs its own TSS (its own kernel stack and IST stacks).
    private static ulong** s_tables;
    private static byte** s_tss;

    /// <summary>Builds and loads the boot CPU's GDT and TSS. Runs once, with the heap up.</summary>
    public static void Initialize()
    {
        s_tables = (ulong**)Allocate(PerCpu.MaxCpus * (ulong)sizeof(ulong*));
        s_tss = (byte**)Allocate(PerCpu.MaxCpus * (ulong)sizeof(byte*));
        for (int i = 0; i < PerCpu.MaxCpus; i++)
        {
            s_tables[i] = null;
            s_tss[i] = null;
        }

        Prepare(0);
        Load(0);
    }

    /// <summary>Builds the GDT and TSS of CPU <paramref name="cpu"/> (not started yet), on
    /// the boot CPU, so that the heap is touched there only.</summary>
    public static void Prepare(int cpu)
    {
        ulong* table = (ulong*)Allocate(EntryCount * 8);
        byte* tss = (byte*)Allocate(TssSize);
        for (int i = 0; i < TssSize; i++)
        {
            tss[i] = 0;
        }

        table[0] = 0;
        table[1] = 0x00AF_9A00_0000_FFFF; // kernel code: present, ring 0, 64-bit
        table[2] = 0x00CF_9200_0000_FFFF; // kernel data
        table[3] = 0x00CF_F200_0000_FFFF; // user data, ring 3
        table[4] = 0x00AF_FA00_0000_FFFF; // user code, ring 3, 64-bit
        s_tables[cpu] = table;
        s_tss[cpu] = tss;

        SetIst(tss, DoubleFaultStack, AllocateStack());
        SetIst(tss, NmiStack, AllocateStack());
        SetIst(tss, MachineCheckStack, AllocateStack());
        SetIst(tss, PageFaultStack, AllocateStack());
        *(ushort*)(tss + 102) = TssSize; // I/O permission bitmap offset: none

        // A 64-bit TSS descriptor takes two entries.
        ulong address = (ulong)tss;
        ulong limit = TssSize - 1;
        table[5] = (limit & 0xFFFF) | ((address & 0xFF_FFFF) << 16) | (0x89UL << 40) | (((address >> 24) & 0xFF) << 56);
        table[6] = address >> 32;
    }

    /// <summary>Loads CPU <paramref name="cpu"/>'s GDT and TSS on the CPU running this.</summary>
    public static void Load(int cpu)
    {
        DescriptorPointer gdtr = new((ushort)(EntryCount * 8 - 1), (ulong)s_tables[cpu]);
        Native.LoadGdt(&gdtr, KernelCode, KernelData);
        Native.LoadTaskRegister(TaskState);
    }

    /// <summary>Sets the stack the CPU switches to on entry to ring 0 from user mode.</summary>
    public static void SetKernelStack(ulong top) => *(ulong*)(s_tss[PerCpu.Index] + 4) = top;

    private static void SetIst(byte* tss, int index, ulong top) => *(ulong*)(tss + 36 + ((index - 1) * 8)) = top;

    private static ulong AllocateStack() => ((ulong)Allocate(IstStackSize) + IstStackSize) & ~15UL;

    private static void* Allocate(ulong size) => ArchSupport.Allocate(size, "no memory for the GDT");
}

/// <summary>The operand of LGDT and LIDT.</summary>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential, Pack = 1)]
internal readonly struct DescriptorPointer
{
    public readonly ushort Limit;
    public readonly ulong Base;

    public DescriptorPointer(ushort limit, ulong baseAddress)
    {
        Limit = limit;
        Base = baseAddress;
    }
}

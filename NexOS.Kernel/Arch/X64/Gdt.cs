using NexOS.Kernel.Platform;
using NexOS.Runtime;

namespace NexOS.Kernel.Arch.X64;

/// <summary>
/// The kernel's GDT and TSS. The TSS gives the double fault, NMI and machine check handlers
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

    private static ulong* s_table;
    private static byte* s_tss;

    /// <summary>Builds and loads the GDT and TSS. Runs once, on the boot CPU, with the heap up.</summary>
    public static void Initialize()
    {
        s_table = (ulong*)Allocate(EntryCount * 8);
        s_tss = (byte*)Allocate(TssSize);
        s_table[0] = 0;
        s_table[1] = 0x00AF_9A00_0000_FFFF; // kernel code: present, ring 0, 64-bit
        s_table[2] = 0x00CF_9200_0000_FFFF; // kernel data
        s_table[3] = 0x00CF_F200_0000_FFFF; // user data, ring 3
        s_table[4] = 0x00AF_FA00_0000_FFFF; // user code, ring 3, 64-bit

        SetIst(DoubleFaultStack, AllocateStack());
        SetIst(NmiStack, AllocateStack());
        SetIst(MachineCheckStack, AllocateStack());
        SetIst(PageFaultStack, AllocateStack());
        *(ushort*)(s_tss + 102) = TssSize; // I/O permission bitmap offset: none

        // A 64-bit TSS descriptor takes two entries.
        ulong tss = (ulong)s_tss;
        ulong limit = TssSize - 1;
        s_table[5] = (limit & 0xFFFF) | ((tss & 0xFF_FFFF) << 16) | (0x89UL << 40) | (((tss >> 24) & 0xFF) << 56);
        s_table[6] = tss >> 32;

        DescriptorPointer gdtr = new((ushort)(EntryCount * 8 - 1), (ulong)s_table);
        Native.LoadGdt(&gdtr, KernelCode, KernelData);
        Native.LoadTaskRegister(TaskState);
    }

    /// <summary>Sets the stack the CPU switches to on entry to ring 0 from user mode.</summary>
    public static void SetKernelStack(ulong top) => *(ulong*)(s_tss + 4) = top;

    private static void SetIst(int index, ulong top) => *(ulong*)(s_tss + 36 + ((index - 1) * 8)) = top;

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

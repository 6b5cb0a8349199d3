using System.Threading;
using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Arch.X64;

/// <summary>
/// The per-CPU blocks: one small unmanaged block per CPU, which the CPU reaches through its GS
/// base (kernel code never changes GS; the entry paths SWAPGS across ring 3). The layout is
/// frame.inc's PCPU_* offsets. The boot CPU's block is static (boot.asm points GS at it before
/// any C# runs); an application processor's is made by <see cref="Create"/> before it starts.
/// Other CPUs' blocks are read and written only through the few members here that say so.
/// </summary>
internal static unsafe class PerCpu
{
    /// <summary>The most CPUs NexOS drives: the table in smp.asm has this many slots. xAPIC
    /// IDs go up to 255; a machine with more CPUs runs on the first 64.</summary>
    public const int MaxCpus = 64;

    // Word offsets (frame.inc).
    public const int KernelRspWord = 0;
    public const int UserRspWord = 1;
    public const int KernelFsWord = 2;
    public const int UserFsWord = 3;
    public const int ThreadIdWord = 5;
    public const int SelfWord = 6;
    public const int Words = 16;

    // Byte offsets of the flags (frame.inc).
    private const int IndexByte = 32;
    private const int IdleHaltedByte = 36;
    private const int TlbRequestByte = 37;

    private static ulong* s_table;
    private static ulong* s_tlbPending;

    /// <summary>This CPU's index: 0 for the boot CPU, then in the order they were started.</summary>
    public static int Index => Native.CpuIndex();

    /// <summary>This CPU's block.</summary>
    public static ulong* This => Native.PerCpuSelf();

    /// <summary>Finds the table of blocks; once, on the boot CPU, before any other CPU starts.</summary>
    public static void Initialize()
    {
        ulong* data = stackalloc ulong[4];
        Native.SmpData(data);
        s_table = (ulong*)data[1];
        s_tlbPending = (ulong*)data[2];
    }

    /// <summary>The block of CPU <paramref name="cpu"/>, or null when it has none.</summary>
    public static ulong* Block(int cpu) => (uint)cpu < MaxCpus ? (ulong*)s_table[cpu] : null;

    /// <summary>Makes the block of CPU <paramref name="cpu"/> (not yet started) and enters it in
    /// the table. Boot CPU, with interrupts off.</summary>
    public static ulong* Create(int cpu)
    {
        var block = (ulong*)ArchSupport.Allocate(Words * sizeof(ulong), "no memory for a per-CPU block");
        for (int i = 0; i < Words; i++)
        {
            block[i] = 0;
        }

        *(int*)((byte*)block + IndexByte) = cpu;
        block[SelfWord] = (ulong)block;
        s_table[cpu] = (ulong)block;
        return block;
    }

    /// <summary>True while CPU <paramref name="cpu"/> halts in its idle thread without the
    /// kernel lock (an interrupt is what wakes it).</summary>
    public static bool IsIdleHalted(int cpu)
    {
        ulong* block = Block(cpu);
        return block != null && Volatile.Read(ref *((byte*)block + IdleHaltedByte)) != 0;
    }

    /// <summary>Asks CPU <paramref name="cpu"/> to flush its TLB and counts one answer more to
    /// wait for (<see cref="TlbAnswersPending"/>). The caller holds the kernel lock and sends
    /// the interrupt that makes a running CPU look.</summary>
    public static void RequestTlbFlush(int cpu)
    {
        Interlocked.Increment(ref *(int*)s_tlbPending);
        Volatile.Write(ref *((byte*)Block(cpu) + TlbRequestByte), (byte)1);
    }

    /// <summary>True while CPU <paramref name="cpu"/> has not answered a flush request.</summary>
    public static bool TlbRequested(int cpu)
    {
        ulong* block = Block(cpu);
        return block != null && Volatile.Read(ref *((byte*)block + TlbRequestByte)) != 0;
    }

    /// <summary>TLB flush requests not answered yet.</summary>
    public static int TlbAnswersPending => Volatile.Read(ref *(int*)s_tlbPending);
}

using System.Threading;
using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Arch.X64;

/// <summary>
/// Starting an application processor (AP): the trampoline (smp.asm) is copied to a page below
/// 1 MiB, its start block filled in, and the AP woken with INIT, then up to two start-up IPIs,
/// as Intel's multiprocessor specification prescribes. The AP reaches long mode on its own,
/// moves to the kernel's page tables and the stack it is given, takes the kernel lock and calls
/// NexOSApMain. One AP at a time: the trampoline and its start block are shared.
/// </summary>
internal static unsafe class ApStartup
{
    /// <summary>Where the trampoline runs: page 8 (smp.asm's TRAMPOLINE_BASE).</summary>
    public const ulong TrampolineBase = 0x8000;

    private const ulong EferMsr = 0xC000_0080;
    private const uint EferLongMode = 1 << 8;
    private const uint EferNoExecute = 1 << 11;
    private const ulong InitDelayNs = 10_000_000;
    private const ulong StartupDelayNs = 200_000;
    private const ulong ArrivalTimeoutNs = 200_000_000;

    // The start block's fields, in bytes (smp.asm).
    private const int BootCr3 = 0;
    private const int EferBits = 4;
    private const int Entry = 8;
    private const int KernelCr3 = 16;
    private const int Cr0 = 24;
    private const int Cr4 = 32;
    private const int Stack = 40;
    private const int FsBase = 48;
    private const int GsBase = 56;
    private const int Arrived = 64;

    /// <summary>
    /// Starts the CPU with local APIC ID <paramref name="apicId"/> as CPU <paramref name="cpu"/>
    /// on the stack below <paramref name="stackTop"/> with FS base <paramref name="threadPointer"/>
    /// (its idle thread's). <paramref name="perCpuBlock"/> becomes its GS base. Returns null once
    /// the CPU reached long mode in the kernel's text, or why it did not. Boot CPU, kernel lock
    /// held (the AP waits for it before it runs any C#).
    /// </summary>
    public static string? Start(int cpu, byte apicId, ulong stackTop, ulong threadPointer, ulong* perCpuBlock)
    {
        ulong* info = stackalloc ulong[5];
        Native.ApTrampolineInfo(info);
        ulong length = info[1] - info[0];
        if (length > 4096)
        {
            return "the trampoline outgrew its page";
        }

        byte* target = (byte*)TrampolineBase;
        for (ulong i = 0; i < length; i++)
        {
            target[i] = ((byte*)info[0])[i];
        }

        byte* block = target + (info[2] - info[0]);
        *(uint*)(block + BootCr3) = (uint)info[4];
        *(uint*)(block + EferBits) = EferLongMode | (uint)(Native.ReadMsr((uint)EferMsr) & EferNoExecute);
        *(ulong*)(block + Entry) = info[3];
        *(ulong*)(block + KernelCr3) = Native.ReadCr3();
        *(ulong*)(block + Cr0) = Native.ReadCr0();
        *(ulong*)(block + Cr4) = Native.ReadCr4();
        *(ulong*)(block + Stack) = stackTop;
        *(ulong*)(block + FsBase) = threadPointer;
        *(ulong*)(block + GsBase) = (ulong)perCpuBlock;
        ref ulong arrived = ref *(ulong*)(block + Arrived);
        Volatile.Write(ref arrived, 0UL);

        LocalApic.SendInit(apicId);
        Wait(InitDelayNs);
        byte page = (byte)(TrampolineBase >> 12);
        for (int attempt = 0; attempt < 2 && Volatile.Read(ref arrived) == 0; attempt++)
        {
            LocalApic.SendStartup(apicId, page);
            ulong deadline = Tsc.NowNs + (attempt == 0 ? StartupDelayNs : ArrivalTimeoutNs);
            while (Volatile.Read(ref arrived) == 0 && Tsc.NowNs < deadline)
            {
                Native.Pause();
            }
        }

        return Volatile.Read(ref arrived) != 0 ? null : $"CPU {cpu} (APIC ID {apicId}) did not start";
    }

    private static void Wait(ulong ns)
    {
        ulong end = Tsc.NowNs + ns;
        while (Tsc.NowNs < end)
        {
            Native.Pause();
        }
    }
}

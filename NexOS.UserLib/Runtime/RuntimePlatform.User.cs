using System.Runtime;
using System.Runtime.CompilerServices;
using NexOS.Abi;
using NexOS.Runtime.Gc;
using NexOS.UserLib.Runtime;

namespace NexOS.Runtime;

/// <summary>
/// The runtime layer's platform in a user program (see NexOS.Runtime/RuntimePlatform.cs):
/// memory from the MemoryMap system call at fixed addresses in two windows of the program's
/// own address space, time from ClockRead, diagnostics through LogWrite, and one thread, so
/// nothing is ever contended and "interrupts off" costs nothing.
/// </summary>
internal static unsafe partial class RuntimePlatform
{
    /// <summary>The collected heap's pages: 1 GiB, which with 64 KiB pages needs a 128 KiB
    /// page map.</summary>
    public const ulong HeapWindowStart = 0x0000_0200_0000_0000;

    public const ulong HeapWindowEnd = HeapWindowStart + (1UL << 30);

    private const int MaxFreeBlocks = 512;

    private static ulong s_heapNext; // 0 until the first block: no static initialisers here
    private static ulong* s_freeBlocks;
    private static int s_freeCount;

    private static ulong s_stackLow;
    private static ulong s_stackHigh;
    private static ulong s_scanTop;
    private static ulong s_threadPointer;
    private static ulong s_startNs;
    private static ulong s_entropy;
    private static byte* s_programName;
    private static int s_programNameLength;

    /// <summary>Records the main thread's stack [low, high), the address below which its
    /// frames lie (the start block), its thread pointer, the start time and the loader's
    /// random bytes. Called once by the start code, before any object exists.</summary>
    public static void InitializeProcess(ulong stackLow, ulong stackHigh, ulong scanTop, ulong threadPointer, ulong entropy)
    {
        s_stackLow = stackLow;
        s_stackHigh = stackHigh;
        s_scanTop = scanTop;
        s_threadPointer = threadPointer;
        s_entropy = entropy;
        s_startNs = NowNs();
    }

    /// <summary>Records the program's name (argv[0], NUL-terminated, on the start block's
    /// strings, which live as long as the process) for stack traces. The caller guarantees
    /// <paramref name="name"/> is null or such a string.</summary>
    public static void SetProgramName(byte* name)
    {
        int length = 0;
        while (name != null && length < 4096 && name[length] != 0)
        {
            length++;
        }

        s_programName = length == 0 ? null : name;
        s_programNameLength = length;
    }

    /// <summary>Maps <paramref name="bytes"/> of zeroed read-write memory at exactly
    /// <paramref name="address"/>; false when the kernel refuses or puts it elsewhere.</summary>
    public static bool MapFixed(ulong address, ulong bytes)
    {
        long mapped = SyscallNative.Call(Syscall.MemoryMap, address, bytes, (ulong)(Protection.Read | Protection.Write));
        if (mapped < 0)
        {
            return false;
        }

        if ((ulong)mapped != address)
        {
            SyscallNative.Call(Syscall.MemoryUnmap, (ulong)mapped, bytes);
            return false;
        }

        return true;
    }

    public static partial bool TryAllocatePages(int order, out ulong address)
    {
        ulong bytes = 4096UL << order;
        for (int i = 0; i < s_freeCount; i++)
        {
            if ((s_freeBlocks[i] & 0xFFF) == (ulong)order)
            {
                address = s_freeBlocks[i] & ~0xFFFUL;
                s_freeBlocks[i] = s_freeBlocks[--s_freeCount];
                if (MapFixed(address, bytes))
                {
                    return true;
                }

                address = 0;
                return false;
            }
        }

        ulong next = s_heapNext == 0 ? HeapWindowStart : s_heapNext;
        ulong start = (next + bytes - 1) & ~(bytes - 1);
        if (start >= HeapWindowEnd || bytes > HeapWindowEnd - start || !MapFixed(start, bytes))
        {
            address = 0;
            return false;
        }

        s_heapNext = start + bytes;
        address = start;
        return true;
    }

    /// <summary>Unmaps the block and keeps its addresses for the next block of the same order
    /// (up to <see cref="MaxFreeBlocks"/>; beyond that the window's addresses are not reused).</summary>
    public static partial void FreePages(ulong address, int order)
    {
        SyscallNative.Call(Syscall.MemoryUnmap, address, 4096UL << order);
        if (s_freeBlocks == null)
        {
            s_freeBlocks = (ulong*)BootHeap.Allocate(MaxFreeBlocks * sizeof(ulong));
        }

        if (s_freeBlocks != null && s_freeCount < MaxFreeBlocks)
        {
            s_freeBlocks[s_freeCount++] = address | (uint)order;
        }
    }

    public static partial void GetPageSpan(out ulong start, out ulong end)
    {
        start = HeapWindowStart;
        end = HeapWindowEnd;
    }

    public static partial ulong NowNs()
    {
        long ns = SyscallNative.Call(Syscall.ClockRead, (ulong)Clock.Monotonic);
        return ns < 0 ? 0 : (ulong)ns;
    }

    public static partial ulong NanosecondsSinceStart() => NowNs() - s_startNs;

    public static partial ulong Entropy() => s_entropy ^ NowNs();

    public static partial ulong DisableInterrupts() => 0;

    public static partial void RestoreInterrupts(ulong flags)
    {
    }

    public static partial void DisablePreemption()
    {
    }

    public static partial void EnablePreemption()
    {
    }

    public static partial ulong RealTimeSlackNs(ulong now) => ulong.MaxValue;

    public static partial ulong GcBudget(ulong proposed, ulong live, ulong committed, ulong total, long minimumKib, long growthPercent) => proposed;

    public static partial void OnCollection(ulong pauseNs)
    {
    }

    public static partial bool IsOnOwnStack(ulong sp) => sp > s_stackLow && sp < s_scanTop;

    public static partial void ScanThreads(ulong sp)
    {
        Marker.ScanRange(sp, s_scanTop);
        Collector.ScanThreadStatics(s_threadPointer);
    }

    public static partial ulong CurrentThreadId() => 1;

    public static partial void GetCurrentStackBounds(out ulong low, out ulong high)
    {
        low = s_stackLow;
        high = s_stackHigh;
    }

    public static partial bool Yield()
    {
        SyscallNative.Call(Syscall.Yield);
        return true;
    }

    public static partial void Pause() => CpuPause();

    public static partial void Write(ReadOnlySpan<byte> text) => SyscallNative.LogWrite(text);

    public static partial void Write(string? text) => SyscallNative.LogWrite(text.AsSpan());

    public static partial int ModuleFileName(byte** name)
    {
        *name = s_programName;
        return s_programNameLength;
    }

    public static partial void WriteLocation(ulong address)
    {
        // Programs carry no symbol table yet: the address alone is printed.
    }

    public static partial void Stop() => SyscallNative.Exit(PanicExitCode);

    [RuntimeImport("*", "nexos_pause"), MethodImpl(MethodImplOptions.InternalCall)]
    private static extern void CpuPause();
}

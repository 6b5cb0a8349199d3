using System.Runtime;
using System.Runtime.CompilerServices;
using NexOS.Abi;
using NexOS.Runtime.Gc;
using NexOS.UserLib.Runtime;

namespace NexOS.Runtime;

/// <summary>
/// The runtime layer's platform in a user program (see NexOS.Runtime/RuntimePlatform.cs):
/// memory from MemoryMap (RuntimePlatform.User.Pages.cs), time from ClockRead, diagnostics
/// through LogWrite, and one thread, so nothing is ever contended and "interrupts off" costs
/// nothing.
/// </summary>
internal static unsafe partial class RuntimePlatform
{
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

using System.Threading;
using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Arch.X64;

/// <summary>
/// The kernel lock's statistics (the lock itself is smp.asm's: taken on every entry into the
/// kernel from ring 3 and on every wake-up from the idle halt, given back on the way out).
/// Times are TSC ticks in the assembly and nanoseconds here. A hold or a wait longer than
/// <see cref="ThresholdNs"/> is recorded with the CPU and thread that held the lock, so that
/// <c>locks</c> and the metrics can say who kept the others waiting.
/// </summary>
internal static unsafe class KernelLock
{
    private const int Acquisitions = 0;
    private const int Contended = 1;
    private const int SpinTicks = 2;
    private const int HeldTicks = 3;
    private const int LongestHoldTicks = 4;
    private const int ThresholdTicks = 6;
    private const int LongHolds = 7;
    private const int LastLongHoldTicks = 8;
    private const int LastLongHoldCpu = 9;
    private const int LastLongHoldThread = 10;
    private const int LongWaits = 11;
    private const int LastLongWaitTicks = 12;
    private const int LastLongWaitOwnerCpu = 13;
    private const int LastLongWaitOwnerThread = 14;
    private const int LastLongWaitCpu = 15;

    private static ulong* s_stats;
    private static ulong s_thresholdNs;

    /// <summary>Finds the statistics and sets the report threshold; boot CPU, once the TSC is
    /// calibrated.</summary>
    public static void Initialize(ulong thresholdNs)
    {
        ulong* data = stackalloc ulong[4];
        Native.SmpData(data);
        s_stats = (ulong*)data[0];
        s_thresholdNs = thresholdNs;
        s_stats[ThresholdTicks] = Tsc.FromNanoseconds(thresholdNs);
    }

    /// <summary>A hold or wait longer than this is reported (ns).</summary>
    public static ulong ThresholdNs => s_thresholdNs;

    public static ulong AcquisitionCount => Read(Acquisitions);

    /// <summary>Acquisitions that found the lock taken and had to spin.</summary>
    public static ulong ContendedCount => Read(Contended);

    public static ulong SpinNs => Tsc.ToNanoseconds(Read(SpinTicks));

    public static ulong HeldNs => Tsc.ToNanoseconds(Read(HeldTicks));

    public static ulong LongestHoldNs => Tsc.ToNanoseconds(Read(LongestHoldTicks));

    public static ulong LongHoldCount => Read(LongHolds);

    /// <summary>CPUs spinning for the lock now.</summary>
    public static int Waiters => Native.KernelLockWaiters();

    /// <summary>Times a CPU running kernel code let the waiters in at a preemption point.</summary>
    public static ulong Yields => Native.KernelLockYields();

    public static ulong LongWaitCount => Read(LongWaits);

    /// <summary>The last hold past the threshold: how long, on which CPU, by which thread.</summary>
    public static (ulong Ns, int Cpu, long Thread) LastLongHold =>
        (Tsc.ToNanoseconds(Read(LastLongHoldTicks)), (int)Read(LastLongHoldCpu), (long)Read(LastLongHoldThread));

    /// <summary>The last wait past the threshold: how long, the CPU and thread that held the
    /// lock then, and the CPU that waited.</summary>
    public static (ulong Ns, int OwnerCpu, long OwnerThread, int WaiterCpu) LastLongWait =>
        (Tsc.ToNanoseconds(Read(LastLongWaitTicks)), (int)Read(LastLongWaitOwnerCpu), (long)Read(LastLongWaitOwnerThread), (int)Read(LastLongWaitCpu));

    private static ulong Read(int word) => s_stats == null ? 0 : Volatile.Read(ref s_stats[word]);
}

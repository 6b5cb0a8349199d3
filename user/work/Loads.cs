using NexOS.Abi;
using NexOS.UserLib;

namespace NexOS.Programs.Work;

/// <summary>The cpu, io and rt workloads: arithmetic, sleeps and a periodic real-time job.</summary>
internal static class Loads
{
    /// <summary>The rt job's period, reservation and work.</summary>
    public const ulong PeriodNs = 5_000_000;
    public const ulong BudgetNs = 1_000_000;
    public const ulong JobNs = 500_000;

    /// <summary>Busy arithmetic in rounds of 10,000 steps, for <paramref name="limitMs"/>
    /// milliseconds (0: until killed).</summary>
    public static int Cpu(long limitMs)
    {
        ulong start = Time.MonotonicNs;
        ulong x = start | 1;
        long rounds = 0;
        while (limitMs == 0 || Time.MonotonicNs - start < (ulong)limitMs * 1_000_000)
        {
            x = Steps(x, 10_000);
            rounds++;
        }

        Log.WriteLine($"work cpu: {rounds} rounds of 10000 steps in {(Time.MonotonicNs - start) / 1_000_000} ms (checksum {x & 0xFFFF})");
        return 0;
    }

    /// <summary>500 steps, then a 1-4 ms sleep, <paramref name="limit"/> times (0: until killed).</summary>
    public static int Io(long limit)
    {
        ulong start = Time.MonotonicNs;
        ulong x = start | 1;
        long sleeps = 0;
        for (; limit == 0 || sleeps < limit; sleeps++)
        {
            x = Steps(x, 500);
            SyscallStatus status = Time.Sleep(1_000_000 * (1 + (x >> 62)));
            if (status != SyscallStatus.Ok)
            {
                Log.WriteLine($"work io: Sleep failed (status {(int)status})");
                return 1;
            }
        }

        Log.WriteLine($"work io: {sleeps} sleeps of 1-4 ms in {(Time.MonotonicNs - start) / 1_000_000} ms");
        return 0;
    }

    /// <summary>
    /// Enters the real-time class (5 ms period, 1 ms reservation) and runs a 0.5 ms job every
    /// period, <paramref name="limit"/> times (0: until killed). The kernel times each release
    /// in PeriodWait and records the lateness and misses in its rt metrics; the program counts
    /// the misses PeriodWait reports.
    /// </summary>
    public static int RealTime(long limit)
    {
        SyscallStatus admitted = Scheduling.EnterRealTime(PeriodNs, BudgetNs);
        if (admitted != SyscallStatus.Ok)
        {
            string why = admitted == SyscallStatus.LimitReached ? "admission control refused it" : $"status {(int)admitted}";
            Log.WriteLine($"work rt: no real-time reservation ({why}); ending");
            return 1;
        }

        long periods = 0;
        long missed = 0;
        for (; limit == 0 || periods < limit; periods++)
        {
            long result = Scheduling.WaitNextPeriod();
            if (result < 0)
            {
                Log.WriteLine($"work rt: PeriodWait failed (status {-result})");
                return 1;
            }

            missed += result;
            ulong start = Time.MonotonicNs;
            while (Time.MonotonicNs - start < JobNs)
            {
            }
        }

        Log.WriteLine($"work rt: {periods} periods of {PeriodNs / 1_000_000} ms, {missed} missed");
        return 0;
    }

    private static ulong Steps(ulong x, int count)
    {
        for (int i = 0; i < count; i++)
        {
            x = (x * 6364136223846793005UL) + 1442695040888963407UL;
        }

        return x;
    }
}

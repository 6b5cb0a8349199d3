namespace NexOS.Kernel.Core.Threading;

/// <summary>Built-in workloads for `spawn`. Each runs until `kill` asks it to stop.</summary>
internal static class Workloads
{
    /// <summary>CPU-bound: busy arithmetic; preempted only by the timer.</summary>
    public static void Cpu()
    {
        KernelThread me = Scheduler.Current;
        ulong x = (ulong)me.Id;
        while (!me.KillRequested)
        {
            for (int i = 0; i < 10_000; i++)
            {
                x = (x * 6364136223846793005UL) + 1442695040888963407UL;
            }
        }
    }

    /// <summary>I/O-bound: short bursts of work between 1-4 ms sleeps, like a thread waiting
    /// on a device.</summary>
    public static void Io()
    {
        KernelThread me = Scheduler.Current;
        ulong x = (ulong)me.Id + 1;
        while (!me.KillRequested)
        {
            for (int i = 0; i < 500; i++)
            {
                x = (x * 6364136223846793005UL) + 1442695040888963407UL;
            }

            Scheduler.Sleep(1_000_000 * (1 + (x >> 62)));
        }
    }
}

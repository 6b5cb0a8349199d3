using NexOS.Core.Scheduling;
using NexOS.Kernel.Metrics;

namespace NexOS.Kernel.Threading;

/// <summary>The per-class thread counts of the scheduler metrics.</summary>
internal static partial class Scheduler
{
    /// <summary>Switches to the idle thread (the CPU had nothing to run).</summary>
    public static ulong IdleSwitches { get; private set; }

    /// <summary>CPU time the idle threads of all CPUs were charged at their last switches, ns.</summary>
    public static ulong IdleCpuNs
    {
        get
        {
            ulong sum = 0;
            for (int i = 0; i < s_cpus.Length; i++)
            {
                sum += s_cpus[i]?.Idle.Sched.CpuTimeNs ?? 0;
            }

            return sum;
        }
    }

    /// <summary>Writes of the APIC timer (each one a device-model round trip under emulation).</summary>
    public static ulong TimerArms { get; private set; }

    /// <summary>Re-arms skipped because the deadline was already programmed.</summary>
    public static ulong TimerArmsSkipped { get; private set; }

    /// <summary>Threads stopped because their slice ran out.</summary>
    public static ulong SliceExpiries { get; private set; }

    /// <summary>Threads stopped because a higher-priority thread became runnable.</summary>
    public static ulong Preemptions { get; private set; }

    /// <summary>Counts a stop by its reason (the diagnostics of the IPC benchmark read these).
    /// Interrupts are off.</summary>
    private static void CountStop(StopReason reason)
    {
        if (reason == StopReason.SliceExpired)
        {
            SliceExpiries++;
        }
        else if (reason == StopReason.Preempted)
        {
            Preemptions++;
        }
    }

    /// <summary>Sets sched.threads.io and sched.threads.cpu to the normal-class threads of each
    /// class that ran since the last call (threads asleep the whole period do not count: the
    /// models read these as the workload mix). Called on the metrics refresh, not on a hot path;
    /// allocation-free.</summary>
    public static void CountActiveByClass()
    {
        if (!IsRunning)
        {
            return;
        }

        int io = 0;
        int cpu = 0;
        ulong flags = Disable();
        for (int i = 0; i < s_byId.Count; i++)
        {
            KernelThread? t = s_byId[i];
            if (t == null || t.Sched.Class != SchedClass.Normal || t.Sched.CpuTimeNs == t.CpuAtRefreshNs)
            {
                continue;
            }

            t.CpuAtRefreshNs = t.Sched.CpuTimeNs;
            if (WorkloadClasses.IsIo(t.Sched))
            {
                io++;
            }
            else
            {
                cpu++;
            }
        }

        Restore(flags);
        KernelMetrics.SchedClasses.IoThreads.Set(io);
        KernelMetrics.SchedClasses.CpuThreads.Set(cpu);
    }
}

using NexOS.Core.Scheduling;

namespace NexOS.Kernel.Core.Threading;

/// <summary>The per-class thread counts of the scheduler metrics.</summary>
internal static partial class Scheduler
{
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
            if (t == null || t == s_idle || t.Sched.Class != SchedClass.Normal || t.Sched.CpuTimeNs == t.CpuAtRefreshNs)
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

using NexOS.Core.Scheduling;
using NexOS.Kernel.Arch.X64;

namespace NexOS.Kernel.Threading;

/// <summary>Real-time threads: admission, and the slack that stop-the-world work (the
/// garbage collector) must respect.</summary>
internal static partial class Scheduler
{
    /// <summary>Admits a real-time thread with a periodic reservation and starts it; returns
    /// null and the reason when admission control refuses it.</summary>
    public static KernelThread? SpawnRealTime(string name, Action body, ulong periodNs, ulong budgetNs, out string? error)
    {
        var thread = new KernelThread(name, body, SchedClass.RealTime, SchedThread.MaxPriority);
        thread.Sched.PeriodNs = periodNs;
        thread.Sched.BudgetNs = budgetNs;
        ulong flags = Disable();
        if (!s_policy.TryAdmit(thread.Sched, out error))
        {
            Restore(flags);
            return null;
        }

        Register(thread);
        MakeRunnable(thread, Tsc.NowNs);
        Restore(flags);
        return thread;
    }

    /// <summary>
    /// The least slack of any real-time thread at <paramref name="nowNs"/> (see
    /// <see cref="RealTimeSlack"/>): how long the processor can be held from now on before a
    /// real-time job can no longer make its deadline. <see cref="ulong.MaxValue"/> when no
    /// thread is admitted. Interrupts must be off; allocates nothing (the allocator asks).
    /// </summary>
    public static ulong RealTimeSlackNs(ulong nowNs)
    {
        if (!IsRunning || s_policy.RealTime.AdmittedCount == 0)
        {
            return ulong.MaxValue;
        }

        ulong least = ulong.MaxValue;
        for (int i = 0; i < s_byId.Count; i++)
        {
            KernelThread? t = s_byId[i];
            if (t != null && t.Sched.Class == SchedClass.RealTime)
            {
                least = Math.Min(least, RealTimeSlack.Of(t.Sched, t.TimerArmed ? t.WakeAtNs : 0, nowNs));
            }
        }

        return least;
    }
}

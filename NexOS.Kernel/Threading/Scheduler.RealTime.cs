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
        if (!Admit(thread, out error))
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
    /// Moves the running thread from the normal class into the real-time class with a
    /// periodic reservation, if admission control accepts it; returns false with the reason
    /// otherwise, and the thread stays as it was. The thread's turn in the normal class ends
    /// first (so the time it used so far is charged there) and it comes back as the running,
    /// unqueued thread, which is what admission requires. Set-up path: the class's queues may
    /// grow on admission.
    /// </summary>
    public static bool TryEnterRealTime(ulong periodNs, ulong budgetNs, out string? error)
    {
        ulong flags = Disable();
        KernelThread me = Here.Current;
        if (me.Sched.Class != SchedClass.Normal)
        {
            Restore(flags);
            error = "only a thread of the normal class can enter the real-time class";
            return false;
        }

        Reschedule(StopReason.Yielded);
        SchedThread s = me.Sched;
        s.Class = SchedClass.RealTime;
        s.PeriodNs = periodNs;
        s.BudgetNs = budgetNs;
        if (!Admit(me, out error))
        {
            s.Class = SchedClass.Normal;
            s.PeriodNs = 0;
            s.BudgetNs = 0;
            Restore(flags);
            return false;
        }

        s.BasePriority = SchedThread.MaxPriority;
        s.EffectivePriority = SchedThread.MaxPriority;

        // Queued once, the reservation's first period starts now (an unqueued reservation has
        // no job yet, and its first stop would count a miss); the switch below charges the
        // few instructions since to the new budget and picks the thread again.
        ulong now = Tsc.NowNs;
        s.State = ThreadState.Runnable;
        s.RunnableSinceNs = now;
        CpuRunState home = s_cpus[me.RealTimeCpu]!;
        Nudge(Here, home, Enqueue(home, me, now));
        Reschedule(StopReason.Yielded);
        Restore(flags);
        return true;
    }

    /// <summary>
    /// Admits <paramref name="thread"/>'s reservation on a CPU whose real-time policy has
    /// room (this CPU's first, then by index) and pins it there: real-time threads are
    /// partitioned, each CPU scheduling its own by EDF. Returns false with the last refusal's
    /// reason when no CPU admits it. Interrupts off.
    /// </summary>
    private static bool Admit(KernelThread thread, out string? error)
    {
        CpuRunState here = Here;
        error = "no CPU is online";
        for (int i = -1; i < Cpus.Count; i++)
        {
            CpuRunState? cpu = i < 0 ? here : s_cpus[i];
            if (cpu == null || (i >= 0 && cpu == here) || !Cpus.IsOnline(cpu.Index) || !AllowedOn(thread, cpu.Index))
            {
                continue;
            }

            if (cpu.Policy.TryAdmit(thread.Sched, out error))
            {
                thread.RealTimeCpu = cpu.Index;
                thread.Affinity = 1UL << cpu.Index;
                return true;
            }
        }

        return false;
    }

    private static int AdmittedRealTimeThreads()
    {
        int n = 0;
        for (int i = 0; i < s_cpus.Length; i++)
        {
            n += s_cpus[i]?.Policy.RealTime.AdmittedCount ?? 0;
        }

        return n;
    }

    /// <summary>Lowers the running thread's base priority to <paramref name="priority"/> if it
    /// is above it (never raises it). A real-time thread is left alone.</summary>
    public static void LowerPriority(int priority)
    {
        ulong flags = Disable();
        SchedThread s = Here.Current.Sched;
        if (s.Class == SchedClass.Normal && s.BasePriority > priority)
        {
            s.BasePriority = priority;
            s.EffectivePriority = Math.Min(s.EffectivePriority, priority);
        }

        Restore(flags);
    }

    /// <summary>
    /// The least slack of any real-time thread at <paramref name="nowNs"/> (see
    /// <see cref="RealTimeSlack"/>): how long the processor can be held from now on before a
    /// real-time job can no longer make its deadline. <see cref="ulong.MaxValue"/> when no
    /// thread is admitted. Interrupts must be off; allocates nothing (the allocator asks).
    /// </summary>
    public static ulong RealTimeSlackNs(ulong nowNs)
    {
        if (!IsRunning || AdmittedRealTimeThreads() == 0)
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

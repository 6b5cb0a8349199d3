using NexOS.Core.Policy;
using NexOS.Core.Scheduling;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Threading;

/// <summary>
/// The scheduler on many CPUs: each CPU has its own run queue and policy (<see cref="CpuRunState"/>);
/// where a thread that becomes runnable is queued, when a CPU pulls work from another, and
/// which threads may move are <see cref="CpuBalancer"/>'s decisions ("smp.*" parameters). A
/// CPU that wakes a thread for another CPU's queue nudges that CPU with a reschedule interrupt
/// when it idles or the thread preempts what it runs. Everything here runs under the kernel
/// lock with interrupts off and allocates nothing, but <see cref="PrepareCpu"/>.
/// </summary>
internal static unsafe partial class Scheduler
{
    private const ulong IdleStackSize = 16 * 1024;

    /// <summary>Placement and balancing ("smp" parameters).</summary>
    public static CpuBalancer Balancer { get; } = new CpuBalancer();

    /// <summary>Threads moved from one CPU's queue to another's by balancing.</summary>
    public static ulong Migrations { get; private set; }

    /// <summary>How many CPUs run threads now.</summary>
    public static int CpuCount => Cpus.Online;

    /// <summary>Makes the idle thread, run queue and scheduler state of CPU <paramref name="cpu"/>
    /// (not started yet) and returns the idle thread, whose stack and TLS block the CPU starts
    /// on. The queue's policies are of the kinds CPU 0 runs, with its parameter values. Boot
    /// CPU, interrupts on.</summary>
    public static KernelThread PrepareCpu(int cpu)
    {
        var idle = new KernelThread($"idle{cpu}", Idle, SchedClass.Idle, 0, IdleStackSize);
        MultiClassScheduler machine = s_cpus[0]!.Policy;
        var policy = new MultiClassScheduler(SchedulerSetup.CreateNormalPolicy(machine.Normal.Name) ?? new AdaptivePolicy());
        ulong flags = Disable();
        Register(idle);
        idle.Sched.State = ThreadState.Running;
        var state = new CpuRunState(cpu, idle, policy);
        s_cpus[cpu] = state;
        SyncParameters(state);
        Restore(flags);
        return idle;
    }

    /// <summary>Runs CPU <paramref name="cpu"/>'s idle thread on it from here on (the CPU is
    /// already on its stack): counts the CPU online and never returns. Called on that CPU,
    /// kernel lock held, interrupts off.</summary>
    public static void RunCpu(int cpu)
    {
        CpuRunState state = s_cpus[cpu]!;
        KernelThread idle = state.Idle;
        idle.Cpu = cpu;
        idle.Sched.RunningSinceNs = Tsc.NowNs;
        state.SliceEndNs = ulong.MaxValue;
        Native.SetThreadId(idle.Id);
        UserMode.SetCurrentThread(idle.StackTop, idle.ThreadPointer, 0);
        Cpus.MarkOnline(cpu);
        Interrupts.SpreadAcrossCpus();
        ArmTimer(state, Tsc.NowNs, force: true);
        Native.EnableInterrupts();
        Idle();
    }

    /// <summary>CPU <paramref name="cpu"/>'s idle time up to <paramref name="now"/>, ns: what
    /// its idle thread was charged plus its current run, if it idles now.</summary>
    public static ulong IdleNsNow(int cpu, ulong now)
    {
        ulong flags = Disable();
        CpuRunState? state = (uint)cpu < (uint)s_cpus.Length ? s_cpus[cpu] : null;
        ulong ns = 0;
        if (state != null)
        {
            SchedThread idle = state.Idle.Sched;
            ns = idle.CpuTimeNs + (state.IsIdle && now > idle.RunningSinceNs ? now - idle.RunningSinceNs : 0);
        }

        Restore(flags);
        return ns;
    }

    /// <summary>Runnable threads queued on all CPUs.</summary>
    public static int RunnableCount
    {
        get
        {
            int n = 0;
            for (int i = 0; i < s_cpus.Length; i++)
            {
                n += s_cpus[i]?.Policy.RunnableCount ?? 0;
            }

            return n;
        }
    }

    /// <summary>Restricts <paramref name="thread"/> to the CPUs of <paramref name="affinity"/>
    /// (bit n: CPU n; 0: any). A queued thread moves at once; a running one at its next stop.
    /// Returns an error (changing nothing) for a mask without an online CPU or for a real-time
    /// thread, which stays on the CPU whose reservation it holds.</summary>
    public static string? SetAffinity(KernelThread thread, ulong affinity)
    {
        ulong flags = Disable();
        string? error = null;
        if (thread.RealTimeCpu >= 0)
        {
            error = $"thread {thread.Id} is real-time, held on cpu{thread.RealTimeCpu} by its reservation";
        }
        else if (affinity != 0 && !AnyOnline(affinity))
        {
            error = "no CPU of that set is online";
        }
        else
        {
            thread.Affinity = affinity;
            if (thread.QueueCpu >= 0 && !AllowedOn(thread, thread.QueueCpu))
            {
                Dequeue(thread);
                ulong now = Tsc.NowNs;
                CpuRunState target = ChooseCpu(thread, Here);
                Nudge(Here, target, Enqueue(target, thread, now));
            }
        }

        Restore(flags);
        return error;
    }

    /// <summary>
    /// Lets other CPUs into the kernel from a preemption point: called at the end of an
    /// interrupt that came from ring 0 while CPUs wait for the kernel lock. The interrupted
    /// code had interrupts on, so a switch to another thread could have happened here on one
    /// CPU; unless preemption is off (the allocator's fast path) or this CPU idles, the lock is
    /// handed over and taken back as if the thread had been switched out and in. The runtime's
    /// exception chain head is per thread, so it is put away meanwhile (an entering CPU's
    /// thread has none).
    /// </summary>
    public static void YieldKernelLock()
    {
        if (!IsRunning || Preemption.IsDisabled)
        {
            return;
        }

        CpuRunState cpu = Here;
        if (cpu.IsIdle)
        {
            return;
        }

        KernelThread me = cpu.Current;
        ulong* exInfoHead = NexOS.Runtime.Exceptions.ExceptionStubs.ExInfoHeadSlot;
        me.ExInfoHead = *exInfoHead;
        *exInfoHead = 0;
        fixed (ulong* save = &me.SavedRsp)
        {
            Native.KernelLockYield(save);
        }

        *exInfoHead = me.ExInfoHead;
    }

    /// <summary>The reschedule interrupt from another CPU: a thread was queued here, or there
    /// is work to pull. The switch happens on the way out of the interrupt.</summary>
    public static void OnRescheduleInterrupt()
    {
        if (!IsRunning)
        {
            return;
        }

        CpuRunState cpu = Here;
        cpu.Kicked = false;
        if (cpu.IsIdle || HasLocalWork(cpu))
        {
            RequestReschedule(cpu, StopReason.Preempted);
        }

        if (cpu.Index == 0)
        {
            ArmTimer(cpu, Tsc.NowNs); // a sleeper added on another CPU may now be due first
        }
    }

    /// <summary>Queues <paramref name="t"/> (runnable, in no queue) on <paramref name="target"/>
    /// and returns the policy's verdict: true when it should preempt what runs there.</summary>
    private static bool Enqueue(CpuRunState target, KernelThread t, ulong now)
    {
        t.QueueCpu = target.Index;
        return target.Policy.Add(t.Sched, target.IsIdle ? null : target.Current.Sched, now);
    }

    /// <summary>Takes <paramref name="t"/> out of whichever queue holds it; false when none.</summary>
    private static bool Dequeue(KernelThread t)
    {
        int q = t.QueueCpu;
        t.QueueCpu = -1;
        return q >= 0 && s_cpus[q]!.Policy.Remove(t.Sched);
    }

    /// <summary>The policy's choice from <paramref name="cpu"/>'s queue, dequeued, or null.</summary>
    private static KernelThread? PickFrom(CpuRunState cpu, ulong now)
    {
        SchedThread? s = cpu.Policy.PickNext(now);
        if (s == null)
        {
            return null;
        }

        KernelThread t = s_byId[s.Id]!;
        t.QueueCpu = -1;
        return t;
    }

    /// <summary>The CPU whose queue a thread that became runnable joins: a real-time thread its
    /// reservation's, any other the balancer's choice.</summary>
    private static CpuRunState ChooseCpu(KernelThread t, CpuRunState here)
    {
        if (t.RealTimeCpu >= 0)
        {
            return s_cpus[t.RealTimeCpu]!;
        }

        int count = Cpus.Count;
        Span<CpuLoad> loads = stackalloc CpuLoad[count];
        FillLoads(loads);
        int cpu = Balancer.PlaceWake(t.Cpu, t.Affinity, here.Index, loads);
        return cpu < 0 ? here : s_cpus[cpu]!;
    }

    /// <summary>Makes <paramref name="target"/> look at its queue, which just got a thread:
    /// here, by asking for a switch when this CPU idles or the thread preempts; elsewhere, by
    /// a reschedule interrupt when that CPU idles or the thread preempts there.</summary>
    private static void Nudge(CpuRunState here, CpuRunState target, bool preempts)
    {
        if (target == here)
        {
            if (here.IsIdle || preempts)
            {
                RequestReschedule(here, StopReason.Preempted);
            }

            return;
        }

        if ((target.IsIdle || preempts) && !target.Kicked)
        {
            target.Kicked = true;
            Cpus.SendReschedule(target.Index);
        }
    }

    /// <summary>Wakes one idle CPU (not kicked yet) when <paramref name="here"/> has a thread
    /// queued that it cannot run now: the idle CPU pulls it.</summary>
    private static void OfferWork(CpuRunState here)
    {
        if (here.Policy.RunnableCount == 0 || Balancer.WakeIdle.Value == 0)
        {
            return;
        }

        int count = Cpus.Count;
        for (int i = 0; i < count; i++)
        {
            CpuRunState? other = s_cpus[i];
            if (other != null && other != here && other.IsIdle && !other.Kicked && Cpus.IsOnline(i))
            {
                other.Kicked = true;
                Cpus.SendReschedule(i);
                return;
            }
        }
    }

    /// <summary>
    /// Moves one thread from the busiest CPU's normal queue to <paramref name="cpu"/>'s when the
    /// balancer says so: the busiest queue's best thread, unless it is cache-hot and
    /// <paramref name="cpu"/> is busy, or its affinity excludes <paramref name="cpu"/>, in which
    /// case it goes back. Returns true when a thread moved.
    /// </summary>
    private static bool TryPull(CpuRunState cpu, ulong now)
    {
        int count = Cpus.Count;
        Span<CpuLoad> loads = stackalloc CpuLoad[count];
        FillLoads(loads);
        int busiest = Balancer.FindBusiest(cpu.Index, loads);
        if (busiest < 0)
        {
            return false;
        }

        CpuRunState victim = s_cpus[busiest]!;
        SchedThread? s = victim.Policy.Normal.PickNext(now);
        if (s == null)
        {
            return false;
        }

        KernelThread t = s_byId[s.Id]!;
        bool idle = cpu.IsIdle && cpu.Policy.RunnableCount == 0;
        if (!Balancer.MayMigrate(s.RunnableSinceNs, now, idle, AllowedOn(t, cpu.Index)))
        {
            victim.Policy.Normal.Add(s, null, now); // back to its queue, behind its peers
            return false;
        }

        Migrations++;
        Enqueue(cpu, t, now);
        return true;
    }

    /// <summary>Balances <paramref name="cpu"/> when its interval has passed: pulls a thread if
    /// the others' queues are longer, and copies CPU 0's parameter values.</summary>
    private static void BalanceIfDue(CpuRunState cpu, ulong now)
    {
        if (!Balancer.BalanceDue(cpu.LastBalanceNs, now) || Cpus.Online <= 1)
        {
            return;
        }

        cpu.LastBalanceNs = now;
        SyncParameters(cpu);
        if (TryPull(cpu, now) && cpu.IsIdle)
        {
            RequestReschedule(cpu, StopReason.Preempted);
        }
    }

    /// <summary>Copies CPU 0's policy parameter values into <paramref name="cpu"/>'s (the
    /// engine and `sched set` change CPU 0's). Allocation-free.</summary>
    private static void SyncParameters(CpuRunState cpu)
    {
        MultiClassScheduler machine = s_cpus[0]!.Policy;
        if (cpu.Index == 0)
        {
            return;
        }

        Copy(machine.Parameters, cpu.Policy.Parameters);
        Copy(machine.RealTime.Parameters, cpu.Policy.RealTime.Parameters);
        if (machine.Normal.Name == cpu.Policy.Normal.Name)
        {
            Copy(machine.Normal.Parameters, cpu.Policy.Normal.Parameters);
        }
    }

    private static void Copy(ParameterSet from, ParameterSet to)
    {
        IReadOnlyList<Parameter> source = from.All;
        IReadOnlyList<Parameter> target = to.All;
        for (int i = 0; i < source.Count && i < target.Count; i++)
        {
            if (target[i].Value != source[i].Value)
            {
                _ = target[i].TrySet(source[i].Value);
            }
        }
    }

    private static void FillLoads(Span<CpuLoad> loads)
    {
        for (int i = 0; i < loads.Length; i++)
        {
            CpuRunState? c = s_cpus[i];
            loads[i] = c == null || !Cpus.IsOnline(i)
                ? default
                : new CpuLoad(true, c.IsIdle, c.Policy.RunnableCount, c.Kicked);
        }
    }

    private static bool AllowedOn(KernelThread t, int cpu) => t.Affinity == 0 || (cpu < 64 && (t.Affinity & (1UL << cpu)) != 0);

    private static bool AnyOnline(ulong mask)
    {
        for (int i = 0; i < Cpus.Count && i < 64; i++)
        {
            if ((mask & (1UL << i)) != 0 && Cpus.IsOnline(i))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="cpu"/>'s own queue holds a thread ready to run:
    /// anything runnable but real-time threads waiting for their next release.</summary>
    private static bool HasLocalWork(CpuRunState cpu)
    {
        MultiClassScheduler p = cpu.Policy;
        return p.RunnableCount - p.RealTime.RunnableCount + p.RealTime.ReadyCount > 0;
    }
}

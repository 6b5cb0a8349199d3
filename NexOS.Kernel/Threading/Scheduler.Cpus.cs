using NexOS.Core.Scheduling;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Threading;

/// <summary>
/// The scheduler on many CPUs: each CPU's state (<see cref="CpuRunState"/>), bringing a CPU
/// into the scheduler, and where a thread that becomes runnable is run. All CPUs take threads
/// from the one run queue under the kernel lock; the placement decisions are: a woken thread
/// goes to this CPU when it idles, else to another idle CPU (which a reschedule interrupt
/// wakes), else it waits for a CPU whose slice ends, unless it preempts this CPU's thread.
/// </summary>
internal static unsafe partial class Scheduler
{
    private const ulong IdleStackSize = 16 * 1024;

    /// <summary>How many CPUs run threads now.</summary>
    public static int CpuCount => Cpus.Online;

    /// <summary>Makes the idle thread and the scheduler state of CPU <paramref name="cpu"/>
    /// (not started yet) and returns the idle thread, whose stack and TLS block the CPU starts
    /// on. Boot CPU, interrupts on.</summary>
    public static KernelThread PrepareCpu(int cpu)
    {
        var idle = new KernelThread($"idle{cpu}", Idle, SchedClass.Idle, 0, IdleStackSize);
        ulong flags = Disable();
        Register(idle);
        idle.Sched.State = ThreadState.Running;
        s_cpus[cpu] = new CpuRunState(cpu, idle);
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

    /// <summary>CPU time CPU <paramref name="cpu"/>'s idle thread was charged at its last
    /// switch, ns (0 for a CPU that is not running).</summary>
    public static ulong IdleCpuNsOf(int cpu) => (uint)cpu < (uint)s_cpus.Length && s_cpus[cpu] != null ? s_cpus[cpu]!.Idle.Sched.CpuTimeNs : 0;

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

    /// <summary>The thread running on CPU <paramref name="cpu"/>, or null. Interrupts off.</summary>
    public static KernelThread? RunningOn(int cpu) => (uint)cpu < (uint)s_cpus.Length ? s_cpus[cpu]?.Current : null;

    /// <summary>The reschedule interrupt from another CPU: a thread became runnable for this
    /// one. The switch happens on the way out of the interrupt.</summary>
    public static void OnRescheduleInterrupt()
    {
        if (!IsRunning)
        {
            return;
        }

        CpuRunState cpu = Here;
        cpu.Kicked = false;
        if (cpu.IsIdle || HasWorkForIdleCpu())
        {
            RequestReschedule(cpu, StopReason.Preempted);
        }

        if (cpu.Index == 0)
        {
            ArmTimer(cpu, Tsc.NowNs); // a sleeper added on another CPU may now be due first
        }
    }

    /// <summary>
    /// Finds a CPU for a thread that just became runnable (it is in the run queue already):
    /// this CPU when it idles or when <paramref name="preemptsHere"/> (the policy said the
    /// thread outranks the one running here), else an idle CPU that was not nudged yet, which
    /// gets a reschedule interrupt. With none idle, the thread waits for the next switch on any
    /// CPU. Interrupts off, kernel lock held; no allocation.
    /// </summary>
    private static void Place(CpuRunState here, bool preemptsHere)
    {
        if (here.IsIdle || preemptsHere)
        {
            RequestReschedule(here, StopReason.Preempted);
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
}

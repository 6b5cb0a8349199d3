using System.Runtime;
using System.Runtime.InteropServices;
using NexOS.Core.Scheduling;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Platform;
using NexOS.Runtime;
using NexOS.Runtime.Exceptions;

namespace NexOS.Kernel.Threading;

/// <summary>
/// The scheduling mechanism: context switches, blocking and waking, sleeping, the preemption
/// timer and per-thread accounting. Every decision (who runs next, for how long, priority
/// changes) is the policy's (<see cref="ISchedulerPolicy"/>), which can be replaced while
/// threads run. Each CPU has its own run queue and state (<see cref="CpuRunState"/>); where
/// threads go is <see cref="CpuBalancer"/>'s (Scheduler.Cpus.cs). Everything runs under the
/// kernel lock (smp.asm), which also makes interrupts-off sections exclusive machine-wide.
/// </summary>
internal static unsafe partial class Scheduler
{
    private static ISchedulerHooks? s_hooks;
    private static readonly CpuRunState?[] s_cpus = new CpuRunState?[PerCpu.MaxCpus];
    private static readonly List<KernelThread?> s_byId = new();
    private static KernelThread? s_timers;
    private static KernelThread? s_zombies;

    public static bool IsRunning => s_cpus[0] != null;

    /// <summary>The thread running on this CPU.</summary>
    public static KernelThread Current => Here.Current;

    /// <summary>The scheduler state of the CPU running the caller.</summary>
    private static CpuRunState Here => s_cpus[PerCpu.Index]!;

    /// <summary>CPU 0's run queue and policy, whose parameters are the machine's (the other
    /// CPUs copy them when they balance); its counts are CPU 0's alone (<see cref="RunnableCount"/>
    /// counts every CPU's).</summary>
    public static MultiClassScheduler Policy => s_cpus[0]!.Policy;

    /// <summary>Total context switches.</summary>
    public static ulong Switches { get; private set; }

    /// <summary>CPU time of the running thread so far, ns: what it was charged at its last
    /// switch plus the time since it started running (read with interrupts off, so that a
    /// switch cannot fall between the two reads).</summary>
    public static ulong CurrentCpuNs()
    {
        ulong flags = Disable();
        SchedThread s = Here.Current.Sched;
        ulong ns = s.CpuTimeNs + (Tsc.NowNs - s.RunningSinceNs);
        Restore(flags);
        return ns;
    }

    /// <summary>Makes the running boot code the first thread and starts preemption: takes the
    /// timer interrupt, deferred switches and the runtime layer's questions about threads.
    /// <paramref name="hooks"/> are the patchable decision points (null: the policy alone).</summary>
    public static void Initialize(MultiClassScheduler policy, ISchedulerHooks? hooks)
    {
        s_hooks = hooks;
        NexOS.Kernel.Debugging.DebuggerView.Publish(NexOS.Kernel.Debugging.DebuggerView.Slot.Threads, s_byId);
        KernelThread boot = KernelThread.ForBootThread("main");
        Register(boot);
        boot.Sched.State = ThreadState.Running;
        boot.Sched.RunningSinceNs = Tsc.NowNs;
        var idle = new KernelThread("idle", Idle, SchedClass.Idle, 0, IdleStackSize);
        s_cpus[0] = new CpuRunState(0, idle, policy) { Current = boot };
        boot.Cpu = 0;
        Native.SetThreadId(boot.Id);
        RuntimePlatform.AttachThreads(new SchedulerRuntimeThreads());
        Register(idle);
        Preemption.SetDeferredSwitch(&PreemptDeferred);
        Interrupts.SetSchedulerHandlers(&OnTimerInterrupt, &PreemptIfNeeded);
        Interrupts.SetRescheduleHandler(&OnRescheduleInterrupt);
        Interrupts.SetKernelYield(&YieldKernelLock);
        ArmTimer(Here, Tsc.NowNs);
    }

    /// <summary>Creates a thread and makes it runnable.</summary>
    public static KernelThread Spawn(string name, Action body, SchedClass schedClass = SchedClass.Normal, int priority = 16)
    {
        ReapExited();
        var thread = new KernelThread(name, body, schedClass, priority);
        ulong flags = Disable();
        Register(thread);
        MakeRunnable(thread, Tsc.NowNs);
        Restore(flags);
        return thread;
    }

    /// <summary>Makes a thread created with <c>new KernelThread(...)</c> runnable (for threads
    /// that need set-up, such as capabilities, before they first run).</summary>
    public static void Start(KernelThread thread)
    {
        ulong flags = Disable();
        Register(thread);
        MakeRunnable(thread, Tsc.NowNs);
        Restore(flags);
    }

    /// <summary>All threads that have not been reaped, for `ps`.</summary>
    public static List<KernelThread> Snapshot()
    {
        var list = new List<KernelThread>();
        ulong flags = Disable();
        foreach (KernelThread? t in s_byId)
        {
            if (t != null)
            {
                list.Add(t);
            }
        }

        Restore(flags);
        return list;
    }

    /// <summary>The thread whose stack guard page holds <paramref name="address"/>, or null.
    /// Allocation-free, for fault handlers.</summary>
    public static KernelThread? FindByGuardPage(ulong address)
    {
        for (int i = 0; i < s_byId.Count; i++)
        {
            KernelThread? t = s_byId[i];
            if (t != null && t.GuardPage != 0 && address >= t.GuardPage && address < t.GuardPage + 4096)
            {
                return t;
            }
        }

        return null;
    }

    /// <summary>Number of thread slots, for walking every thread without allocating (the
    /// collector does, with interrupts off): slot i holds thread i or null once it exited.</summary>
    public static int ThreadSlots => s_byId.Count;

    public static KernelThread? ThreadAt(int slot) => s_byId[slot];

    public static KernelThread? Find(int id) => (uint)id < (uint)s_byId.Count ? s_byId[id] : null;

    /// <summary>Gives the CPU to another runnable thread, if there is one.</summary>
    public static void Yield()
    {
        ulong flags = Disable();
        Reschedule(StopReason.Yielded);
        Restore(flags);
    }

    /// <summary>Sleeps for at least <paramref name="nanoseconds"/>.</summary>
    public static void Sleep(ulong nanoseconds) => SleepUntil(Tsc.NowNs + nanoseconds);

    /// <summary>Sleeps until the monotonic clock reaches <paramref name="wakeAtNs"/>.</summary>
    public static void SleepUntil(ulong wakeAtNs)
    {
        ulong flags = Disable();
        KernelThread me = Here.Current;
        if (me.Sched.Class != SchedClass.RealTime)
        {
            wakeAtNs = NexOS.Core.Scheduling.TimerSlack.Apply(wakeAtNs, (ulong)PowerTuning.TimerSlackUs.Value * 1000);
        }

        AddTimer(me, wakeAtNs);
        me.Sched.State = ThreadState.Blocked;
        me.Sched.BlockedSinceNs = Tsc.NowNs;
        Reschedule(StopReason.Blocked);
        Restore(flags);
    }

    /// <summary>
    /// Blocks the current thread on <paramref name="queue"/> until <see cref="WakeOne"/> or
    /// <see cref="WakeAll"/>, or until <paramref name="timeoutNs"/> passes (0: no timeout).
    /// Returns false on timeout. The caller must have interrupts off (so that checking its
    /// condition and blocking are one step); they are off again on return.
    /// </summary>
    public static bool Block(WaitQueue queue, ulong timeoutNs = 0)
    {
        KernelThread me = Here.Current;
        me.TimedOut = false;
        me.BlockedOn = queue;
        queue.Enqueue(me.Sched);
        if (timeoutNs != 0)
        {
            AddTimer(me, Tsc.NowNs + timeoutNs);
        }

        me.Sched.State = ThreadState.Blocked;
        me.Sched.BlockedSinceNs = Tsc.NowNs;
        Reschedule(StopReason.Blocked);
        return !me.TimedOut;
    }

    /// <summary>Blocks the current thread in an IPC operation that the IPC layer has already
    /// queued it for; a timeout (0: none) cancels the operation with TimedOut. Interrupts
    /// must be off and stay off on return.</summary>
    public static void BlockForIpc(ulong timeoutNs)
    {
        KernelThread me = Here.Current;
        me.BlockedOn = null;
        if (timeoutNs != 0)
        {
            AddTimer(me, Tsc.NowNs + timeoutNs);
        }

        me.Sched.State = ThreadState.Blocked;
        me.Sched.BlockedSinceNs = Tsc.NowNs;
        Reschedule(StopReason.Blocked);
    }

    /// <summary>Makes the thread behind an IPC participant runnable (the IPC layer delivered
    /// to it). Interrupts must be off.</summary>
    public static void WakeIpc(NexOS.Core.Ipc.IpcParticipant participant)
    {
        if (participant.Tag is KernelThread thread)
        {
            Wake(thread, Tsc.NowNs);
        }
    }

    /// <summary>Wakes the longest waiter. Safe in interrupt handlers; interrupts must be off.
    /// Returns false when nobody waited.</summary>
    public static bool WakeOne(WaitQueue queue)
    {
        SchedThread? t = queue.Dequeue();
        if (t == null)
        {
            return false;
        }

        Wake(s_byId[t.Id]!, Tsc.NowNs);
        return true;
    }

    /// <summary>Wakes the longest waiter and returns its thread (for hand-over locks), or null.
    /// Interrupts must be off.</summary>
    public static KernelThread? TakeFirstWaiter(WaitQueue queue)
    {
        SchedThread? t = queue.Dequeue();
        if (t == null)
        {
            return null;
        }

        KernelThread thread = s_byId[t.Id]!;
        Wake(thread, Tsc.NowNs);
        return thread;
    }

    public static int WakeAll(WaitQueue queue)
    {
        int n = 0;
        while (WakeOne(queue))
        {
            n++;
        }

        return n;
    }

    /// <summary>True when the running thread may be ended on its own: any thread but the
    /// console (boot) thread and the idle thread, once the scheduler runs.</summary>
    public static bool CanEndCurrentThread => IsRunning && !Here.IsIdle && Here.Current.Id != 0;

    /// <summary>Ends the current thread from a CPU fault handler (interrupts are off). Its
    /// stack and whatever it held are abandoned; it never runs again.</summary>
    public static void ExitAfterFault()
    {
        KernelThread me = Here.Current;
        KernelLog.WriteLine($"thread {me.Id} ({me.Name}) ended by the fault; the kernel carries on");
        Exit();
    }

    /// <summary>Ends the current thread; its joiners wake up.</summary>
    public static void Exit()
    {
        Disable();
        KernelThread me = Here.Current;
        me.Sched.State = ThreadState.Exited;
        s_byId[me.Id] = null;
        Grouping.Partners.Forget(me.Id);
        if (me.Sched.Class == SchedClass.RealTime && me.RealTimeCpu >= 0)
        {
            s_cpus[me.RealTimeCpu]!.Policy.Release(me.Sched); // its utilization share goes back to admission control
        }

        WakeAll(me.Joiners);

        // A caller waiting for this thread's reply would wait for ever: it gets DeadPeer.
        NexOS.Core.Ipc.IpcParticipant? caller = me.Ipc.DropReply();
        if (caller != null)
        {
            WakeIpc(caller);
        }

        // The stack is still in use until the switch below; the next spawn or the idle
        // thread frees it (ReapExited).
        me.ZombieNext = s_zombies;
        s_zombies = me;
        Reschedule(StopReason.Exited);
        Panic.Halt("an exited thread was scheduled again");
    }

    /// <summary>
    /// Wakes <paramref name="thread"/> if it is blocked, so that it sees
    /// <see cref="KernelThread.KillRequested"/>: a pending IPC operation ends with Cancelled, a
    /// wait on a queue or a sleep ends as a timeout does. Callers of blocking calls that loop
    /// must check KillRequested. Interrupts off.
    /// </summary>
    public static void WakeToEnd(KernelThread thread)
    {
        if (thread.Sched.State != ThreadState.Blocked)
        {
            return;
        }

        if (thread.Ipc.State != NexOS.Core.Ipc.IpcState.Idle)
        {
            thread.Ipc.Cancel(NexOS.Core.Ipc.IpcStatus.Cancelled);
        }

        thread.BlockedOn?.Remove(thread.Sched);
        thread.TimedOut = true;
        Wake(thread, Tsc.NowNs);
    }

    /// <summary>Waits until <paramref name="thread"/> has exited.</summary>
    public static void Join(KernelThread thread)
    {
        ulong flags = Disable();
        while (thread.Sched.State != ThreadState.Exited)
        {
            Block(thread.Joiners);
        }

        Restore(flags);
    }

    /// <summary>
    /// Waits until <paramref name="thread"/> (not the caller) has exited, at most
    /// <paramref name="timeoutNs"/> (0: no limit). Returns false when the time ran out or the
    /// caller was asked to end (<see cref="KernelThread.KillRequested"/>) first. Allocation-free.
    /// </summary>
    public static bool Join(KernelThread thread, ulong timeoutNs)
    {
        ulong flags = Disable();
        ulong deadline = timeoutNs == 0 ? 0 : Tsc.NowNs + timeoutNs;
        while (thread.Sched.State != ThreadState.Exited)
        {
            ulong now = Tsc.NowNs;
            if ((deadline != 0 && now >= deadline) || Here.Current.KillRequested)
            {
                Restore(flags);
                return false;
            }

            Block(thread.Joiners, deadline == 0 ? 0 : deadline - now);
        }

        Restore(flags);
        return true;
    }

    /// <summary>Frees what threads that have exited since the last reaping held (their
    /// stacks; their owners hear of it). Call from a live thread, interrupts on.</summary>
    public static void Reap() => ReapExited();

    /// <summary>Replaces the policy for normal threads on every CPU, atomically (interrupts
    /// off, kernel lock held): a fresh policy of the kind <paramref name="name"/> names
    /// (<see cref="SchedulerSetup.CreateNormalPolicy"/>) per CPU, and every runnable normal
    /// thread moves to its CPU's new one. Returns the old policy's name, or null (changing
    /// nothing) for an unknown name.</summary>
    public static string? ReplaceNormalPolicy(string name)
    {
        if (SchedulerSetup.CreateNormalPolicy(name) == null)
        {
            return null;
        }

        var fresh = new ISchedulerPolicy[s_cpus.Length];
        for (int i = 0; i < s_cpus.Length; i++)
        {
            fresh[i] = s_cpus[i] == null ? null! : SchedulerSetup.CreateNormalPolicy(name)!;
        }

        ulong flags = Disable();
        string old = Policy.Normal.Name;
        ulong now = Tsc.NowNs;
        for (int i = 0; i < s_cpus.Length; i++)
        {
            s_cpus[i]?.Policy.ReplaceNormalPolicy(fresh[i], now);
        }

        Restore(flags);
        return old;
    }

    private static void Register(KernelThread thread)
    {
        while (s_byId.Count <= thread.Id)
        {
            s_byId.Add(null);
        }

        s_byId[thread.Id] = thread;
    }

    private static void Idle()
    {
        while (true)
        {
            ReapExited();

            // Reaping may wake a thread (a process's last thread ends it, and its waiters
            // wake), and another CPU may have threads queued that this one can pull: run them
            // now instead of halting until the next interrupt, which may be a whole slice away. The check
            // and the halt are one step (interrupts stay off until the halt), so a wake-up in
            // between is not missed either; the halt gives the kernel lock back meanwhile.
            Native.DisableInterrupts();
            CpuRunState cpu = Here;
            cpu.Kicked = false;
            if (Preemption.SwitchPending || HasLocalWork(cpu) || (Cpus.Online > 1 && TryPull(cpu, Tsc.NowNs)))
            {
                Reschedule(StopReason.Preempted);
                Native.EnableInterrupts();
                continue;
            }

            fixed (ulong* save = &cpu.Idle.SavedRsp)
            {
                Native.IdleHalt(save);
            }

            Native.EnableInterrupts();
        }
    }

    /// <summary>Frees the stacks of threads that have exited since the last call (and, for a
    /// process's last thread, the process's memory). Runs on a live thread, so none of those
    /// stacks is in use; set-up path, not for interrupt handlers. The idle thread, every spawn
    /// and every wait for a process call it.</summary>
    public static void ReapExited()
    {
        ulong flags = Disable();
        KernelThread? list = s_zombies;
        s_zombies = null;
        Restore(flags);
        while (list != null)
        {
            KernelThread? next = list.ZombieNext;
            list.ZombieNext = null;
            list.ReleaseResources();
            list = next;
        }
    }

    [RuntimeExport("NexOSThreadStart")]
    private static void ThreadStart(nint handle)
    {
        var thread = (KernelThread)GCHandle.FromIntPtr(handle).Target!;
        Native.EnableInterrupts();
        try
        {
            thread.RunBody();
        }
        catch (Exception e)
        {
            // A thread's failure ends that thread, not the kernel.
            thread.Fault = e;
            KernelLog.WriteLine($"thread {thread.Id} ({thread.Name}) ended by {e.GetType().FullName}: {e.Message}");
        }

        Exit();
    }

    private static ulong Disable() => InterruptState.Disable();

    private static void Restore(ulong flags) => InterruptState.Restore(flags);
}

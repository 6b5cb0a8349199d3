using NexOS.Core.Scheduling;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Memory;
using NexOS.Kernel.Metrics;
using NexOS.Kernel.Platform;
using NexOS.Runtime.Exceptions;

namespace NexOS.Kernel.Threading;

/// <summary>The scheduler's hot path: the switch itself, the timer, wake-ups. Everything here
/// runs with interrupts off and the kernel lock held, and neither allocates nor throws.</summary>
internal static unsafe partial class Scheduler
{
    /// <summary>Called from the APIC timer interrupt (after EOI) with the address it
    /// interrupted: notes an expired slice on this CPU, releases its real-time jobs, balances
    /// when due and, on CPU 0 (which keeps the sleepers), wakes due sleepers; the switch
    /// happens in <see cref="PreemptIfNeeded"/>.</summary>
    public static void OnTimerInterrupt(ulong interruptedRip)
    {
        if (!IsRunning)
        {
            return;
        }

        CpuRunState cpu = Here;
        ulong now = Tsc.NowNs;
        KernelMetrics.TimerInterrupts.Increment();
        if (cpu.TimerDeadlineNs != 0 && now >= cpu.TimerDeadlineNs)
        {
            KernelMetrics.TimerLatency.Record(now - cpu.TimerDeadlineNs);
            if (now - cpu.TimerDeadlineNs > LateTimers.ThresholdNs)
            {
                LateTimers.Record(interruptedRip, now - cpu.TimerDeadlineNs);
            }

            cpu.TimerDeadlineNs = 0;
        }

        if (cpu.Index == 0)
        {
            WakeDueSleepers(cpu, now);
        }

        if (cpu.Policy.ReleaseDue(now, cpu.IsIdle ? null : cpu.Current.Sched))
        {
            RequestReschedule(cpu, StopReason.Preempted);
        }

        if (now >= cpu.SliceEndNs && !cpu.IsIdle)
        {
            RequestReschedule(cpu, StopReason.SliceExpired);
        }
        else if (cpu.IsIdle && HasLocalWork(cpu))
        {
            RequestReschedule(cpu, StopReason.Preempted);
        }

        BalanceIfDue(cpu, now);
        ArmTimer(cpu, now, force: true);
    }

    private static void WakeDueSleepers(CpuRunState cpu, ulong now)
    {
        while (s_timers != null && s_timers.WakeAtNs <= now)
        {
            KernelThread t = s_timers;
            s_timers = t.TimerNext;
            t.TimerNext = null;
            t.TimerArmed = false;
            if (t.BlockedOn != null)
            {
                t.BlockedOn.Remove(t.Sched);
                t.TimedOut = true;
            }
            else if (t.Ipc.State != NexOS.Core.Ipc.IpcState.Idle)
            {
                // An IPC timeout: withdraw the operation; the thread sees TimedOut.
                t.Ipc.Cancel(NexOS.Core.Ipc.IpcStatus.TimedOut);
            }

            Wake(t, now);
        }
    }

    /// <summary>Called on the way out of every interrupt: switches if a wake-up or the timer
    /// asked for it.</summary>
    public static void PreemptIfNeeded()
    {
        if (Preemption.SwitchPending && IsRunning && !Preemption.IsDisabled)
        {
            Reschedule(Here.ReschedReason);
        }
    }

    /// <summary>A switch an interrupt asked for while preemption was off (see
    /// <see cref="Preemption"/>).</summary>
    public static void PreemptDeferred()
    {
        ulong flags = Disable();
        PreemptIfNeeded();
        Restore(flags);
    }

    private static void RequestReschedule(CpuRunState cpu, StopReason reason)
    {
        // A slice expiry outranks a preemption request: the policy should see the decay.
        if (!Preemption.SwitchPending || reason == StopReason.SliceExpired)
        {
            cpu.ReschedReason = reason;
        }

        Preemption.SwitchPending = true;
    }

    private static void Wake(KernelThread t, ulong now)
    {
        if (t.Sched.State != ThreadState.Blocked)
        {
            return;
        }

        RemoveTimer(t);
        t.BlockedOn = null;
        t.Sched.BlockedNs += now - t.Sched.BlockedSinceNs;
        MakeRunnable(t, now);
    }

    private static void MakeRunnable(KernelThread t, ulong now)
    {
        t.Sched.State = ThreadState.Runnable;
        t.Sched.RunnableSinceNs = now;
        CpuRunState here = Here;
        CpuRunState target = ChooseCpu(t, here);
        Nudge(here, target, Enqueue(target, t, now));
    }

    /// <summary>Stops the current thread for <paramref name="reason"/> and runs the policy's
    /// choice. Returns when the current thread is scheduled again (on any CPU).</summary>
    private static void Reschedule(StopReason reason)
    {
        Preemption.SwitchPending = false;
        ulong now = Tsc.NowNs;
        CpuRunState cpu = Here;
        KernelThread prev = cpu.Current;
        ChargeStop(cpu, prev, reason, now);

        // An IPC partner granted a hand-off runs now, on what is left of the caller's slice;
        // with nothing left the partner queues like any thread (a spent slice is never renewed
        // by a hand-off, or a pair could keep the CPU from everyone else).
        KernelThread? handOff = reason == StopReason.Blocked && cpu.SliceEndNs > now ? TakeHandOff(cpu) : null;
        cpu.HandOff = null;
        if (handOff != null)
        {
            SwitchTo(cpu, prev, handOff, now, true);
            return;
        }

        KernelThread? next = PickFrom(cpu, now);
        if (next == null && Cpus.Online > 1 && TryPull(cpu, now))
        {
            next = PickFrom(cpu, now);
        }

        SwitchTo(cpu, prev, next ?? cpu.Idle, now, false);
    }

    /// <summary>Ends the running thread's turn: charges its CPU time, tells the policy (and the
    /// priority hook) why it stopped, and queues it again if it is still runnable. The thread's
    /// state is already Blocked or Exited when it is not to be queued.</summary>
    private static void ChargeStop(CpuRunState cpu, KernelThread prev, StopReason reason, ulong now)
    {
        CountStop(reason);
        SchedThread ps = prev.Sched;
        ulong ran = now - ps.RunningSinceNs;
        ps.CpuTimeNs += ran;
        if (prev == cpu.Idle)
        {
            ps.State = ThreadState.Runnable; // the idle thread is never queued; it is the fallback
            return;
        }

        cpu.Policy.OnStop(ps, reason, ran, now);
        s_hooks?.AdjustPriority(ps, reason, ran);
        KernelMetrics.SchedClasses.RecordStop(ps, reason, ran);
        if (ps.State == ThreadState.Running)
        {
            // Still runnable: back to this CPU's queue (its cache is warm here), unless its
            // affinity or reservation says otherwise; an idle CPU is offered the wait.
            ps.State = ThreadState.Runnable;
            ps.RunnableSinceNs = now;
            if (AllowedOn(prev, cpu.Index) && (prev.RealTimeCpu < 0 || prev.RealTimeCpu == cpu.Index))
            {
                Enqueue(cpu, prev, now);
                OfferWork(cpu);
            }
            else
            {
                CpuRunState target = ChooseCpu(prev, cpu);
                Nudge(cpu, target, Enqueue(target, prev, now));
            }
        }
    }

    private static void SwitchTo(CpuRunState cpu, KernelThread prev, KernelThread next, ulong now, bool inheritSlice)
    {
        SchedThread ns = next.Sched;
        if (next != cpu.Idle)
        {
            ns.RunnableWaitNs += now - ns.RunnableSinceNs;
            ns.LastRunLatencyNs = now - ns.RunnableSinceNs;
        }

        ns.State = ThreadState.Running;
        ns.RunningSinceNs = now;
        if (!inheritSlice)
        {
            cpu.SliceEndNs = next == cpu.Idle ? ulong.MaxValue : now + SliceFor(cpu, ns, now);
        }

        ArmTimer(cpu, now);
        if (next == prev)
        {
            return;
        }

        ns.Switches++;
        Switches++;
        if (next == cpu.Idle)
        {
            IdleSwitches++;
        }

        KernelMetrics.ContextSwitches.Increment();
        if (next != cpu.Idle)
        {
            KernelMetrics.SchedulingLatency.Record(ns.LastRunLatencyNs);
            KernelMetrics.SchedClasses.RecordWait(ns, ns.LastRunLatencyNs);
        }

        ulong* exInfoHead = ExceptionStubs.ExInfoHeadSlot;
        prev.ExInfoHead = *exInfoHead;
        *exInfoHead = next.ExInfoHead;
        Native.WriteMsr(Native.FsBaseMsr, next.ThreadPointer);
        UserMode.SetCurrentThread(next.StackTop, next.ThreadPointer, next.UserThreadPointer);
        VirtualMemory.Activate(next.PageTableRoot);
        Native.SetThreadId(next.Id);
        next.Cpu = cpu.Index;
        cpu.Current = next;
        fixed (ulong* save = &prev.SavedRsp)
        {
            Native.Switch(save, next.SavedRsp);
        }
    }

    /// <summary>
    /// Programs this CPU's one-shot timer for the earliest of its slice end, its next real-time
    /// release, its next balance (when busy beside other CPUs) and, on CPU 0, the first sleeper,
    /// unless exactly that deadline is programmed already. The skip matters: under emulation every write to the APIC timer is a trip
    /// through the emulator's device model and main loop, and a switch within a donated slice
    /// (the IPC fast path) leaves the deadline as it was. <paramref name="force"/> re-arms
    /// regardless, for the timer interrupt (the one-shot has fired, so nothing is programmed,
    /// even if it fired before its deadline).
    /// </summary>
    private static void ArmTimer(CpuRunState cpu, ulong now, bool force = false)
    {
        ulong due = Math.Min(cpu.SliceEndNs, cpu.Policy.NextReleaseNs);
        if (cpu.Index == 0 && s_timers != null && s_timers.WakeAtNs < due)
        {
            due = s_timers.WakeAtNs;
        }

        // A busy CPU with others online wakes to balance at least every interval.
        if (!cpu.IsIdle && Cpus.Online > 1)
        {
            due = Math.Min(due, cpu.LastBalanceNs + ((ulong)Balancer.IntervalMs.Value * 1_000_000));
        }

        // 0 stands for "disarmed"; a deadline already past is programmed as one tick from now.
        ulong target = due == ulong.MaxValue ? 0 : Math.Max(due, now);
        if (!force && target == cpu.TimerDeadlineNs && due > now)
        {
            TimerArmsSkipped++;
            return;
        }

        cpu.TimerDeadlineNs = target;
        TimerArms++;
        LocalApic.ArmOneShot(target == 0 ? 0 : due > now ? due - now : 1);
    }

    /// <summary>Inserts into the timer list and has CPU 0, which keeps the time, program its
    /// timer if the sleeper is now due first.</summary>
    private static void AddTimer(KernelThread t, ulong wakeAtNs)
    {
        InsertTimer(t, wakeAtNs);
        CpuRunState cpu = Here;
        if (cpu.Index == 0)
        {
            ArmTimer(cpu, Tsc.NowNs);
        }
        else if (s_timers == t && (s_cpus[0]!.TimerDeadlineNs == 0 || wakeAtNs < s_cpus[0]!.TimerDeadlineNs))
        {
            // CPU 0's timer is set for later: it re-arms on the reschedule interrupt's way out.
            Cpus.SendReschedule(0);
        }
    }

    /// <summary>Inserts into the timer list, kept sorted by wake time, without touching the
    /// hardware (the caller arms it, or switches, which arms it).</summary>
    private static void InsertTimer(KernelThread t, ulong wakeAtNs)
    {
        RemoveTimer(t);
        t.WakeAtNs = wakeAtNs;
        t.TimerArmed = true;
        if (s_timers == null || wakeAtNs < s_timers.WakeAtNs)
        {
            t.TimerNext = s_timers;
            s_timers = t;
        }
        else
        {
            KernelThread p = s_timers;
            while (p.TimerNext != null && p.TimerNext.WakeAtNs <= wakeAtNs)
            {
                p = p.TimerNext;
            }

            t.TimerNext = p.TimerNext;
            p.TimerNext = t;
        }
    }

    /// <summary>Takes <paramref name="t"/> off the timer list; free when it is on none
    /// (TimerArmed is true exactly while it is listed), so a wake-up costs no walk.</summary>
    private static void RemoveTimer(KernelThread t)
    {
        if (!t.TimerArmed)
        {
            return;
        }

        if (s_timers == t)
        {
            s_timers = t.TimerNext;
        }
        else
        {
            for (KernelThread? p = s_timers; p != null; p = p.TimerNext)
            {
                if (p.TimerNext == t)
                {
                    p.TimerNext = t.TimerNext;
                    break;
                }
            }
        }

        t.TimerNext = null;
        t.TimerArmed = false;
    }

    /// <summary>The slice <paramref name="thread"/> gets: the policy's, unless a hook says
    /// otherwise.</summary>
    private static ulong SliceFor(CpuRunState cpu, SchedThread thread, ulong now)
    {
        MultiClassScheduler policy = cpu.Policy;
        ulong slice = policy.TimeSlice(thread, now);
        return s_hooks == null ? slice : s_hooks.TimeSlice(thread, slice, policy.RunnableCount);
    }
}

using NexOS.Core.Scheduling;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Memory;
using NexOS.Kernel.Metrics;
using NexOS.Kernel.Platform;
using NexOS.Runtime.Exceptions;

namespace NexOS.Kernel.Threading;

/// <summary>The scheduler's hot path: the switch itself, the timer, wake-ups. Everything here
/// runs with interrupts off and neither allocates nor throws.</summary>
internal static unsafe partial class Scheduler
{
    private static ulong s_timerDeadlineNs;

    /// <summary>Called from the APIC timer interrupt (after EOI) with the address it
    /// interrupted: wakes due sleepers and notes an expired slice; the switch happens in
    /// <see cref="PreemptIfNeeded"/>.</summary>
    public static void OnTimerInterrupt(ulong interruptedRip)
    {
        if (!IsRunning)
        {
            return;
        }

        ulong now = Tsc.NowNs;
        KernelMetrics.TimerInterrupts.Increment();
        if (s_timerDeadlineNs != 0 && now >= s_timerDeadlineNs)
        {
            KernelMetrics.TimerLatency.Record(now - s_timerDeadlineNs);
            if (now - s_timerDeadlineNs > LateTimers.ThresholdNs)
            {
                LateTimers.Record(interruptedRip, now - s_timerDeadlineNs);
            }

            s_timerDeadlineNs = 0;
        }

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

        if (s_policy.ReleaseDue(now, s_current == s_idle ? null : s_current.Sched))
        {
            RequestReschedule(StopReason.Preempted);
        }

        if (now >= s_sliceEndNs && s_current != s_idle)
        {
            RequestReschedule(StopReason.SliceExpired);
        }
        else if (s_current == s_idle && s_policy.RunnableCount - s_policy.RealTime.RunnableCount + s_policy.RealTime.ReadyCount > 0)
        {
            RequestReschedule(StopReason.Preempted);
        }

        ArmTimer(now, force: true);
    }

    /// <summary>Called on the way out of every interrupt: switches if a wake-up or the timer
    /// asked for it.</summary>
    public static void PreemptIfNeeded()
    {
        if (Preemption.SwitchPending && IsRunning && !Preemption.IsDisabled)
        {
            Reschedule(s_reschedReason);
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

    private static void RequestReschedule(StopReason reason)
    {
        // A slice expiry outranks a preemption request: the policy should see the decay.
        if (!Preemption.SwitchPending || reason == StopReason.SliceExpired)
        {
            s_reschedReason = reason;
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
        if (s_policy.Add(t.Sched, s_current == s_idle ? null : s_current.Sched, now) || s_current == s_idle)
        {
            RequestReschedule(StopReason.Preempted);
        }
    }

    /// <summary>Stops the current thread for <paramref name="reason"/> and runs the policy's
    /// choice. Returns when the current thread is scheduled again.</summary>
    private static void Reschedule(StopReason reason)
    {
        Preemption.SwitchPending = false;
        ulong now = Tsc.NowNs;
        KernelThread prev = s_current;
        ChargeStop(prev, reason, now);

        // An IPC partner granted a hand-off runs now, on what is left of the caller's slice;
        // with nothing left the partner queues like any thread (a spent slice is never renewed
        // by a hand-off, or a pair could keep the CPU from everyone else).
        KernelThread? handOff = reason == StopReason.Blocked && s_sliceEndNs > now ? TakeHandOff() : null;
        s_handOff = null;
        if (handOff != null)
        {
            SwitchTo(prev, handOff, now, true);
            return;
        }

        SchedThread? nextSched = s_policy.PickNext(now);
        KernelThread next = nextSched == null ? s_idle : s_byId[nextSched.Id]!;
        SwitchTo(prev, next, now, false);
    }

    /// <summary>Ends the running thread's turn: charges its CPU time, tells the policy (and the
    /// priority hook) why it stopped, and queues it again if it is still runnable. The thread's
    /// state is already Blocked or Exited when it is not to be queued.</summary>
    private static void ChargeStop(KernelThread prev, StopReason reason, ulong now)
    {
        CountStop(reason);
        SchedThread ps = prev.Sched;
        ulong ran = now - ps.RunningSinceNs;
        ps.CpuTimeNs += ran;
        if (prev == s_idle)
        {
            ps.State = ThreadState.Runnable; // the idle thread is never queued; it is the fallback
            return;
        }

        s_policy.OnStop(ps, reason, ran, now);
        s_hooks?.AdjustPriority(ps, reason, ran);
        KernelMetrics.SchedClasses.RecordStop(ps, reason, ran);
        if (ps.State == ThreadState.Running)
        {
            ps.State = ThreadState.Runnable;
            ps.RunnableSinceNs = now;
            s_policy.Add(ps, null, now);
        }
    }

    private static void SwitchTo(KernelThread prev, KernelThread next, ulong now, bool inheritSlice)
    {
        SchedThread ns = next.Sched;
        if (next != s_idle)
        {
            ns.RunnableWaitNs += now - ns.RunnableSinceNs;
            ns.LastRunLatencyNs = now - ns.RunnableSinceNs;
        }

        ns.State = ThreadState.Running;
        ns.RunningSinceNs = now;
        if (!inheritSlice)
        {
            s_sliceEndNs = next == s_idle ? ulong.MaxValue : now + SliceFor(ns, now);
        }

        ArmTimer(now);
        if (next == prev)
        {
            return;
        }

        ns.Switches++;
        Switches++;
        if (next == s_idle)
        {
            IdleSwitches++;
        }

        KernelMetrics.ContextSwitches.Increment();
        if (next != s_idle)
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
        s_current = next;
        fixed (ulong* save = &prev.SavedRsp)
        {
            Native.Switch(save, next.SavedRsp);
        }
    }

    /// <summary>
    /// Programs the one-shot timer for the earliest of the slice end, the next real-time
    /// release and the first sleeper, unless exactly that deadline is programmed already.
    /// The skip matters: under emulation every write to the APIC timer is a trip through the
    /// emulator's device model and main loop, and a switch within a donated slice (the IPC
    /// fast path) leaves the deadline as it was. <paramref name="force"/> re-arms regardless,
    /// for the timer interrupt (the one-shot has fired, so nothing is programmed, even if it
    /// fired before its deadline).
    /// </summary>
    private static void ArmTimer(ulong now, bool force = false)
    {
        ulong due = Math.Min(s_sliceEndNs, s_policy.NextReleaseNs);
        if (s_timers != null && s_timers.WakeAtNs < due)
        {
            due = s_timers.WakeAtNs;
        }

        // 0 stands for "disarmed"; a deadline already past is programmed as one tick from now.
        ulong target = due == ulong.MaxValue ? 0 : Math.Max(due, now);
        if (!force && target == s_timerDeadlineNs && due > now)
        {
            TimerArmsSkipped++;
            return;
        }

        s_timerDeadlineNs = target;
        TimerArms++;
        LocalApic.ArmOneShot(target == 0 ? 0 : due > now ? due - now : 1);
    }

    /// <summary>Inserts into the timer list and programs the timer if it is now due first.</summary>
    private static void AddTimer(KernelThread t, ulong wakeAtNs)
    {
        InsertTimer(t, wakeAtNs);
        ArmTimer(Tsc.NowNs);
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
    private static ulong SliceFor(SchedThread thread, ulong now)
    {
        ulong slice = s_policy.TimeSlice(thread, now);
        return s_hooks == null ? slice : s_hooks.TimeSlice(thread, slice, s_policy.RunnableCount);
    }
}

using NexOS.Core.Ipc;
using NexOS.Core.Scheduling;
using NexOS.Kernel.Arch.X64;

namespace NexOS.Kernel.Threading;

/// <summary>
/// The IPC fast path's switch: a call that found its server waiting, or a reply that found its
/// caller waiting, runs the partner at once on the rest of the caller's slice. The partner
/// never enters the run queue, nothing is picked, and the timer keeps its deadline (the slice
/// end did not move), so the cost is the same whatever else the scheduler holds. The guards
/// are the portable <see cref="IpcFastPath"/>; a refusal leaves everything as it was and the
/// caller completes the operation on the slow path.
/// </summary>
internal static partial class Scheduler
{
    /// <summary>The fast path's guards and counters.</summary>
    public static IpcFastPath FastPath { get; } = new IpcFastPath();

    /// <summary>
    /// Completes an IPC operation whose result woke <paramref name="woken"/> alone and blocks
    /// the caller (<paramref name="callerBlocks"/>; <paramref name="wokenCount"/> participants
    /// woken) by switching straight to the woken thread; <paramref name="timeoutNs"/> (0: none)
    /// bounds the caller's wait as in <see cref="BlockForIpc"/>. Returns true once the caller
    /// runs again (woken by its partner or its timeout: read its WakeStatus), false when a
    /// guard refused, having changed nothing. Interrupts must be off and stay off; no
    /// allocation, no exception.
    /// </summary>
    public static bool TryIpcHandOff(IpcParticipant? woken, int wokenCount, bool callerBlocks, ulong timeoutNs)
    {
        CpuRunState cpu = Here;
        KernelThread me = cpu.Current;
        KernelThread? partner = woken?.Tag as KernelThread;
        ulong now = Tsc.NowNs;
        var facts = new IpcFastPathFacts(
            Enabled: Grouping.HandOff.Value != 0,
            CallerBlocks: callerBlocks,
            WokenCount: wokenCount,
            PartnerIsThread: partner != null,
            PartnerBlocked: partner != null && partner.Sched.State == ThreadState.Blocked,
            CallerClass: me.Sched.Class,
            PartnerClass: partner?.Sched.Class ?? SchedClass.Idle,
            RealTimeReady: cpu.Policy.RealTime.ReadyCount,
            SwitchPending: Preemption.SwitchPending,
            NowNs: now,
            SliceEndNs: cpu.SliceEndNs);
        if (!FastPath.Admit(in facts))
        {
            return false;
        }

        // ---- Point of no return: nothing below can fail. ----
        KernelThread next = partner!;
        RemoveTimer(next); // its receive's timeout, if any: the message came first
        next.BlockedOn = null;
        next.Sched.BlockedNs += now - next.Sched.BlockedSinceNs;
        next.Sched.RunnableSinceNs = now;

        me.BlockedOn = null;
        if (timeoutNs != 0)
        {
            InsertTimer(me, now + timeoutNs);
        }

        me.Sched.State = ThreadState.Blocked;
        me.Sched.BlockedSinceNs = now;
        ChargeStop(cpu, me, StopReason.Blocked, now);
        HandOffSwitches++;
        SwitchTo(cpu, me, next, now, inheritSlice: true);
        return true;
    }
}

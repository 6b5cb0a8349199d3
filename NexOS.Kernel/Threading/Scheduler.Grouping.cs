using NexOS.Core.Ipc;
using NexOS.Core.Scheduling;
using NexOS.Kernel.Arch.X64;

namespace NexOS.Kernel.Threading;

/// <summary>Grouping of IPC partners (<see cref="IpcGrouping"/>): the IPC layer reports who
/// woke whom; when the policy grants a hand-off, the next switch runs the partner directly on
/// the rest of the caller's slice. Call and reply normally take the fast path instead
/// (Scheduler.FastPath.cs), which needs no partner score; this learnt hand-off serves what the
/// fast path refuses. Interrupts off throughout; no allocation.</summary>
internal static partial class Scheduler
{
    /// <summary>The grouping policy and its partner table ("sched.group" parameters).</summary>
    public static IpcGrouping Grouping { get; } = new IpcGrouping(512);

    /// <summary>Switches that ran an IPC partner directly: learnt hand-offs and fast-path
    /// switches together.</summary>
    public static ulong HandOffSwitches { get; private set; }

    /// <summary>Notes that the current thread woke <paramref name="woken"/> by IPC (after
    /// <see cref="WakeIpc"/>); <paramref name="wakerBlocks"/> when it is about to block for
    /// the answer. Interrupts must be off.</summary>
    public static void NoteIpcWake(IpcParticipant woken, bool wakerBlocks)
    {
        if (woken.Tag is not KernelThread partner)
        {
            return;
        }

        CpuRunState cpu = Here;
        KernelThread me = cpu.Current;
        bool bothNormal = me.Sched.Class == SchedClass.Normal && partner.Sched.Class == SchedClass.Normal
            && cpu.Policy.RealTime.ReadyCount == 0;
        if (Grouping.OnWake(me.Id, partner.Id, wakerBlocks, bothNormal, Tsc.NowNs))
        {
            cpu.HandOff = partner;
        }
    }

    /// <summary>The granted hand-off target, taken out of the run queue, or null (none, or it
    /// is no longer runnable). Clears the request either way.</summary>
    private static KernelThread? TakeHandOff(CpuRunState cpu)
    {
        KernelThread? partner = cpu.HandOff;
        cpu.HandOff = null;
        if (partner == null || partner.Sched.State != ThreadState.Runnable || !AllowedOn(partner, cpu.Index) || partner.RealTimeCpu >= 0 || !Dequeue(partner))
        {
            return null;
        }

        HandOffSwitches++;
        return partner;
    }
}

using NexOS.Core.Scheduling;

namespace NexOS.Kernel.Threading;

/// <summary>
/// The scheduler's state of one CPU: its run queue, the thread it runs, its idle thread, the
/// running slice's end, the timer it has programmed, a pending IPC hand-off. Read and written under the kernel
/// lock only (smp.asm), so another CPU may read it too (to find an idle CPU to wake); the
/// running thread's own fields change only on the CPU itself.
/// </summary>
internal sealed class CpuRunState
{
    public CpuRunState(int index, KernelThread idle, MultiClassScheduler policy)
    {
        Index = index;
        Idle = idle;
        Current = idle;
        Policy = policy;
    }

    /// <summary>This CPU's run queue and its policy (real-time, normal and idle classes). CPU
    /// 0's parameters are the machine's: the others copy them when they balance.</summary>
    public MultiClassScheduler Policy { get; }

    /// <summary>When this CPU last compared its queue with the others'.</summary>
    public ulong LastBalanceNs;

    /// <summary>The CPU's index (PerCpu.Index on it).</summary>
    public int Index { get; }

    /// <summary>The thread this CPU runs when nothing else is runnable; never queued, never
    /// run anywhere else.</summary>
    public KernelThread Idle { get; }

    /// <summary>The thread running on this CPU.</summary>
    public KernelThread Current;

    /// <summary>When the running thread's slice ends (ulong.MaxValue for the idle thread).</summary>
    public ulong SliceEndNs;

    /// <summary>Why the pending switch was asked for.</summary>
    public StopReason ReschedReason;

    /// <summary>The deadline programmed in this CPU's APIC timer (0: none).</summary>
    public ulong TimerDeadlineNs;

    /// <summary>An IPC partner granted a hand-off at the next switch of this CPU.</summary>
    public KernelThread? HandOff;

    /// <summary>Set when another CPU sent this one a reschedule interrupt it has not acted on
    /// yet, so that a burst of wake-ups spreads over idle CPUs instead of piling on one.</summary>
    public bool Kicked;

    /// <summary>True while the CPU runs its idle thread.</summary>
    public bool IsIdle => Current == Idle;
}

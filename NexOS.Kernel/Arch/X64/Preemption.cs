using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Arch.X64;

/// <summary>
/// Keeping the running thread on its CPU with interrupts still on, for short critical sections
/// that only threads contend for (the allocator's fast path), where toggling the interrupt
/// flag would cost more than the work. Interrupt handlers still run; a switch they ask for
/// waits until <see cref="Enable"/>. Not nested. Both flags are per CPU, in the per-CPU block
/// (PerCpu.cs): a switch is due on a CPU, not in the machine. This class has no static
/// constructor on purpose: the allocator reaches it before class constructors can run (the
/// boot CPU's block exists from the first instruction of C#). The switch itself belongs to
/// the scheduler above, which registers it (<see cref="SetDeferredSwitch"/>); a function
/// pointer rather than an interface because the allocator's fast path calls
/// <see cref="Enable"/> on every allocation.
/// </summary>
internal static unsafe class Preemption
{
    private static delegate*<void> s_deferredSwitch;

    /// <summary>Sets what <see cref="Enable"/> calls when a switch waited; once, at start-up.</summary>
    public static void SetDeferredSwitch(delegate*<void> deferredSwitch) => s_deferredSwitch = deferredSwitch;

    public static bool IsDisabled => Native.PreemptDisabled();

    /// <summary>Set by the scheduler when a switch is due on this CPU (a wake-up, the timer).</summary>
    public static bool SwitchPending
    {
        get => Native.SwitchPending();
        set => Native.SetSwitchPending(value);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static void Disable() => Native.PreemptDisable();

    /// <summary>Lets the thread be switched out again, switching now if an interrupt asked.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static void Enable()
    {
        if (Native.PreemptEnable() && s_deferredSwitch != null)
        {
            s_deferredSwitch();
        }
    }
}

namespace NexOS.Kernel.Threading;

/// <summary>
/// Keeping the running thread on the CPU with interrupts still on, for short critical sections
/// that only threads contend for (the allocator's fast path), where toggling the interrupt
/// flag would cost more than the work. Interrupt handlers still run; a switch they ask for
/// waits until <see cref="Enable"/>. Not nested. This class has no static constructor on
/// purpose: the allocator reaches it before class constructors can run.
/// </summary>
internal static class Preemption
{
    private static bool s_disabled;
    private static bool s_switchPending;

    public static bool IsDisabled => s_disabled;

    /// <summary>Set by the scheduler when a switch is due (a wake-up, the timer).</summary>
    public static bool SwitchPending
    {
        get => s_switchPending;
        set => s_switchPending = value;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static void Disable() => s_disabled = true;

    /// <summary>Lets the thread be switched out again, switching now if an interrupt asked.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static void Enable()
    {
        s_disabled = false;
        if (s_switchPending)
        {
            Scheduler.PreemptDeferred();
        }
    }
}

namespace NexOS.Kernel.Arch.X64;

/// <summary>
/// Keeping the running thread on the CPU with interrupts still on, for short critical sections
/// that only threads contend for (the allocator's fast path), where toggling the interrupt
/// flag would cost more than the work. Interrupt handlers still run; a switch they ask for
/// waits until <see cref="Enable"/>. Not nested. This class has no static constructor on
/// purpose: the allocator reaches it before class constructors can run. The switch itself
/// belongs to the scheduler above, which registers it (<see cref="SetDeferredSwitch"/>); a
/// function pointer rather than an interface because the allocator's fast path calls
/// <see cref="Enable"/> on every allocation.
/// </summary>
internal static unsafe class Preemption
{
    private static bool s_disabled;
    private static bool s_switchPending;
    private static delegate*<void> s_deferredSwitch;

    /// <summary>Sets what <see cref="Enable"/> calls when a switch waited; once, at start-up.</summary>
    public static void SetDeferredSwitch(delegate*<void> deferredSwitch) => s_deferredSwitch = deferredSwitch;

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
        if (s_switchPending && s_deferredSwitch != null)
        {
            s_deferredSwitch();
        }
    }
}

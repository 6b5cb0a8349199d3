using NexOS.Abi;
using NexOS.UserLib.Runtime;

namespace NexOS.UserLib;

/// <summary>Clocks and sleeping (system calls ClockRead and Sleep).</summary>
public static class Time
{
    /// <summary>Nanoseconds since boot; never goes backwards.</summary>
    public static ulong MonotonicNs => (ulong)Math.Max(0, SyscallNative.Call(Syscall.ClockRead, (ulong)Clock.Monotonic));

    /// <summary>Sleeps at least <paramref name="nanoseconds"/>.</summary>
    public static SyscallStatus Sleep(ulong nanoseconds) => Syscalls.StatusOf(SyscallNative.Call(Syscall.Sleep, nanoseconds));

    /// <summary>Sleeps at least <paramref name="duration"/> (negative counts as zero).</summary>
    public static SyscallStatus Sleep(TimeSpan duration) => Sleep((ulong)Math.Max(0, duration.Ticks) * 100);
}

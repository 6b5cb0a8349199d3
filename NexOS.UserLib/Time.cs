using NexOS.Abi;
using NexOS.UserLib.Runtime;

namespace NexOS.UserLib;

/// <summary>Clocks and sleeping (system calls ClockRead and Sleep).</summary>
public static class Time
{
    /// <summary>Nanoseconds since boot; never goes backwards.</summary>
    public static ulong MonotonicNs => (ulong)Math.Max(0, SyscallNative.Call(Syscall.ClockRead, (ulong)Clock.Monotonic));

    /// <summary>The time of day as a UTC date, or null when the machine's clock is unknown.</summary>
    public static DateTime? UtcNow
    {
        get
        {
            long ns = SyscallNative.Call(Syscall.ClockRead, (ulong)Clock.Realtime);
            return ns < 0 ? null : DateTime.UnixEpoch.AddTicks(ns / 100);
        }
    }

    /// <summary>Sleeps at least <paramref name="nanoseconds"/>.</summary>
    public static SyscallStatus Sleep(ulong nanoseconds) => Syscalls.StatusOf(SyscallNative.Call(Syscall.Sleep, nanoseconds));

    /// <summary>Sleeps at least <paramref name="duration"/> (negative counts as zero).</summary>
    public static SyscallStatus Sleep(TimeSpan duration) => Sleep((ulong)Math.Max(0, duration.Ticks) * 100);
}

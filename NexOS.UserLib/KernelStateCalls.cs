using System.Text;
using NexOS.Abi;
using NexOS.UserLib.Runtime;

namespace NexOS.UserLib;

/// <summary>The state keeper's system calls (StateRead, StateRestore, StateVersion) on a
/// KernelState capability.</summary>
public static unsafe class KernelStateCalls
{
    /// <summary>The largest state text the kernel moves in one call.</summary>
    public const int MaxText = 1 << 20;

    /// <summary>A number that changes whenever the audited state changes; a negated status on failure.</summary>
    public static long Version(int slot) => SyscallNative.Call(Syscall.StateVersion, (ulong)slot);

    /// <summary>The kernel's state of <paramref name="kind"/> as text; null with the status when it cannot.</summary>
    public static string? Read(int slot, StateKind kind, out SyscallStatus status)
    {
        for (int size = 64 * 1024; size <= MaxText; size *= 2)
        {
            byte[] buffer = new byte[size];
            long n;
            fixed (byte* b = buffer)
            {
                n = SyscallNative.Call(Syscall.StateRead, (ulong)slot, (ulong)kind, (ulong)b, (ulong)size, 0, 0);
            }

            if (n >= 0)
            {
                status = SyscallStatus.Ok;
                return Encoding.UTF8.GetString(buffer, 0, (int)n);
            }

            status = (SyscallStatus)(-n);
            if (status != SyscallStatus.LimitReached)
            {
                return null;
            }
        }

        status = SyscallStatus.LimitReached;
        return null;
    }

    /// <summary>Hands <paramref name="text"/> back to the kernel, which checks it; true when it
    /// was adopted. <paramref name="report"/> is the kernel's line on what happened (or the
    /// call's failure).</summary>
    public static bool Restore(int slot, StateKind kind, ReadOnlySpan<byte> text, out string report)
    {
        byte[] reply = new byte[256];
        long result;
        fixed (byte* t = text)
        fixed (byte* r = reply)
        {
            result = SyscallNative.Call(Syscall.StateRestore, (ulong)slot, (ulong)kind, (ulong)t, (ulong)text.Length, (ulong)r, 0);
        }

        if (result < 0)
        {
            report = $"the kernel refused the call (status {-result})";
            return false;
        }

        int end = Array.IndexOf(reply, (byte)0);
        report = Encoding.UTF8.GetString(reply, 0, end < 0 ? reply.Length : end);
        return result == 0;
    }
}

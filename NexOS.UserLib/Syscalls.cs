using NexOS.Abi;
using NexOS.UserLib.Runtime;

namespace NexOS.UserLib;

/// <summary>Raw system calls, for those the typed classes do not wrap yet. The ABI (numbers,
/// registers, status codes) is NexOS.Abi's and docs/syscalls.md's.</summary>
public static class Syscalls
{
    /// <summary>Makes system call <paramref name="number"/> with up to six arguments; returns
    /// RAX: zero or more on success, a negated <see cref="SyscallStatus"/> on failure.
    /// Arguments that are addresses must name the program's own memory.</summary>
    public static long Invoke(Syscall number, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0, ulong a4 = 0, ulong a5 = 0) =>
        SyscallNative.Call(number, a0, a1, a2, a3, a4, a5);

    /// <summary>The status a raw result stands for: <see cref="SyscallStatus.Ok"/> for zero or
    /// more.</summary>
    public static SyscallStatus StatusOf(long result) => result < 0 ? (SyscallStatus)(-result) : SyscallStatus.Ok;
}

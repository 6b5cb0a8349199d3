using NexOS.Abi;

namespace NexOS.Kernel.Syscalls;

/// <summary>What every system call shares: how a failure is returned, and the longest wait a
/// call accepts.</summary>
internal static class SyscallResult
{
    /// <summary>The longest sleep or timeout: more than a day is a wild argument, not a wish.</summary>
    public const ulong MaxWaitNs = 86_400UL * 1_000_000_000UL;

    /// <summary>The value RAX carries for <paramref name="status"/>: its negation.</summary>
    public static long Fail(SyscallStatus status) => -(long)status;
}

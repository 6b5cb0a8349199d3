using NexOS.Abi;
using NexOS.Core.Ipc;
using NexOS.Kernel.Processes;
using NexOS.Kernel.Threading;

namespace NexOS.Kernel.Syscalls;

/// <summary>
/// The thread calls: start another thread in the caller's process (ThreadCreate), end the
/// calling thread (ThreadExit) and wait for a thread to end (ThreadJoin). Arguments are
/// checked here, before anything is made; the threads themselves are the process's
/// (<see cref="Process.StartThread"/>). docs/syscalls.md has the contract.
/// </summary>
internal static class SyscallThreads
{
    /// <summary>
    /// ThreadCreate(entry, stack, argument, thread pointer): entry must be a user address, the
    /// stack a 16-byte aligned address in (UserBase, UserTop] (the thread's first RSP), the
    /// thread pointer 0 or a user address. Returns the slot of a Thread capability (Wait
    /// right) or a negated status: BadAddress, BadArgument (misaligned stack), LimitReached
    /// (MaxThreads threads, or a full table), OutOfMemory.
    /// </summary>
    public static long Create(Process process, KernelThread me, ulong entry, ulong stack, ulong argument, ulong threadPointer)
    {
        if (!IsUserAddress(entry) || stack <= UserAbi.UserBase || stack > UserAbi.UserTop
            || (threadPointer != 0 && !IsUserAddress(threadPointer)))
        {
            return SyscallResult.Fail(SyscallStatus.BadAddress);
        }

        if ((stack & 15) != 0)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        SyscallStatus status = process.StartThread(me, entry, stack, argument, threadPointer, out int slot);
        return status == SyscallStatus.Ok ? slot : SyscallResult.Fail(status);
    }

    /// <summary>ThreadExit(code): ends the calling thread with <paramref name="code"/>; the
    /// process ends when it was its last thread. Does not return.</summary>
    public static void Exit(Process process, KernelThread me, ulong code)
    {
        process.ThreadExiting(me, (long)code);
        Scheduler.Exit();
    }

    /// <summary>
    /// ThreadJoin(thread capability, timeout): waits for the thread to end, at most
    /// <paramref name="timeout"/> ns (0: no limit, at most a day), and returns its exit code
    /// (low 32 bits). Refuses the caller's own thread (BadArgument: it would wait for ever), a
    /// capability of another kind (WrongKind) or without the Wait right (NoRights). The thread
    /// may belong to another process (the capability was handed on): a capability is the
    /// authority. TimedOut when the time runs out first.
    /// </summary>
    public static long Join(KernelThread me, ulong slot, ulong timeout)
    {
        KernelThread? thread = SyscallCapabilities.Find<KernelThread>(me, slot, IpcRights.Wait, CapabilityKind.Thread, out long refused);
        if (thread == null)
        {
            return refused;
        }

        if (thread == me || timeout > SyscallResult.MaxWaitNs)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        return Scheduler.Join(thread, timeout) ? (long)(uint)thread.ExitCode : SyscallResult.Fail(SyscallStatus.TimedOut);
    }

    private static bool IsUserAddress(ulong address) => address >= UserAbi.UserBase && address < UserAbi.UserTop;
}

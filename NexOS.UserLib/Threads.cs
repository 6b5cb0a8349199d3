using System.Diagnostics.CodeAnalysis;
using NexOS.Abi;
using NexOS.UserLib.Runtime;

namespace NexOS.UserLib;

/// <summary>
/// Raw threads of the calling process (ThreadCreate, ThreadExit, ThreadJoin): they share its
/// memory and its capability table. The runtime layer of a C# program is single-threaded (one
/// heap without locks, a collector that scans only the main thread's stack, one exception
/// chain), so code running on a thread made here must not allocate, throw, catch, or hold
/// references to managed objects: it may use its stack, unmanaged memory (e.g. from
/// <see cref="Memory"/>) and system calls. <c>System.Threading.Thread</c> is not supported in
/// programs. docs/writing-programs.md has the details.
/// </summary>
public static unsafe class Threads
{
    /// <summary>
    /// Starts a thread at <paramref name="entry"/> (entered as a program's start is: not
    /// called, so it must end with <see cref="Exit"/>, never return) with RSP =
    /// <paramref name="stackTop"/> (16-byte aligned; the caller owns the memory below it),
    /// RDI = <paramref name="argument"/> and FS base = <paramref name="threadPointer"/> (0 or
    /// a user address). Returns the slot of a Thread capability (for <see cref="Join"/>) or a
    /// negated status (BadAddress, BadArgument, LimitReached, OutOfMemory).
    /// </summary>
    public static long Create(delegate* unmanaged<ulong, void> entry, ulong stackTop, ulong argument, ulong threadPointer = 0) =>
        SyscallNative.Call(Syscall.ThreadCreate, (ulong)entry, stackTop, argument, threadPointer, 0, 0);

    /// <summary>Ends the calling thread with <paramref name="code"/>; when it is the process's
    /// last thread the process ends with that code.</summary>
    [DoesNotReturn]
    public static void Exit(int code)
    {
        while (true)
        {
            SyscallNative.Call(Syscall.ThreadExit, (ulong)(long)code);
        }
    }

    /// <summary>Waits for the thread behind capability <paramref name="thread"/> to end (at
    /// most <paramref name="timeoutNs"/>; 0: no limit) and returns its exit code (low 32 bits),
    /// or a negated status (TimedOut, BadArgument for the caller's own thread, WrongKind,
    /// BadCapability).</summary>
    public static long Join(int thread, ulong timeoutNs = 0) =>
        SyscallNative.Call(Syscall.ThreadJoin, (ulong)thread, timeoutNs);
}

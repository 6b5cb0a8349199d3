using System.Diagnostics.CodeAnalysis;
using NexOS.Abi;
using NexOS.UserLib.Runtime;

namespace NexOS.UserLib;

/// <summary>The calling process (its threads: <see cref="Threads"/>).</summary>
public static class Process
{
    /// <summary>Ends the process with <paramref name="code"/> at once: no finally blocks run.
    /// Returning from Main does the same with Main's result.</summary>
    [DoesNotReturn]
    public static void Exit(int code) => SyscallNative.Exit(code);

    /// <summary>Gives up the rest of the time slice.</summary>
    public static void Yield() => SyscallNative.Call(Syscall.Yield);
}

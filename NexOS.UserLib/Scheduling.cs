using NexOS.Abi;
using NexOS.UserLib.Runtime;

namespace NexOS.UserLib;

/// <summary>How the calling thread is scheduled (system calls SchedulerSet and PeriodWait).</summary>
public static class Scheduling
{
    /// <summary>Drops to the background priority (that of programs started with `run`) if the
    /// thread runs above it, as a program a service started does.</summary>
    public static SyscallStatus Background() =>
        Syscalls.StatusOf(SyscallNative.Call(Syscall.SchedulerSet, (ulong)SchedulerRequest.Background));

    /// <summary>Enters the real-time class with a reservation of <paramref name="budgetNs"/> in
    /// every <paramref name="periodNs"/>; the first release is one period from now.
    /// LimitReached: admission control refused; BadArgument: outside <see cref="UserAbi"/>'s
    /// limits, or already real-time.</summary>
    public static SyscallStatus EnterRealTime(ulong periodNs, ulong budgetNs) =>
        Syscalls.StatusOf(SyscallNative.Call(Syscall.SchedulerSet, (ulong)SchedulerRequest.RealTime, periodNs, budgetNs));

    /// <summary>Ends this period's job and sleeps until the next release; returns the jobs
    /// missed (0 when in time), or a negated status when the thread is not real-time.</summary>
    public static long WaitNextPeriod() => SyscallNative.Call(Syscall.PeriodWait);
}

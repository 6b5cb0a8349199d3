using System.Runtime.InteropServices;
using NexOS.Abi;
using NexOS.Runtime;

namespace NexOS.UserLib.Runtime;

/// <summary>
/// The low-level monitors under the class library's Lock, Monitor and wait handles, for a
/// program with one thread: a lock is never contended, so finding one held is a deadlock, and
/// a wait can only end by its timeout (a sleep). FIXME: real waits need the thread and
/// notification system calls (ThreadCreate, NotifyWait), which the kernel does not offer yet.
/// </summary>
internal static class Monitors
{
    [UnmanagedCallersOnly(EntryPoint = "SystemNative_LowLevelMonitor_Create")]
    private static nint Create() => GCHandle.ToIntPtr(GCHandle.Alloc(new Monitor()));

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_LowLevelMonitor_Destroy")]
    private static void Destroy(nint monitor) => GCHandle.FromIntPtr(monitor).Free();

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_LowLevelMonitor_Acquire")]
    private static void Acquire(nint monitor)
    {
        Monitor m = Get(monitor);
        if (m.Held)
        {
            Panic.Halt("deadlock: a program's only thread waits for a lock it holds");
        }

        m.Held = true;
    }

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_LowLevelMonitor_Release")]
    private static void Release(nint monitor) => Get(monitor).Held = false;

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_LowLevelMonitor_Signal_Release")]
    private static void SignalRelease(nint monitor) => Get(monitor).Held = false;

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_LowLevelMonitor_Wait")]
    private static void Wait(nint monitor) => Panic.Halt("deadlock: a program's only thread waits for a signal without a timeout");

    /// <summary>Returns 1 when signalled, 0 on timeout (always, with one thread).</summary>
    [UnmanagedCallersOnly(EntryPoint = "SystemNative_LowLevelMonitor_TimedWait")]
    private static int TimedWait(nint monitor, int timeoutMilliseconds)
    {
        Monitor m = Get(monitor);
        m.Held = false;
        SyscallNative.Call(Syscall.Sleep, (ulong)Math.Max(timeoutMilliseconds, 1) * 1_000_000);
        m.Held = true;
        return 0;
    }

    private static Monitor Get(nint monitor) => (Monitor)GCHandle.FromIntPtr(monitor).Target!;

    private sealed class Monitor
    {
        public bool Held { get; set; }
    }
}

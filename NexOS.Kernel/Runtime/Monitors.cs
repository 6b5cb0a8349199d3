using System.Runtime.InteropServices;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Runtime;

/// <summary>
/// The low-level monitors under the class library's Lock and Monitor. The boot foundation runs
/// one thread, so a monitor is a flag: acquiring a held one, or waiting without a timeout,
/// could never end and is reported as the deadlock it would be.
/// FIXME: the microkernel core's threads replace these with wait queues.
/// </summary>
internal static unsafe class Monitors
{
    [UnmanagedCallersOnly(EntryPoint = "SystemNative_LowLevelMonitor_Create")]
    private static nint Create() => (nint)BootHeap.Allocate(8);

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_LowLevelMonitor_Destroy")]
    private static void Destroy(nint monitor)
    {
    }

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_LowLevelMonitor_Acquire")]
    private static void Acquire(nint monitor)
    {
        var held = (int*)monitor;
        if (*held != 0)
        {
            Panic.Halt("deadlock: low-level monitor acquired twice by the only thread");
        }

        *held = 1;
    }

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_LowLevelMonitor_Release")]
    private static void Release(nint monitor) => *(int*)monitor = 0;

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_LowLevelMonitor_Signal_Release")]
    private static void SignalRelease(nint monitor) => *(int*)monitor = 0;

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_LowLevelMonitor_Wait")]
    private static void Wait(nint monitor) => Panic.Halt("deadlock: waiting on a monitor that no other thread can signal");

    /// <summary>Waits out the timeout (nothing else can signal) and reports a timeout (0).</summary>
    [UnmanagedCallersOnly(EntryPoint = "SystemNative_LowLevelMonitor_TimedWait")]
    private static int TimedWait(nint monitor, int timeoutMilliseconds)
    {
        ulong end = Tsc.Now + (Tsc.Frequency / 1000 * (ulong)Math.Max(timeoutMilliseconds, 0));
        *(int*)monitor = 0;
        while (Tsc.Now < end)
        {
            Native.Pause();
        }

        *(int*)monitor = 1;
        return 0;
    }
}

using System.Runtime.InteropServices;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Threading;
using NexOS.Runtime;

namespace NexOS.Kernel.Threading;

/// <summary>
/// The low-level monitors under the class library's Lock, Monitor and wait handles: a lock
/// and a condition, both made of scheduler wait queues. Before the scheduler runs there is
/// one thread, so contention then is a deadlock and reported as one.
/// </summary>
internal static class Monitors
{
    [UnmanagedCallersOnly(EntryPoint = "SystemNative_LowLevelMonitor_Create")]
    private static nint Create() => GCHandle.ToIntPtr(GCHandle.Alloc(new KernelMonitor()));

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_LowLevelMonitor_Destroy")]
    private static void Destroy(nint monitor) => GCHandle.FromIntPtr(monitor).Free();

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_LowLevelMonitor_Acquire")]
    private static void Acquire(nint monitor) => Get(monitor).Acquire();

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_LowLevelMonitor_Release")]
    private static void Release(nint monitor) => Get(monitor).Release();

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_LowLevelMonitor_Signal_Release")]
    private static void SignalRelease(nint monitor)
    {
        KernelMonitor m = Get(monitor);
        m.Signal();
        m.Release();
    }

    [UnmanagedCallersOnly(EntryPoint = "SystemNative_LowLevelMonitor_Wait")]
    private static void Wait(nint monitor) => Get(monitor).Wait(0);

    /// <summary>Returns 1 when signalled, 0 on timeout.</summary>
    [UnmanagedCallersOnly(EntryPoint = "SystemNative_LowLevelMonitor_TimedWait")]
    private static int TimedWait(nint monitor, int timeoutMilliseconds) =>
        Get(monitor).Wait((ulong)Math.Max(timeoutMilliseconds, 1) * 1_000_000) ? 1 : 0;

    private static KernelMonitor Get(nint monitor) => (KernelMonitor)GCHandle.FromIntPtr(monitor).Target!;

    private sealed class KernelMonitor
    {
        private readonly WaitQueue _lockWaiters = new();
        private readonly WaitQueue _conditionWaiters = new();
        private bool _held;

        public void Acquire()
        {
            ulong flags = InterruptState.Disable();
            while (_held)
            {
                if (!Scheduler.IsRunning)
                {
                    Panic.Halt("deadlock: low-level monitor acquired twice by the only thread");
                }

                Scheduler.Block(_lockWaiters);
            }

            _held = true;
            InterruptState.Restore(flags);
        }

        public void Release()
        {
            ulong flags = InterruptState.Disable();
            _held = false;
            if (Scheduler.IsRunning)
            {
                Scheduler.WakeOne(_lockWaiters);
            }

            InterruptState.Restore(flags);
        }

        public void Signal()
        {
            ulong flags = InterruptState.Disable();
            if (Scheduler.IsRunning)
            {
                Scheduler.WakeOne(_conditionWaiters);
            }

            InterruptState.Restore(flags);
        }

        /// <summary>Releases the lock, waits for a signal (or the timeout, 0 = none) and takes
        /// the lock back. Returns false on timeout.</summary>
        public bool Wait(ulong timeoutNs)
        {
            ulong flags = InterruptState.Disable();
            bool signalled;
            if (!Scheduler.IsRunning)
            {
                if (timeoutNs == 0)
                {
                    Panic.Halt("deadlock: waiting on a monitor that no other thread can signal");
                }

                // One thread: nothing can signal, so the wait is its whole timeout.
                ulong end = Tsc.NowNs + timeoutNs;
                while (Tsc.NowNs < end)
                {
                    Platform.Native.Pause();
                }

                signalled = false;
            }
            else
            {
                _held = false;
                Scheduler.WakeOne(_lockWaiters);
                signalled = Scheduler.Block(_conditionWaiters, timeoutNs);
                while (_held)
                {
                    Scheduler.Block(_lockWaiters);
                }

                _held = true;
            }

            InterruptState.Restore(flags);
            return signalled;
        }
    }
}

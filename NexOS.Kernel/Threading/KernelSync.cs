using NexOS.Kernel.Arch.X64;

namespace NexOS.Kernel.Threading;

/// <summary>
/// A sleeping mutex for kernel threads: contenders block on a wait queue instead of spinning,
/// and Unlock hands the mutex straight to the longest waiter, so no thread can barge in.
/// Not recursive; not for interrupt handlers.
/// </summary>
internal sealed class KernelMutex
{
    private readonly WaitQueue _waiters = new();
    private KernelThread? _owner;

    public KernelThread? Owner => _owner;

    public void Lock()
    {
        ulong flags = InterruptState.Disable();
        KernelThread me = Scheduler.Current;
        if (_owner == me)
        {
            InterruptState.Restore(flags);
            throw new InvalidOperationException("KernelMutex is not recursive");
        }

        if (_owner == null)
        {
            _owner = me;
        }
        else
        {
            // Unlock makes us the owner before waking us.
            Scheduler.Block(_waiters);
        }

        InterruptState.Restore(flags);
    }

    public bool TryLock()
    {
        ulong flags = InterruptState.Disable();
        bool taken = _owner == null;
        if (taken)
        {
            _owner = Scheduler.Current;
        }

        InterruptState.Restore(flags);
        return taken;
    }

    public void Unlock()
    {
        ulong flags = InterruptState.Disable();
        if (_owner != Scheduler.Current)
        {
            InterruptState.Restore(flags);
            throw new InvalidOperationException("KernelMutex released by a thread that does not own it");
        }

        _owner = Scheduler.TakeFirstWaiter(_waiters);
        InterruptState.Restore(flags);
    }
}

/// <summary>A counting semaphore. Release may be called from interrupt handlers.</summary>
internal sealed class KernelSemaphore
{
    private readonly WaitQueue _waiters = new();
    private long _count;

    public KernelSemaphore(long initialCount) => _count = initialCount;

    public long Count => _count;

    /// <summary>Takes one unit, waiting up to <paramref name="timeoutNs"/> (0: forever).
    /// Returns false on timeout.</summary>
    public bool Wait(ulong timeoutNs = 0)
    {
        ulong flags = InterruptState.Disable();
        bool taken = true;
        if (_count > 0)
        {
            _count--;
        }
        else
        {
            // Release hands its unit directly to the thread it wakes.
            taken = Scheduler.Block(_waiters, timeoutNs);
        }

        InterruptState.Restore(flags);
        return taken;
    }

    public void Release()
    {
        ulong flags = InterruptState.Disable();
        if (!Scheduler.WakeOne(_waiters))
        {
            _count++;
        }

        InterruptState.Restore(flags);
    }
}

/// <summary>A condition variable used with a <see cref="KernelMutex"/>.</summary>
internal sealed class KernelCondition
{
    private readonly WaitQueue _waiters = new();

    /// <summary>Atomically releases <paramref name="mutex"/> and waits for a signal (or the
    /// timeout, 0: none), then takes the mutex back. Returns false on timeout.</summary>
    public bool Wait(KernelMutex mutex, ulong timeoutNs = 0)
    {
        ulong flags = InterruptState.Disable();
        mutex.Unlock();
        bool signalled = Scheduler.Block(_waiters, timeoutNs);
        InterruptState.Restore(flags);
        mutex.Lock();
        return signalled;
    }

    public void Signal()
    {
        ulong flags = InterruptState.Disable();
        Scheduler.WakeOne(_waiters);
        InterruptState.Restore(flags);
    }

    public void Broadcast()
    {
        ulong flags = InterruptState.Disable();
        Scheduler.WakeAll(_waiters);
        InterruptState.Restore(flags);
    }
}

using NexOS.Abi;
using NexOS.Core.Ipc;
using NexOS.Kernel.Threading;
using NexOS.Kernel.Arch.X64;

namespace NexOS.Kernel.Processes;

/// <summary>The threads a program starts itself (ThreadCreate) and how they leave
/// (ThreadExit): every thread shares the process's address space and capability table.</summary>
internal sealed partial class Process
{
    /// <summary>
    /// Records that <paramref name="thread"/>, one of this process's, leaves by ThreadExit with
    /// <paramref name="code"/>: it becomes the thread's exit code, and the process's if it is
    /// the last thread to leave. The caller then exits the thread. Allocation-free.
    /// </summary>
    public void ThreadExiting(KernelThread thread, long code)
    {
        ulong flags = InterruptState.Disable();
        thread.ExitCode = code;
        _lastThreadExitCode = code;
        InterruptState.Restore(flags);
    }

    /// <summary>
    /// Starts another thread in the process for <paramref name="creator"/> (one of its
    /// threads): it enters ring 3 at <paramref name="entry"/> with RSP = <paramref name="stack"/>,
    /// RDI = <paramref name="argument"/> and FS base = <paramref name="threadPointer"/>, at the
    /// creator's priority, sharing the process's capability table; a Thread capability to it
    /// (Wait right) goes into that table and its slot into <paramref name="slot"/>. The caller
    /// has checked the addresses. Refuses (LimitReached) when the process has
    /// <see cref="MaxThreads"/> threads or the table is full, (OutOfMemory) when no memory is
    /// left for a kernel stack, and (BadArgument) when the process is ending; a refusal leaves
    /// nothing behind. Set-up code: allocates.
    /// </summary>
    public SyscallStatus StartThread(KernelThread creator, ulong entry, ulong stack, ulong argument, ulong threadPointer, out int slot)
    {
        slot = -1;
        Scheduler.Reap(); // threads that have exited but not been reaped still count
        if (State != ProcessState.Running || _threads.Count >= MaxThreads)
        {
            return State != ProcessState.Running ? SyscallStatus.BadArgument : SyscallStatus.LimitReached;
        }

        KernelThread thread;
        try
        {
            thread = new KernelThread($"{Name}#{_threadsStarted}", () => EnterThread(entry, stack, argument),
                NexOS.Core.Scheduling.SchedClass.Normal, creator.Sched.BasePriority, creator.Ipc.Capabilities.Share())
            {
                PageTableRoot = Space.Root.Value,
                Owner = this,
                UserThreadPointer = threadPointer,
            };
        }
        catch (OutOfMemoryException)
        {
            return SyscallStatus.OutOfMemory;
        }

        var handle = new KernelObjectHandle((uint)CapabilityKind.Thread, thread);
        ulong flags = InterruptState.Disable();
        SyscallStatus status = State != ProcessState.Running ? SyscallStatus.BadArgument
            : _threads.Count >= MaxThreads ? SyscallStatus.LimitReached
            : creator.Ipc.Capabilities.Insert(handle, IpcRights.Wait, 0, out slot) != IpcStatus.Ok ? SyscallStatus.LimitReached
            : SyscallStatus.Ok;
        if (status == SyscallStatus.Ok)
        {
            _threads.Add(thread);
            _liveThreads++;
            _threadsStarted++;
            Scheduler.Start(thread);
        }

        InterruptState.Restore(flags);
        if (status != SyscallStatus.Ok)
        {
            thread.Discard();
        }

        return status;
    }

    /// <summary>The main thread's first code: straight into ring 3 (unless the process was
    /// ended before the thread first ran).</summary>
    private static void EnterProgram(ulong entry, ulong stackPointer) => EnterThread(entry, stackPointer, 0);

    private static void EnterThread(ulong entry, ulong stackPointer, ulong argument)
    {
        if (!Scheduler.Current.KillRequested)
        {
            Platform.Native.EnterUser(entry, stackPointer, argument);
        }
    }
}

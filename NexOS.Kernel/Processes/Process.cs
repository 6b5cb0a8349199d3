using NexOS.Abi;
using NexOS.Core.Ipc;
using NexOS.Core.Loader;
using NexOS.Core.Paging;
using NexOS.Core.Processes;
using NexOS.Kernel.Memory;
using NexOS.Kernel.Benchmarks;
using NexOS.Kernel.Threading;
using NexOS.Kernel.Arch.X64;

namespace NexOS.Kernel.Processes;

/// <summary>Where a process is in its life.</summary>
internal enum ProcessState
{
    /// <summary>At least one of its threads may still run.</summary>
    Running,

    /// <summary>It has been told to end (exit, kill or fault); its threads are on their way out.</summary>
    Ending,

    /// <summary>Every thread is gone and its memory is freed; only the exit status is left.</summary>
    Ended,
}

/// <summary>
/// A program in ring 3: its own address space (the kernel's half shared, the user half
/// private), its threads, and how it ended. The process frees its whole user half, every
/// frame and page table of it, when its last thread has been reaped.
/// </summary>
internal sealed partial class Process : IThreadOwner
{
    /// <summary>The most stack a program's main thread may grow to.</summary>
    public const ulong MaxStack = 1024 * 1024;

    /// <summary>Stack mapped before the program starts (the rest arrives on first touch).</summary>
    public const ulong InitialStack = 64 * 1024;

    /// <summary>Program segments must end below this, where the memory MemoryMap hands out
    /// begins.</summary>
    public const ulong SegmentsTop = MapAreaLow;

    /// <summary>The range MemoryMap places memory in: above every program image, below the
    /// main stack's growth range and its guard page.</summary>
    public const ulong MapAreaLow = UserLayout.MapAreaLow;

    /// <summary>End of the MemoryMap range (exclusive).</summary>
    public const ulong MapAreaHigh = UserLayout.MapAreaHigh;

    /// <summary>The most threads a process may have at once, its main thread included.</summary>
    public const int MaxThreads = 64;

    /// <summary>How often <see cref="Wait"/> reaps while the process is ending.</summary>
    private const ulong ReapIntervalNs = 10_000_000;

    // Sized once, so adding a thread never allocates with interrupts off.
    private readonly List<KernelThread> _threads = new(MaxThreads);
    private readonly WaitQueue _waiters = new();
    private int _liveThreads;
    private int _threadsStarted;
    private long _lastThreadExitCode;
    private KernelObjectHandle? _handle;

    public Process(int id, string name, AddressSpace space, CountingFrameSource frames)
    {
        Id = id;
        Name = name;
        Space = space;
        Frames = frames;
    }

    public int Id { get; }

    public string Name { get; }

    public AddressSpace Space { get; }

    /// <summary>Every frame of user memory this process takes and gives back goes through
    /// here; after it ended, <see cref="CountingFrameSource.Held"/> is what it did not give
    /// back (zero unless the kernel leaks).</summary>
    public CountingFrameSource Frames { get; }

    /// <summary>Where the program's log writes go while its output is captured for
    /// redirection (null: the kernel log). Set before its first thread starts.</summary>
    public OutputCapture? Output { get; init; }

    /// <summary>The capture the programs this process starts from now on write to
    /// (OutputCapture system call), or null.</summary>
    public OutputCapture? ChildOutput { get; set; }

    /// <summary>The DMA buffers a device may reach through the IOMMU (null until the first).</summary>
    public DmaBuffers? Dma { get; set; }

    /// <summary>The memory the program asked for with MemoryMap (pages arrive on first touch).</summary>
    public RegionMap Regions { get; } = new(MapAreaLow, MapAreaHigh);

    public ProcessState State { get; private set; } = ProcessState.Running;

    /// <summary>The exit code (the program's, or a negative <see cref="SyscallStatus"/>-like
    /// code of the kernel's when it was ended for it).</summary>
    public long ExitCode { get; private set; }

    /// <summary>Why the kernel ended it (a fault report, "killed"), or null after a normal exit.</summary>
    public string? EndReason { get; private set; }

    /// <summary>Top of the main thread's stack (exclusive).</summary>
    public ulong StackTop => UserAbi.UserTop;

    /// <summary>The lowest address the main stack may grow down to; the page below stays a guard.</summary>
    public ulong StackLimit => UserAbi.UserTop - MaxStack;

    /// <summary>Pages of user memory mapped when the process ended (for the exit report).</summary>
    public ulong PagesAtEnd { get; private set; }

    /// <summary>Raised with <see cref="ExitBits"/> when the process has ended (a supervisor
    /// waits on it for all its children at once), or null.</summary>
    public Notification? ExitNotification { get; init; }

    public ulong ExitBits { get; init; }

    /// <summary>The threads that have not been reaped yet.</summary>
    public IReadOnlyList<KernelThread> Threads => _threads;

    /// <summary>The capability that names this process (given to whoever started it).</summary>
    public KernelObjectHandle Handle => _handle ??= new KernelObjectHandle((uint)CapabilityKind.Process, this);

    /// <summary>
    /// Starts the main thread at <paramref name="entry"/> with <paramref name="stackPointer"/>
    /// and scheduling <paramref name="priority"/>, its capability table holding
    /// <paramref name="grants"/> in slots 1, 2, ... in order.
    /// Set-up code: allocates the thread. Returns false, starting nothing, when a grant does
    /// not fit the table.
    /// </summary>
    public bool StartMainThread(ulong entry, ulong stackPointer, IReadOnlyList<Grant> grants, int priority)
    {
        var thread = new KernelThread(Name, () => EnterProgram(entry, stackPointer), NexOS.Core.Scheduling.SchedClass.Normal, priority)
        {
            PageTableRoot = Space.Root.Value,
            Owner = this,
        };
        foreach (Grant g in grants)
        {
            if (thread.Ipc.Capabilities.Insert(g.Object, g.Rights, g.Badge, out _) != IpcStatus.Ok)
            {
                thread.Discard();
                return false;
            }
        }

        _threads.Add(thread);
        _liveThreads++;
        _threadsStarted++;
        Scheduler.Start(thread);
        return true;
    }

    /// <summary>
    /// Starts ending the process with <paramref name="code"/> (<paramref name="reason"/> null for
    /// a normal exit): every thread is asked to stop. The first call decides the status; later
    /// calls change nothing. A thread of the process that calls this must then exit itself.
    /// </summary>
    public void End(long code, string? reason)
    {
        ulong flags = InterruptState.Disable();
        if (State == ProcessState.Running)
        {
            State = ProcessState.Ending;
            ExitCode = code;
            EndReason = reason;
            foreach (KernelThread t in _threads)
            {
                if (t.Sched.State != NexOS.Core.Scheduling.ThreadState.Exited)
                {
                    t.ExitCode = code;
                }

                t.KillRequested = true;
                if (t != Scheduler.Current)
                {
                    Scheduler.WakeToEnd(t);
                }
            }
        }

        InterruptState.Restore(flags);
    }

    /// <summary>Waits for the process to end, at most <paramref name="timeoutNs"/> (0: no limit).
    /// Returns false on timeout. The waiter looks every <see cref="ReapIntervalNs"/> and reaps
    /// exited threads itself once the process is ending: the idle thread, which reaps them otherwise, never runs
    /// while CPU-bound programs keep the processor busy, and a killed process would stay
    /// Ending, its memory held, until then.</summary>
    public bool Wait(ulong timeoutNs)
    {
        ulong flags = InterruptState.Disable();
        ulong deadline = timeoutNs == 0 ? 0 : Arch.X64.Tsc.NowNs + timeoutNs;
        while (State != ProcessState.Ended)
        {
            ulong now = Arch.X64.Tsc.NowNs;
            if ((deadline != 0 && now >= deadline) || Scheduler.Current.KillRequested)
            {
                InterruptState.Restore(flags);
                return false;
            }

            if (State == ProcessState.Ending)
            {
                InterruptState.Restore(flags);
                Scheduler.ReapExited();
                flags = InterruptState.Disable();
                if (State == ProcessState.Ended)
                {
                    break;
                }
            }

            ulong wait = deadline == 0 ? ReapIntervalNs : Math.Min(ReapIntervalNs, deadline - now);
            Scheduler.Block(_waiters, wait);
        }

        InterruptState.Restore(flags);
        return true;
    }

    /// <summary>
    /// Counts the pages and tables of the user half, for `ps`: only while the process runs,
    /// and with interrupts off for the walk, because once it is ending the reaper frees those
    /// tables, and a MemoryUnmap between its batches may free some too; on one CPU neither
    /// can run during the walk. False, with nothing counted, when the process is not running.
    /// </summary>
    public bool TryCountPages(out UserSpaceUsage usage)
    {
        usage = default;
        ulong flags = InterruptState.Disable();
        bool counted = State == ProcessState.Running && Space.CountUserPages(out usage);
        InterruptState.Restore(flags);
        return counted;
    }

    /// <summary>Called by the reaper for each thread; the last one frees the address space.</summary>
    public void ThreadReaped(KernelThread thread)
    {
        ulong flags = InterruptState.Disable();
        _threads.Remove(thread);
        bool last = --_liveThreads == 0;
        if (last && State == ProcessState.Running)
        {
            State = ProcessState.Ending; // every thread left by ThreadExit: the last one's code
            ExitCode = _lastThreadExitCode;
        }

        InterruptState.Restore(flags);
        if (!last)
        {
            return;
        }

        // Nothing runs in the process any more: its capabilities go now, not when the last
        // reference to one of its thread objects (a Thread capability held elsewhere) goes.
        // A caller whose reply the process saved for later would wait for ever: it is
        // cancelled with DeadPeer as the slots go.
        flags = InterruptState.Disable();
        CapabilityTable table = thread.Ipc.Capabilities;
        for (int slot = CapabilityTable.ReplySlot + 1; slot < table.Size; slot++)
        {
            if (Endpoint.Close(table, slot, out IpcParticipant? cancelled) == IpcStatus.Ok && cancelled != null)
            {
                Scheduler.WakeIpc(cancelled);
            }
        }

        table.Clear();
        InterruptState.Restore(flags);

        PagesAtEnd = Space.CountUserPages(out UserSpaceUsage usage) ? usage.OwnedPages + usage.BorrowedPages : 0;
        if (VirtualMemory.IsLoaded(Space.Root.Value))
        {
            VirtualMemory.Activate(0);
        }

        // Its devices lose their DMA buffers before the frames are freed: a driver that dies
        // mid-transfer cannot have its device write into memory that went to someone else.
        flags = InterruptState.Disable();
        Dma?.ReleaseAll();
        InterruptState.Restore(flags);
        Space.ReleaseUserSpace(out _);
        flags = InterruptState.Disable();
        State = ProcessState.Ended;
        Scheduler.WakeAll(_waiters);
        IpcResult raised = ExitNotification?.Raise(ExitBits) ?? default;
        if (raised.Woken != null)
        {
            Scheduler.WakeIpc(raised.Woken);
        }

        InterruptState.Restore(flags);
        ProcessTable.OnEnded(this);
    }
}

/// <summary>A capability to hand a new process: the object, the rights and the badge.</summary>
internal readonly record struct Grant(IpcObject Object, IpcRights Rights, ulong Badge);

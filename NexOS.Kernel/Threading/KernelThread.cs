using System.Runtime.InteropServices;
using NexOS.Core.Ipc;
using NexOS.Core.Scheduling;
using NexOS.Kernel.Memory;
using NexOS.Kernel.Platform;
using NexOS.Runtime;
using NexOS.Kernel.Arch.X64;

namespace NexOS.Kernel.Threading;

/// <summary>
/// A kernel thread: its own stack and thread-local storage block, the registers saved while
/// it is switched out, and the scheduler's view of it (<see cref="Sched"/>).
/// </summary>
internal sealed unsafe class KernelThread
{
    /// <summary>Usable stack; with its guard page the block is 64 KiB of frames.</summary>
    public const ulong DefaultStackSize = 60 * 1024;

    private static int s_nextId;

    private readonly Action? _body;

    /// <summary>Creates a thread that will run <paramref name="body"/>; it starts when the
    /// scheduler first picks it.</summary>
    public KernelThread(string name, Action body, SchedClass schedClass, int priority, ulong stackSize = DefaultStackSize)
        : this(name, body, schedClass, priority, null, stackSize)
    {
    }

    /// <summary>Creates a thread that will run <paramref name="body"/> with the capability
    /// table <paramref name="capabilities"/> (one made by <see cref="CapabilityTable.Share"/>
    /// for another thread of a process; null: a table of its own). Set-up code: allocates, and
    /// throws <see cref="OutOfMemoryException"/> when no memory is left for the thread.</summary>
    public KernelThread(string name, Action body, SchedClass schedClass, int priority, CapabilityTable? capabilities, ulong stackSize = DefaultStackSize)
        : this(name, schedClass, priority, capabilities)
    {
        _body = body;
        AllocateStack(stackSize);
        ThreadPointer = CreateTlsBlock();
        _ownsTlsBlock = true;
        SavedRsp = PrepareStack(StackTop);
    }

    /// <summary>Wraps the boot thread, which already runs on the boot stack and TLS block.</summary>
    private KernelThread(string name, SchedClass schedClass, int priority, CapabilityTable? capabilities = null)
    {
        Id = s_nextId++;
        Sched = new SchedThread(Id, name, schedClass, priority);
        Ipc = new IpcParticipant(capabilities ?? new CapabilityTable(CapabilityTable.DefaultSize), this);
        Handle = GCHandle.Alloc(this);
    }

    public int Id { get; }

    public SchedThread Sched { get; }

    /// <summary>The thread's IPC state and capabilities.</summary>
    public IpcParticipant Ipc { get; }

    public string Name => Sched.Name;

    public ulong StackBottom { get; private set; }

    public ulong StackTop { get; private set; }

    public ulong StackSize { get; private set; }

    /// <summary>The FS base of this thread (x86-64 TLS thread pointer).</summary>
    public ulong ThreadPointer { get; private set; }

    /// <summary>The page-table root (CR3) the thread runs on: its process's address space,
    /// or 0 for a kernel thread, which runs on the kernel's own tables.</summary>
    public ulong PageTableRoot { get; init; }

    /// <summary>The program's TLS thread pointer (its FS base in ring 3); 0 for a kernel thread.</summary>
    public ulong UserThreadPointer { get; set; }

    /// <summary>Who is told when the thread has been reaped (its process), if anyone.</summary>
    public IThreadOwner? Owner { get; init; }

    /// <summary>The CPU this thread runs on, or ran on last (-1: it never ran). Written
    /// by the scheduler under the kernel lock; `ps` and `top` show it.</summary>
    public int Cpu = -1;

    /// <summary>The CPUs this thread may run on (bit n: CPU n); 0 for any. `pin` sets it, and
    /// admission pins a real-time thread to the CPU whose reservation it got.</summary>
    public ulong Affinity;

    /// <summary>The CPU whose run queue holds this thread, or -1 while it is in none (running,
    /// blocked, exited).</summary>
    public int QueueCpu = -1;

    /// <summary>The CPU whose real-time policy admitted this thread, or -1.</summary>
    public int RealTimeCpu = -1;

    /// <summary>RSP while switched out; written by nexos_switch.</summary>
    public ulong SavedRsp;

    /// <summary>This thread's innermost exception being dispatched (exceptions.asm's chain head).</summary>
    public ulong ExInfoHead;

    /// <summary>When a sleeping or timed-waiting thread is due (monotonic ns).</summary>
    public ulong WakeAtNs;

    /// <summary>True while the thread is in the timer list, so <see cref="WakeAtNs"/> is when
    /// it will wake.</summary>
    public bool TimerArmed;

    /// <summary>Next thread on the scheduler's timer list.</summary>
    public KernelThread? TimerNext;

    /// <summary>The wait queue the thread is blocked on, if any.</summary>
    public WaitQueue? BlockedOn;

    /// <summary>Set when a timed wait ended by its timeout rather than a wake-up.</summary>
    public bool TimedOut;

    /// <summary>Threads waiting in <see cref="Scheduler.Join"/> for this one to exit.</summary>
    public WaitQueue Joiners { get; } = new();

    /// <summary>CPU time at the last metrics refresh (to count the threads that ran since).</summary>
    public ulong CpuAtRefreshNs;

    /// <summary>The code the thread ended with (its ThreadExit's, or its process's when the
    /// process was ended under it); read by joiners once it has exited.</summary>
    public long ExitCode { get; set; }

    /// <summary>The release grid of a user thread that entered the real-time class through
    /// SchedulerSet (PeriodWait keeps it); unset for every other thread.</summary>
    public NexOS.Core.Scheduling.PeriodicJob Periodic;

    /// <summary>Set by `kill`: the thread exits at its next check.</summary>
    public volatile bool KillRequested;

    /// <summary>The exception that ended the thread, if one did.</summary>
    public Exception? Fault { get; set; }

    /// <summary>Keeps the object reachable from native code (the trampoline gets this handle);
    /// freed when the thread is reaped.</summary>
    public GCHandle Handle { get; private set; }

    /// <summary>The boot thread runs the console shell, so it gets a priority above every
    /// workload's boosted range: typing stays responsive whatever runs.</summary>
    public const int ConsolePriority = 24;

    public static KernelThread ForBootThread(string name)
    {
        var thread = new KernelThread(name, SchedClass.Normal, ConsolePriority)
        {
            StackBottom = KernelImage.BootStackBottom,
            StackTop = KernelImage.BootStackTop,
            StackSize = KernelImage.BootStackTop - KernelImage.BootStackBottom,
            ThreadPointer = Native.ReadMsr(Native.FsBaseMsr),
        };
        return thread;
    }

    /// <summary>The unmapped page under the stack, or 0 when the stack has none.</summary>
    public ulong GuardPage { get; private set; }

    /// <summary>Next exited thread waiting for <see cref="Scheduler"/> to free its stack.</summary>
    public KernelThread? ZombieNext;

    // Thread pointers of TLS blocks whose threads are gone, linked through their first word
    // (which holds the self pointer while in use).
    private static ulong s_freeTlsBlocks;
    private bool _ownsTlsBlock;

    // The frames the stack came from (order -1: it came from the boot heap and stays there).
    private ulong _stackBlock;
    private int _stackOrder = -1;

    /// <summary>Gives the stack's frames back and lets the object be collected once nothing
    /// else refers to it. Only for an exited thread, from another thread's stack.</summary>
    public void ReleaseResources()
    {
        // A notification bound to the thread is free for another once the thread is gone.
        ulong flags = InterruptState.Disable();
        Notification.Unbind(Ipc);
        InterruptState.Restore(flags);
        FreeMemory();
        Owner?.ThreadReaped(this);
    }

    /// <summary>Gives back the stack, TLS block and handle of a thread that was created but
    /// never started (its start was refused after it was made); its owner is not told, as it
    /// never counted the thread. Only for a thread the scheduler has never seen.</summary>
    public void Discard() => FreeMemory();

    private void FreeMemory()
    {
        if (_stackOrder >= 0)
        {
            if (GuardPage != 0)
            {
                VirtualMemory.RemoveGuardPage(GuardPage);
                GuardPage = 0;
            }

            PhysicalMemory.Free(new NexOS.Core.Memory.PhysAddr(_stackBlock), _stackOrder);
            _stackOrder = -1;
        }

        // The boot heap never frees: the TLS block goes on a list for the next thread.
        if (_ownsTlsBlock)
        {
            _ownsTlsBlock = false;
            ulong flags = InterruptState.Disable();
            *(ulong*)ThreadPointer = s_freeTlsBlocks;
            s_freeTlsBlocks = ThreadPointer;
            InterruptState.Restore(flags);
        }

        if (Handle.IsAllocated)
        {
            Handle.Free();
        }
    }

    /// <summary>Runs the thread's body; called once, on the thread's own stack.</summary>
    public void RunBody() => _body?.Invoke();

    private static void* Allocate(ulong bytes)
    {
        void* p = BootHeap.Allocate(bytes);
        if (p == null)
        {
            throw new OutOfMemoryException("no memory for a thread");
        }

        return p;
    }

    /// <summary>
    /// Takes the stack from page frames, with its lowest page unmapped as a guard so that an
    /// overflow faults instead of overwriting whatever lies below. Before the kernel's page
    /// tables exist (or without free frames) the stack comes from the heap, unguarded.
    /// </summary>
    private void AllocateStack(ulong requested)
    {
        const ulong page = 4096;
        ulong withGuard = ((requested + page - 1) & ~(page - 1)) + page;
        int order = NexOS.Core.Memory.BuddyFrameAllocator.OrderForBytes(withGuard);
        if (VirtualMemory.KernelSpace != null && PhysicalMemory.TryAllocate(order, out NexOS.Core.Memory.PhysAddr block))
        {
            ulong bottom = block.Value;
            if (VirtualMemory.MakeGuardPage(bottom))
            {
                GuardPage = bottom;
                bottom += page;
            }

            StackBottom = bottom;
            StackTop = block.Value + (page << order);
            _stackBlock = block.Value;
            _stackOrder = order;

            // Cleared once, whole: the frames may hold what their last owner left (another
            // thread's data, or code the bootloader ran from them). Under QEMU's TCG a page it
            // once translated code from stays write-watched until writes cover that code, so a
            // stack whose untouched lower part still held such code made every push and call
            // take the emulator's slow path (measured: IPC round trips of 75-180 us at boot).
            new Span<byte>((void*)bottom, (int)(StackTop - bottom)).Clear();
        }
        else
        {
            StackBottom = (ulong)Allocate(requested);
            StackTop = (StackBottom + requested) & ~15UL; // the heap aligns to 8; the ABI wants 16
        }

        StackSize = StackTop - StackBottom;
    }

    /// <summary>A copy of the TLS template below a self-pointing thread pointer
    /// (x86-64 variant II), as boot.asm builds for the boot thread.</summary>
    private static ulong CreateTlsBlock()
    {
        // The block size must be rounded to the TLS segment's own alignment, as the linker did
        // when it fixed the variables' offsets from the thread pointer.
        ulong align = Math.Max(KernelImage.TlsAlignment, 8);
        ulong blockSize = (KernelImage.TlsSize + align - 1) & ~(align - 1);
        ulong flags = InterruptState.Disable();
        ulong tp = s_freeTlsBlocks;
        if (tp != 0)
        {
            s_freeTlsBlocks = *(ulong*)tp;
        }

        InterruptState.Restore(flags);
        if (tp == 0)
        {
            byte* block = (byte*)Allocate(blockSize + align + 16);
            tp = ((ulong)block + blockSize + align - 1) & ~(align - 1);
        }

        new Span<byte>((void*)(tp - blockSize), (int)blockSize).Clear();
        Buffer.MemoryCopy((void*)KernelImage.TlsTemplateStart, (void*)(tp - blockSize), blockSize, KernelImage.TlsTemplateInitializedSize);
        *(ulong*)tp = tp;
        return tp;
    }

    /// <summary>Lays out a new stack as nexos_switch leaves a switched-out one (switch.asm):
    /// six callee-saved registers, then the return address, here the thread trampoline, with
    /// RBX carrying this thread's handle. The trampoline starts on a 16-byte aligned stack.</summary>
    private ulong PrepareStack(ulong top)
    {
        ulong* sp = (ulong*)(top - 72);
        sp[0] = 0; // r15
        sp[1] = 0; // r14
        sp[2] = 0; // r13
        sp[3] = 0; // r12
        sp[4] = (ulong)GCHandle.ToIntPtr(Handle); // rbx
        sp[5] = 0; // rbp
        sp[6] = Native.ThreadTrampoline();
        return (ulong)sp;
    }
}

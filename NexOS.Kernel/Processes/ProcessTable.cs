using NexOS.Abi;
using NexOS.Core.Loader;
using NexOS.Core.Paging;
using NexOS.Kernel.Memory;
using NexOS.Kernel.Threading;
using NexOS.Kernel.Arch.X64;

namespace NexOS.Kernel.Processes;

/// <summary>
/// Every process the kernel knows: running ones, and ended ones until somebody has read their
/// status (the most recent <see cref="KeptEnded"/> are kept for `ps` and waiters). Starting a
/// program is set-up code (it allocates); the lookups take interrupts off and do not allocate.
/// </summary>
internal static class ProcessTable
{
    /// <summary>The priority of a program started from the shell: that of any workload.</summary>
    public const int DefaultPriority = 16;

    /// <summary>Ended processes kept for their status.</summary>
    public const int KeptEnded = 16;

    private static readonly List<Process> s_processes = new();
    private static int s_nextId = 1;

    /// <summary>Processes started since boot.</summary>
    public static int Started { get; private set; }

    /// <summary>A snapshot of the table, oldest first.</summary>
    public static Process[] Snapshot()
    {
        ulong flags = InterruptState.Disable();
        Process[] copy = s_processes.ToArray();
        InterruptState.Restore(flags);
        return copy;
    }

    /// <summary>The process with <paramref name="id"/>, or null.</summary>
    public static Process? Find(int id)
    {
        ulong flags = InterruptState.Disable();
        Process? found = null;
        foreach (Process p in s_processes)
        {
            if (p.Id == id)
            {
                found = p;
                break;
            }
        }

        InterruptState.Restore(flags);
        return found;
    }

    /// <summary>The process of the running thread, or null for a kernel thread.</summary>
    public static Process? Current => Scheduler.Current.Owner as Process;

    /// <summary>
    /// Loads <paramref name="file"/> (a static ELF executable) as a new process called
    /// <paramref name="name"/> with <paramref name="argv"/>, and starts its main thread at
    /// <paramref name="priority"/>.
    /// Returns null with the reason in <paramref name="error"/> when the file is not a valid
    /// executable or memory runs out; then nothing is left behind.
    /// </summary>
    public static Process? Spawn(string name, ReadOnlySpan<byte> file, IReadOnlyList<string> argv, IReadOnlyList<Grant> grants, out SyscallStatus status, out string error,
        NexOS.Core.Ipc.Notification? exitNotification = null, ulong exitBits = 0, int priority = DefaultPriority, OutputCapture? output = null)
    {
        AddressSpace? kernel = VirtualMemory.KernelSpace;
        if (kernel == null || !Arch.X64.UserMode.IsReady)
        {
            status = SyscallStatus.NotImplemented;
            error = "user space needs the kernel's page tables";
            return null;
        }

        ElfImage? image = ElfImage.TryParse(file, UserAbi.UserBase, Process.SegmentsTop, out error);
        if (image == null)
        {
            status = SyscallStatus.BadExecutable;
            return null;
        }

        var frames = new CountingFrameSource(VirtualMemory.UserFrames);
        PagingStatus created = AddressSpace.TryCreateUser(VirtualMemory.TableMemory, frames, kernel, UserLayout.KernelTopLevelEntries, out AddressSpace? space);
        if (space == null)
        {
            status = created == PagingStatus.OutOfFrames ? SyscallStatus.OutOfMemory : SyscallStatus.NotImplemented;
            error = $"no address space: {created.Describe()}";
            return null;
        }

        Span<byte> random = stackalloc byte[16];
        ulong seed = Arch.X64.Tsc.NowNs ^ ((ulong)s_nextId << 48);
        for (int i = 0; i < random.Length; i++)
        {
            seed = (seed * 6364136223846793005UL) + 1442695040888963407UL;
            random[i] = (byte)(seed >> 56);
        }

        LoadStatus loaded = ProgramLoader.Load(image, file, space, frames, VirtualMemory.FrameBytes,
            UserAbi.UserTop, Process.InitialStack, argv, Array.Empty<string>(), random, out ProgramStart start, out error);
        if (loaded != LoadStatus.Ok)
        {
            space.ReleaseUserSpace(out _);
            status = loaded == LoadStatus.OutOfFrames ? SyscallStatus.OutOfMemory : SyscallStatus.BadExecutable;
            return null;
        }

        ulong flags = InterruptState.Disable();
        var process = new Process(s_nextId++, name, space, frames) { ExitNotification = exitNotification, ExitBits = exitBits, Output = output };
        s_processes.Add(process);
        NexOS.Kernel.Debugging.DebuggerView.Publish(NexOS.Kernel.Debugging.DebuggerView.Slot.Processes, s_processes);
        InterruptState.Restore(flags);
        if (!process.StartMainThread(start.Entry, start.StackPointer, grants, priority))
        {
            flags = InterruptState.Disable();
            s_processes.Remove(process);
            InterruptState.Restore(flags);
            space.ReleaseUserSpace(out _);
            status = SyscallStatus.LimitReached;
            error = $"{grants.Count} capabilities do not fit a new process's table";
            return null;
        }

        Started++;
        status = SyscallStatus.Ok;
        error = string.Empty;
        return process;
    }

    /// <summary>Called when a process has ended: drops the oldest ended entries beyond
    /// <see cref="KeptEnded"/>.</summary>
    public static void OnEnded(Process process)
    {
        ulong flags = InterruptState.Disable();
        int ended = 0;
        for (int i = s_processes.Count - 1; i >= 0; i--)
        {
            if (s_processes[i].State == ProcessState.Ended && ++ended > KeptEnded)
            {
                s_processes.RemoveAt(i);
            }
        }

        InterruptState.Restore(flags);
    }
}

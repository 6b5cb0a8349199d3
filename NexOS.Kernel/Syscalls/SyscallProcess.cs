using System.Text;
using NexOS.Abi;
using NexOS.Core.Ipc;
using NexOS.Core.Loader;
using NexOS.Kernel.Memory;
using NexOS.Kernel.Threading;
using NexOS.Kernel.Processes;
using NexOS.Kernel.Arch.X64;

namespace NexOS.Kernel.Syscalls;

/// <summary>
/// Process and capability calls: spawn a program from the boot archive with a list of the
/// caller's capabilities to hand on (the child runs at the caller's priority, so the services
/// init starts share its place above the workloads), wait for or kill a process through its capability, and
/// close, copy or inspect capabilities.
/// </summary>
internal static class SyscallProcess
{
    /// <summary>The longest command line (program name and arguments).</summary>
    public const int MaxName = 256;

    /// <summary>The most words on a command line, the name included.</summary>
    public const int MaxArguments = 16;

    /// <summary>The most capabilities one spawn hands on.</summary>
    public const int MaxGrants = 16;

    /// <summary>The largest program image ProcessSpawnImage takes.</summary>
    public const int MaxImage = 16 << 20;

    /// <summary>ProcessSpawn: a program of the boot archive, named by the command line's first word.</summary>
    public static long Spawn(Process caller, KernelThread me, ulong nameAddress, ulong nameLength, ulong capsAddress, ulong capsCount, ulong exitSlot, ulong exitBits) =>
        Spawn(caller, me, null, nameAddress, nameLength, capsAddress, capsCount, exitSlot, exitBits);

    /// <summary>ProcessSpawnImage: a program whose ELF image the caller holds (read from a
    /// disk), described by eight words at <paramref name="request"/>: image address and
    /// length (at most <see cref="MaxImage"/>), command line address and length, capability
    /// list address and count, exit notification slot and bits. The image is copied first and
    /// then loaded exactly as a boot-archive program is, with the same checks.</summary>
    public static long SpawnImage(Process caller, KernelThread me, ulong request)
    {
        Span<byte> words = stackalloc byte[8 * 8];
        if (UserCopy.In(caller, request, words) != UserAccessStatus.Ok)
        {
            return SyscallResult.Fail(SyscallStatus.BadAddress);
        }

        Span<ulong> word = stackalloc ulong[8];
        for (int i = 0; i < 8; i++)
        {
            word[i] = BitConverter.ToUInt64(words.Slice(i * 8, 8));
        }

        ulong length = word[1];
        if (length == 0 || length > MaxImage)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        byte[] image = new byte[(int)length];
        return UserCopy.In(caller, word[0], image) != UserAccessStatus.Ok
            ? SyscallResult.Fail(SyscallStatus.BadAddress)
            : Spawn(caller, me, image, word[2], word[3], word[4], word[5], word[6], word[7]);
    }

    // The work of both calls; image null: the boot archive's program of that name.
    private static long Spawn(Process caller, KernelThread me, byte[]? image, ulong nameAddress, ulong nameLength, ulong capsAddress, ulong capsCount, ulong exitSlot, ulong exitBits)
    {
        if (nameLength == 0 || nameLength > MaxName || capsCount > MaxGrants)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        // The notification raised when the child ends, if one is named (slot 0: none).
        Notification? exitNotification = null;
        if (exitSlot != 0)
        {
            IpcStatus found = exitSlot < (ulong)me.Ipc.Capabilities.Size
                ? me.Ipc.Capabilities.Lookup((int)exitSlot, IpcRights.Wait, out exitNotification, out _)
                : IpcStatus.InvalidSlot;
            if (found != IpcStatus.Ok || exitBits == 0)
            {
                return found != IpcStatus.Ok ? SyscallIpc.Result(found) : SyscallResult.Fail(SyscallStatus.BadArgument);
            }
        }

        Span<byte> nameBytes = stackalloc byte[(int)nameLength];
        Span<byte> slotBytes = stackalloc byte[(int)capsCount * 8];
        if (UserCopy.In(caller, nameAddress, nameBytes) != UserAccessStatus.Ok || UserCopy.In(caller, capsAddress, slotBytes) != UserAccessStatus.Ok)
        {
            return SyscallResult.Fail(SyscallStatus.BadAddress);
        }

        // Every capability is checked before anything is started.
        var grants = new List<Grant>((int)capsCount);
        for (int i = 0; i < (int)capsCount; i++)
        {
            ulong slot = BitConverter.ToUInt64(slotBytes.Slice(i * 8, 8));
            if (slot == CapabilityTable.ReplySlot || slot >= (ulong)me.Ipc.Capabilities.Size)
            {
                return SyscallResult.Fail(SyscallStatus.BadCapability);
            }

            IpcStatus found = me.Ipc.Capabilities.Lookup((int)slot, IpcRights.None, out IpcObject? obj, out ulong badge);
            if (found != IpcStatus.Ok || obj == null)
            {
                return SyscallResult.Fail(SyscallStatus.BadCapability);
            }

            grants.Add(new Grant(obj, me.Ipc.Capabilities.RightsAt((int)slot), badge));
        }

        // The text is a command line: the program's name, then its arguments, split at spaces.
        string[] words = Encoding.UTF8.GetString(nameBytes).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0 || words.Length > MaxArguments)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        // A program from a disk is named by its path's last part, as ps shows it.
        string name = image == null ? words[0] : words[0][(words[0].LastIndexOf('/') + 1)..];
        ReadOnlySpan<byte> file = image;
        if (image == null && !Boot.BootPrograms.TryFind(name, out file))
        {
            return SyscallResult.Fail(SyscallStatus.NotFound);
        }

        if (name.Length == 0)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        var argv = new List<string>(words);
        Process? child = ProcessTable.Spawn(name, file, argv, grants, out SyscallStatus status, out _, exitNotification, exitBits, me.Sched.BasePriority, caller.ChildOutput);
        if (child == null)
        {
            return SyscallResult.Fail(status);
        }

        int childSlot = KernelIpcGrant(me, child.Handle);
        if (childSlot < 0)
        {
            child.End(UserFaults.KilledExitCode, "killed: its parent had no room for its capability");
            return SyscallResult.Fail(SyscallStatus.LimitReached);
        }

        return childSlot;
    }

    public static long Wait(KernelThread me, ulong slot, ulong timeout)
    {
        Process? target = ProcessAt(me, slot, IpcRights.Wait, out long error);
        if (target == null)
        {
            return error;
        }

        if (timeout > SyscallResult.MaxWaitNs)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        return target.Wait(timeout) ? (long)(uint)target.ExitCode : SyscallResult.Fail(SyscallStatus.TimedOut);
    }

    public static long Kill(KernelThread me, ulong slot)
    {
        Process? target = ProcessAt(me, slot, IpcRights.Signal, out long error);
        if (target == null)
        {
            return error;
        }

        target.End(UserFaults.KilledExitCode, "killed");
        return 0;
    }

    public static long Close(KernelThread me, ulong slot)
    {
        if (slot == CapabilityTable.ReplySlot || slot >= (ulong)me.Ipc.Capabilities.Size)
        {
            return SyscallResult.Fail(SyscallStatus.BadCapability);
        }

        ulong flags = InterruptState.Disable();
        IpcStatus status = Endpoint.Close(me.Ipc.Capabilities, (int)slot, out IpcParticipant? cancelled);
        if (cancelled != null)
        {
            Scheduler.WakeIpc(cancelled);
        }

        InterruptState.Restore(flags);
        return SyscallIpc.Result(status);
    }

    /// <summary>CapabilityCopy: a copy with <paramref name="rights"/> (of those the source
    /// has). <paramref name="badge"/> 0 keeps the source's badge; another value mints a badged
    /// copy of an unbadged capability (NoRights when the source already has a badge).</summary>
    public static long Copy(KernelThread me, ulong slot, ulong rights, ulong badge)
    {
        if (slot >= (ulong)me.Ipc.Capabilities.Size || rights > (ulong)IpcRights.All)
        {
            return slot >= (ulong)me.Ipc.Capabilities.Size ? SyscallResult.Fail(SyscallStatus.BadCapability) : SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        ulong flags = InterruptState.Disable();
        IpcRights kept = me.Ipc.Capabilities.RightsAt((int)slot) & (IpcRights)rights;
        IpcStatus status = badge == 0
            ? me.Ipc.Capabilities.Lookup((int)slot, IpcRights.None, out IpcObject? _, out badge)
            : IpcStatus.Ok;
        int copy = -1;
        if (status == IpcStatus.Ok)
        {
            status = me.Ipc.Capabilities.Derive((int)slot, kept, badge, out copy);
        }

        InterruptState.Restore(flags);
        return status == IpcStatus.Ok ? copy : SyscallIpc.Result(status);
    }

    /// <summary>Returns kind in bits 32-39, rights in bits 0-31 and, for a process, its id in
    /// bits 40-62.</summary>
    public static long Inspect(KernelThread me, ulong slot)
    {
        if (slot >= (ulong)me.Ipc.Capabilities.Size)
        {
            return SyscallResult.Fail(SyscallStatus.BadCapability);
        }

        IpcStatus status = me.Ipc.Capabilities.Lookup((int)slot, IpcRights.None, out IpcObject? obj, out _);
        if (status != IpcStatus.Ok || obj == null)
        {
            return SyscallResult.Fail(SyscallStatus.BadCapability);
        }

        CapabilityKind kind = obj switch
        {
            Endpoint => CapabilityKind.Endpoint,
            Notification => CapabilityKind.Notification,
            KernelObjectHandle h => (CapabilityKind)h.Kind,
            _ => CapabilityKind.None,
        };
        long id = obj is KernelObjectHandle { Target: Process p } && p.Id <= UserAbi.MaxInspectId ? p.Id : 0;
        return (id << UserAbi.InspectIdShift) | ((long)kind << 32) | (long)me.Ipc.Capabilities.RightsAt((int)slot);
    }

    private static Process? ProcessAt(KernelThread me, ulong slot, IpcRights needed, out long error) =>
        SyscallCapabilities.Find<Process>(me, slot, needed, CapabilityKind.Process, out error);

    private static int KernelIpcGrant(KernelThread me, IpcObject handle) =>
        Ipc.KernelIpc.Grant(me, handle, IpcRights.Wait | IpcRights.Signal);

    /// <summary>OutputCapture: operation 1 begins capturing the output of the programs the
    /// caller starts (capacity at most 1 MiB), 2 ends it into [buffer, +capacity) and returns
    /// the output's full length. BadArgument for another operation or a capacity too large,
    /// NotFound for an end without a begin, BadAddress for a buffer it cannot write (the
    /// capture is ended all the same).</summary>
    public static long CaptureOutput(Process process, ulong operation, ulong buffer, ulong capacity)
    {
        if (capacity > UserAbi.MaxCapturedOutput || (operation != 1 && operation != 2))
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        if (operation == 1)
        {
            process.ChildOutput?.Take();
            process.ChildOutput = new OutputCapture((int)capacity);
            return 0;
        }

        OutputCapture? capture = process.ChildOutput;
        if (capture == null)
        {
            return SyscallResult.Fail(SyscallStatus.NotFound);
        }

        process.ChildOutput = null;
        byte[] kept = capture.Take();
        int n = (int)Math.Min((ulong)kept.Length, capacity);
        if (n > 0 && (!UserCopy.Writable(process, buffer, (ulong)n) || UserCopy.Out(process, buffer, kept.AsSpan(0, n)) != UserAccessStatus.Ok))
        {
            return SyscallResult.Fail(SyscallStatus.BadAddress);
        }

        return capture.Total;
    }
}

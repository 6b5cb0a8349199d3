using NexOS.Abi;
using NexOS.Core.Ipc;
using NexOS.Core.Loader;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Memory;
using NexOS.Kernel.Platform;
using NexOS.Kernel.Processes;
using NexOS.Kernel.Threading;

namespace NexOS.Kernel.Syscalls;

/// <summary>
/// IpcGrantRead and IpcGrantWrite: a server copies from or into the buffer its current
/// caller granted with the call (docs/syscalls.md). This is how bulk data (a file's bytes, a
/// disk block) moves between processes: the caller names its own buffer, blocked until the
/// reply, so the buffer cannot change or vanish under the server except by the caller being
/// killed, which disarms the reply and ends the copy. The kernel copies frame to frame through
/// its map of RAM, chunk by chunk, with interrupts off for each chunk and the call checked
/// live again before it; nothing is mapped into the server.
/// </summary>
internal static class SyscallGrants
{
    /// <summary>Bytes moved per chunk: a page, small enough to keep interrupts off only
    /// briefly, large enough that the checks of each chunk do not dominate.</summary>
    private const int Chunk = 4096;

    /// <summary>
    /// Copies <paramref name="length"/> bytes between the server's <paramref name="buffer"/>
    /// and the grant at <paramref name="offset"/>: into the grant when
    /// <paramref name="toCaller"/>. The grant is that of the call being served, or with
    /// <paramref name="saved"/> not 0 that of the call whose reply capability the server saved
    /// in that slot (IpcReplySave). Decoding, in order: length at most 256 KiB (BadArgument);
    /// a reply capability in slot 0 or <paramref name="saved"/> (BadCapability) whose caller still waits (PeerDied); the
    /// grant has the right for the direction (NoRights, also for a call without a grant);
    /// [offset, offset + length) inside the grant (BadArgument). While copying: a server page
    /// it may not access that way is BadAddress, a granted page the caller may not is BadGrant,
    /// and the caller ending meanwhile is PeerDied; the chunks before stay copied. Returns the
    /// bytes copied (all of them) on success.
    /// </summary>
    public static long Copy(Process process, KernelThread me, ulong offset, ulong buffer, ulong length, ulong saved, bool toCaller)
    {
        if (length > UserAbi.MaxGrantLength)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        CapabilityTable table = me.Ipc.Capabilities;
        if (saved >= (ulong)table.Size)
        {
            return SyscallResult.Fail(SyscallStatus.BadCapability);
        }

        ReplyObject? reply = saved == 0 ? table.LiveReply : Endpoint.SavedReply(table, (int)saved);
        if (reply == null)
        {
            bool held = table.Lookup((int)saved, IpcRights.None, out ReplyObject? _, out _) == IpcStatus.Ok;
            return SyscallResult.Fail(held ? SyscallStatus.PeerDied : SyscallStatus.BadCapability);
        }

        IpcGrantRights needed = toCaller ? IpcGrantRights.Write : IpcGrantRights.Read;
        if ((reply.GrantRights & needed) == 0)
        {
            return SyscallResult.Fail(SyscallStatus.NoRights);
        }

        if (offset > reply.GrantLength || length > reply.GrantLength - offset)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        ulong generation = reply.Generation;
        ulong granted = reply.GrantAddress + offset;
        for (ulong done = 0; done < length;)
        {
            int n = (int)Math.Min((ulong)Chunk, length - done);
            SyscallStatus status = CopyChunk(process, reply, generation, buffer + done, granted + done, n, toCaller);
            if (status != SyscallStatus.Ok)
            {
                return SyscallResult.Fail(status);
            }

            done += (ulong)n;
        }

        return (long)length;
    }

    /// <summary>One chunk, with interrupts off: the caller's address space is only read while
    /// its call is still the one the grant belongs to, so a caller killed between chunks (its
    /// reply disarmed, its memory about to be freed by the reaper) is never touched.</summary>
    private static SyscallStatus CopyChunk(Process server, ReplyObject reply, ulong generation, ulong mine, ulong theirs,
        int length, bool toCaller)
    {
        ulong flags = InterruptState.Disable();
        SyscallStatus status = SyscallStatus.Ok;
        if (!reply.IsArmed || reply.Generation != generation || (reply.Caller.Tag as KernelThread)?.Owner is not Process caller)
        {
            status = SyscallStatus.PeerDied;
        }
        else if (toCaller)
        {
            ProcessMemory.FaultIn(server, mine, (ulong)length, write: false);
            ProcessMemory.FaultIn(caller, theirs, (ulong)length, write: true);
            UserAccessStatus copied = UserMemory.CopyAcross(VirtualMemory.FrameBytes, UserAbi.UserTop, server.Space, mine, caller.Space, theirs, length, out bool callerSide);
            status = copied == UserAccessStatus.Ok ? SyscallStatus.Ok : callerSide ? SyscallStatus.BadGrant : SyscallStatus.BadAddress;
        }
        else
        {
            ProcessMemory.FaultIn(caller, theirs, (ulong)length, write: false);
            ProcessMemory.FaultIn(server, mine, (ulong)length, write: true);
            UserAccessStatus copied = UserMemory.CopyAcross(VirtualMemory.FrameBytes, UserAbi.UserTop, caller.Space, theirs, server.Space, mine, length, out bool serverSide);
            status = copied == UserAccessStatus.Ok ? SyscallStatus.Ok : serverSide ? SyscallStatus.BadAddress : SyscallStatus.BadGrant;
        }

        InterruptState.Restore(flags);
        return status;
    }
}

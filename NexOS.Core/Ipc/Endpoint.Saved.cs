namespace NexOS.Core.Ipc;

/// <summary>
/// Saved replies, as seL4's SaveCaller: a server that cannot answer a call yet (a socket read
/// with nothing to read, a ping waiting for its echo) moves the call's reply capability out of
/// the reserved slot into an ordinary one, goes on serving other calls, and answers later with
/// <see cref="ReplySaved"/>. The caller simply stays blocked in its call. A saved capability
/// is still one-shot and still stale once its caller stops waiting.
/// </summary>
public sealed partial class Endpoint
{
    /// <summary>
    /// Moves the live reply capability in <paramref name="caller"/>'s reserved slot to the
    /// lowest free ordinary slot, returned in <paramref name="slot"/>; the reserved slot is
    /// then empty, so the caller may receive again. Refusals: NotIdle, NoReplyCapability (none,
    /// or its caller stopped waiting: the stale one is dropped), TableFull.
    /// </summary>
    public static IpcStatus SaveReply(IpcParticipant caller, out int slot)
    {
        slot = -1;
        if (caller.State != IpcState.Idle)
        {
            return IpcStatus.NotIdle;
        }

        CapabilityTable table = caller.Capabilities;
        if (!table.HasLiveReply)
        {
            table.ClearReply();
            return IpcStatus.NoReplyCapability;
        }

        return table.MoveReply(out slot);
    }

    /// <summary>
    /// Answers through a reply capability saved in <paramref name="slot"/>: like
    /// <see cref="Reply"/>, the waiting caller gets <paramref name="message"/> and is returned
    /// as Woken, and the capability is consumed. Refusals: NotIdle, InvalidMessage, the
    /// lookup's errors (WrongObjectType when the slot holds no reply capability); DeadPeer,
    /// consuming it, when its caller stopped waiting.
    /// </summary>
    public static IpcResult ReplySaved(IpcParticipant caller, int slot, in IpcMessage message)
    {
        if (caller.State != IpcState.Idle)
        {
            return IpcResult.Fail(IpcStatus.NotIdle);
        }

        if (!message.Validate())
        {
            return IpcResult.Fail(IpcStatus.InvalidMessage);
        }

        if (slot == CapabilityTable.ReplySlot)
        {
            return IpcResult.Fail(IpcStatus.InvalidSlot);
        }

        IpcRights required = message.HasGrant ? IpcRights.Send | IpcRights.Grant : IpcRights.Send;
        IpcStatus status = caller.Capabilities.Lookup(slot, required, out ReplyObject? reply, out ulong generation);
        if (status != IpcStatus.Ok)
        {
            return IpcResult.Fail(status);
        }

        _ = caller.Capabilities.Delete(slot);
        if (!reply!.IsLive(generation))
        {
            return IpcResult.Fail(IpcStatus.DeadPeer);
        }

        // ---- Point of no return. ----
        IpcParticipant client = reply.Caller;
        Endpoint? via = reply.Via;
        reply.Disarm();
        client.Deliver(in message, 0);
        client.Wake();
        if (via != null)
        {
            via.Statistics.Replies++;
        }

        return IpcResult.Done(client);
    }

    /// <summary>The reply object saved in <paramref name="slot"/> while its caller still
    /// waits, for copying to or from that call's grant; null otherwise.</summary>
    public static ReplyObject? SavedReply(CapabilityTable table, int slot)
    {
        return slot != CapabilityTable.ReplySlot && table.Lookup(slot, IpcRights.None, out ReplyObject? reply, out ulong generation) == IpcStatus.Ok
            && reply!.IsLive(generation) ? reply : null;
    }

    /// <summary>
    /// Empties <paramref name="slot"/> like <see cref="CapabilityTable.Delete"/>; when it held a
    /// saved reply whose caller still waits, that caller is cancelled with DeadPeer (nobody can
    /// answer it any more) and returned: the kernel must make it runnable.
    /// </summary>
    public static IpcStatus Close(CapabilityTable table, int slot, out IpcParticipant? cancelled)
    {
        cancelled = SavedReply(table, slot)?.Caller;
        IpcStatus status = table.Delete(slot);
        if (status != IpcStatus.Ok)
        {
            cancelled = null;
            return status;
        }

        cancelled?.Cancel(IpcStatus.DeadPeer);
        return IpcStatus.Ok;
    }
}

namespace NexOS.Core.Ipc;

/// <summary>The receiving half of <see cref="Endpoint"/>: receive, reply, and the server
/// loop's reply-then-receive.</summary>
public sealed partial class Endpoint
{
    /// <summary>
    /// Receives through the endpoint in <paramref name="slot"/>, which needs Receive. If a
    /// sender waits, its message and badge land in the caller's
    /// <see cref="IpcParticipant.Message"/> and <see cref="IpcParticipant.Badge"/> at once: a
    /// plain sender is returned as Woken, a caller stays BlockedCall and the receiver gets
    /// its reply capability. Otherwise the caller queues (BlockedReceiving, MustBlock).
    /// Refusals: NotIdle, the lookup's errors, then ReplyPending while the caller still owes
    /// a reply to an earlier call.
    /// </summary>
    public static IpcResult Receive(IpcParticipant caller, int slot)
    {
        if (caller.State != IpcState.Idle)
        {
            return IpcResult.Fail(IpcStatus.NotIdle);
        }

        IpcStatus status = caller.Capabilities.Lookup(slot, IpcRights.Receive, out Endpoint? endpoint, out _);
        if (status != IpcStatus.Ok)
        {
            return IpcResult.Fail(status);
        }

        // A call taken now would overwrite the reply capability and strand its caller.
        if (caller.Capabilities.HasLiveReply)
        {
            return IpcResult.Fail(IpcStatus.ReplyPending);
        }

        // ---- Point of no return. ----
        return endpoint!.TakeOrWait(caller);
    }

    /// <summary>
    /// Answers the call whose reply capability the caller holds in its
    /// <see cref="CapabilityTable.ReplySlot"/>: <paramref name="message"/> goes to the waiting
    /// caller (badge 0), which is returned as Woken; the capability is consumed, so a second
    /// reply gets NoReplyCapability. Refusals: NotIdle, InvalidMessage, NoReplyCapability,
    /// InsufficientRights (a grant the call did not allow). If the call's caller stopped
    /// waiting (timed out or killed) the stale capability is consumed and the result is
    /// DeadPeer.
    /// </summary>
    public static IpcResult Reply(IpcParticipant caller, in IpcMessage message)
    {
        if (caller.State != IpcState.Idle)
        {
            return IpcResult.Fail(IpcStatus.NotIdle);
        }

        IpcStatus status = DecodeReply(caller, in message, out ReplyObject? reply);
        if (status != IpcStatus.Ok)
        {
            return IpcResult.Fail(status);
        }

        if (!caller.Capabilities.HasLiveReply)
        {
            caller.Capabilities.ClearReply();
            return IpcResult.Fail(IpcStatus.DeadPeer);
        }

        // ---- Point of no return. ----
        return IpcResult.Done(Answer(caller, reply!, in message));
    }

    /// <summary>
    /// A server loop's one call: <see cref="Reply"/> with <paramref name="message"/>, then
    /// <see cref="Receive"/> on <paramref name="slot"/>. Both halves are decoded before either
    /// happens, so a refusal (NotIdle, InvalidMessage, NoReplyCapability, the lookups'
    /// errors) does neither. The answered caller is Woken; a plain sender received from is
    /// AlsoWoken; MustBlock when nobody was sending. A stale reply capability is consumed
    /// silently (its caller is gone) and the receive goes ahead.
    /// </summary>
    public static IpcResult ReplyReceive(IpcParticipant caller, int slot, in IpcMessage message)
    {
        if (caller.State != IpcState.Idle)
        {
            return IpcResult.Fail(IpcStatus.NotIdle);
        }

        IpcStatus status = DecodeReply(caller, in message, out ReplyObject? reply);
        if (status != IpcStatus.Ok)
        {
            return IpcResult.Fail(status);
        }

        status = caller.Capabilities.Lookup(slot, IpcRights.Receive, out Endpoint? endpoint, out _);
        if (status != IpcStatus.Ok)
        {
            return IpcResult.Fail(status);
        }

        // ---- Point of no return. ----
        IpcParticipant? answered = null;
        if (caller.Capabilities.HasLiveReply)
        {
            answered = Answer(caller, reply!, in message);
        }
        else
        {
            caller.Capabilities.ClearReply();
        }

        IpcResult received = endpoint!.TakeOrWait(caller);
        return received.MustBlock ? IpcResult.Blocked(answered) : IpcResult.Done(answered, received.Woken);
    }

    /// <summary>The commit of a receive: take the first sender's message or queue.</summary>
    private IpcResult TakeOrWait(IpcParticipant receiver)
    {
        // Bits of a bound notification and waiting senders take turns.
        Notification? bound = receiver.BoundNotification;
        if (bound != null && bound.Pending != 0 && (!receiver.LastWasNotification || _senders.Head == null))
        {
            receiver.DeliverNotification(bound.TakeForReceive());
            return IpcResult.Done();
        }

        receiver.LastWasNotification = false;
        IpcParticipant? sender = _senders.Dequeue();
        if (sender == null)
        {
            Statistics.BlockedReceives++;
            receiver.Block(IpcState.BlockedReceiving, this);
            _receivers.Enqueue(receiver);
            return IpcResult.Blocked();
        }

        bool call = sender.IsCall;
        Handoff(sender, in sender.Outgoing, sender.SendBadge, sender.SendRights, call, receiver);
        if (call)
        {
            return IpcResult.Done();
        }

        sender.Wake();
        return IpcResult.Done(sender);
    }

    /// <summary>Checks a reply without performing it: the message, then the reply
    /// capability (with Grant if the message grants a buffer).</summary>
    private static IpcStatus DecodeReply(IpcParticipant caller, in IpcMessage message, out ReplyObject? reply)
    {
        reply = null;
        if (!message.Validate())
        {
            return IpcStatus.InvalidMessage;
        }

        IpcRights required = message.HasGrant ? IpcRights.Send | IpcRights.Grant : IpcRights.Send;
        IpcStatus status = caller.Capabilities.Lookup(CapabilityTable.ReplySlot, required, out reply, out _);
        return status == IpcStatus.EmptySlot ? IpcStatus.NoReplyCapability : status;
    }

    /// <summary>Delivers a reply through a live reply capability, consumes the capability
    /// and wakes the caller, which is returned.</summary>
    private static IpcParticipant Answer(IpcParticipant replier, ReplyObject reply, in IpcMessage message)
    {
        IpcParticipant client = reply.Caller;
        Endpoint? via = reply.Via;
        replier.Capabilities.ClearReply();
        reply.Disarm();
        client.Deliver(in message, 0);
        client.Wake();
        if (via != null)
        {
            via.Statistics.Replies++;
        }

        return client;
    }
}

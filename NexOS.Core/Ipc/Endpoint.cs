namespace NexOS.Core.Ipc;

/// <summary>
/// A synchronous rendezvous point. A message passes only when a sender and a receiver meet:
/// whichever comes first waits in a first-in first-out queue (linked through the
/// participants, so nothing allocates) and the second completes the transfer. The
/// operations are static because the capability slot names the endpoint, exactly as a
/// system call would. Each one decodes first (every check that can fail) and then performs
/// the operation, which cannot fail; a refused operation changes nothing. None allocates or
/// throws. The kernel serialises calls (interrupts off) and does the blocking and waking
/// that an <see cref="IpcResult"/> asks for.
/// </summary>
public sealed partial class Endpoint : IpcObject
{
    private readonly ParticipantQueue _senders = new();
    private readonly ParticipantQueue _receivers = new();

    public IpcStatistics Statistics { get; } = new();

    /// <summary>Senders and callers queued for a receiver.</summary>
    public int SendersWaiting => _senders.Count;

    /// <summary>Receivers queued for a message.</summary>
    public int ReceiversWaiting => _receivers.Count;

    /// <summary>The longest-waiting sender; follow <see cref="IpcParticipant.Next"/> for the rest.</summary>
    public IpcParticipant? FirstSender => _senders.Head;

    /// <summary>The longest-waiting receiver; follow <see cref="IpcParticipant.Next"/> for the rest.</summary>
    public IpcParticipant? FirstReceiver => _receivers.Head;

    /// <summary>
    /// Sends <paramref name="message"/> through the endpoint in <paramref name="slot"/>, which
    /// needs Send (and Grant when the message grants a buffer). If a receiver waits it gets the
    /// message and the capability's badge and is returned as Woken; otherwise the caller
    /// queues (BlockedSending, MustBlock) with its own copy of the message. Refusals:
    /// NotIdle, InvalidMessage, then the capability lookup's errors.
    /// </summary>
    public static IpcResult Send(IpcParticipant caller, int slot, in IpcMessage message) =>
        Transfer(caller, slot, in message, block: true, call: false);

    /// <summary>Like <see cref="Send"/>, but when no receiver waits it returns WouldBlock
    /// and changes nothing.</summary>
    public static IpcResult TrySend(IpcParticipant caller, int slot, in IpcMessage message) =>
        Transfer(caller, slot, in message, block: false, call: false);

    /// <summary>
    /// Sends <paramref name="message"/> like <see cref="Send"/> and then waits for the answer
    /// to it: the result always has MustBlock. If a receiver waits it gets the message, a
    /// one-shot reply capability in its <see cref="CapabilityTable.ReplySlot"/>, and is
    /// returned as Woken, while the caller becomes BlockedCall; otherwise the caller queues
    /// as a sender. It wakes when the reply arrives (in <see cref="IpcParticipant.Message"/>)
    /// or when it is cancelled (see <see cref="IpcParticipant.WakeStatus"/>).
    /// </summary>
    public static IpcResult Call(IpcParticipant caller, int slot, in IpcMessage message) =>
        Transfer(caller, slot, in message, block: true, call: true);

    internal override bool Unqueue(IpcParticipant participant) =>
        _senders.Remove(participant) || _receivers.Remove(participant);

    private static IpcResult Transfer(IpcParticipant caller, int slot, in IpcMessage message, bool block, bool call)
    {
        // Decode: every check that can fail, in a fixed order, before anything changes.
        if (caller.State != IpcState.Idle)
        {
            return IpcResult.Fail(IpcStatus.NotIdle);
        }

        if (!message.Validate())
        {
            return IpcResult.Fail(IpcStatus.InvalidMessage);
        }

        IpcRights required = message.HasGrant ? IpcRights.Send | IpcRights.Grant : IpcRights.Send;
        IpcStatus status = caller.Capabilities.Lookup(slot, required, out Endpoint? endpoint, out ulong badge);
        if (status != IpcStatus.Ok)
        {
            return IpcResult.Fail(status);
        }

        IpcParticipant? receiver = endpoint!._receivers.Head;
        if (receiver == null && !block)
        {
            return IpcResult.Fail(IpcStatus.WouldBlock);
        }

        IpcRights rights = caller.Capabilities.RightsAt(slot);

        // ---- Point of no return: nothing below can fail, allocate or throw. ----
        if (call)
        {
            endpoint.Statistics.Calls++;
        }

        if (receiver == null)
        {
            endpoint.Statistics.BlockedSends++;
            caller.BlockSending(endpoint, in message, badge, rights, call);
            endpoint._senders.Enqueue(caller);
            return IpcResult.Blocked();
        }

        endpoint._receivers.Dequeue();
        endpoint.Handoff(caller, in message, badge, rights, call, receiver);
        receiver.Wake();
        return call ? IpcResult.Blocked(receiver) : IpcResult.Done(receiver);
    }

    /// <summary>
    /// Moves a message from <paramref name="sender"/> to <paramref name="receiver"/>. For a
    /// call it also arms the sender's reply object, gives the receiver the capability to it
    /// (with Grant if the sender's capability had it, so the answer may grant a buffer back)
    /// and leaves the sender waiting for the reply. Wakes nobody: the callers decide that.
    /// The receiver holds no live reply capability (Receive refuses to queue one that does).
    /// </summary>
    private void Handoff(IpcParticipant sender, in IpcMessage message, ulong badge, IpcRights rights, bool call,
        IpcParticipant receiver)
    {
        receiver.Deliver(in message, badge);
        Statistics.Messages++;
        if (!call)
        {
            return;
        }

        ulong generation = sender.OwnReply.Arm(this, in message);
        receiver.Capabilities.PutReply(sender.OwnReply, IpcRights.Send | (rights & IpcRights.Grant), generation);
        sender.AwaitReply();
    }
}

namespace NexOS.Core.Ipc;

/// <summary>
/// An asynchronous signal: a 64-bit word of pending bits and a first-in first-out queue of
/// waiters. Signalling never blocks; it ORs bits into the word, and if someone waits, the
/// longest waiter takes the whole word (which is then cleared). So bits are never lost, but
/// several signals may arrive as one. Bits are pending only while nobody waits. Like
/// <see cref="Endpoint"/>, each operation decodes, then commits, and never allocates or throws.
/// </summary>
public sealed class Notification : IpcObject
{
    private readonly ParticipantQueue _waiters = new();

    /// <summary>Bits signalled and not yet taken.</summary>
    public ulong Pending { get; private set; }

    public IpcStatistics Statistics { get; } = new();

    /// <summary>The participant this notification is bound to (<see cref="Bind"/>), or null.</summary>
    public IpcParticipant? BoundTo { get; private set; }

    /// <summary>Participants queued in <see cref="Wait"/>.</summary>
    public int Waiting => _waiters.Count;

    /// <summary>The longest waiter; follow <see cref="IpcParticipant.Next"/> for the rest.</summary>
    public IpcParticipant? FirstWaiter => _waiters.Head;

    /// <summary>
    /// Signals the notification in <paramref name="slot"/>, which needs Signal: ORs in
    /// <paramref name="bits"/> together with the capability's badge (so a badged capability
    /// identifies its signaller, as in seL4). If someone waits, the longest waiter takes the
    /// word and is returned as Woken. Never blocks. Refusals: NotIdle, the lookup's errors.
    /// </summary>
    public static IpcResult Signal(IpcParticipant caller, int slot, ulong bits)
    {
        if (caller.State != IpcState.Idle)
        {
            return IpcResult.Fail(IpcStatus.NotIdle);
        }

        IpcStatus status = caller.Capabilities.Lookup(slot, IpcRights.Signal, out Notification? notification, out ulong badge);
        if (status != IpcStatus.Ok)
        {
            return IpcResult.Fail(status);
        }

        // ---- Point of no return. ----
        return notification!.Raise(bits | badge);
    }

    /// <summary>
    /// Signals from the kernel itself (an interrupt handler bound to this notification), with
    /// no capability: ORs in <paramref name="bits"/> and wakes the longest waiter as
    /// <see cref="Signal"/> does. Zero bits change nothing. Always Ok.
    /// </summary>
    public IpcResult Raise(ulong bits)
    {
        if (bits == 0)
        {
            return IpcResult.Done();
        }

        Statistics.Messages++;
        Pending |= bits;
        IpcParticipant? waiter = _waiters.Dequeue();
        if (waiter == null)
        {
            return WakeBoundReceiver();
        }

        waiter.DeliverBits(Take());
        waiter.Wake();
        return IpcResult.Done(waiter);
    }

    /// <summary>
    /// Waits on the notification in <paramref name="slot"/>, which needs Wait. If bits are
    /// pending they are taken at once into <see cref="IpcParticipant.ReceivedBits"/> and the
    /// word is cleared; otherwise the caller queues (BlockedNotification, MustBlock) and the
    /// bits arrive when it is woken. Refusals: NotIdle, the lookup's errors.
    /// </summary>
    public static IpcResult Wait(IpcParticipant caller, int slot)
    {
        if (caller.State != IpcState.Idle)
        {
            return IpcResult.Fail(IpcStatus.NotIdle);
        }

        IpcStatus status = caller.Capabilities.Lookup(slot, IpcRights.Wait, out Notification? notification, out _);
        if (status != IpcStatus.Ok)
        {
            return IpcResult.Fail(status);
        }

        // ---- Point of no return. ----
        if (notification!.Pending != 0)
        {
            caller.DeliverBits(notification.Take());
            return IpcResult.Done();
        }

        notification.Statistics.BlockedReceives++;
        caller.Block(IpcState.BlockedNotification, notification);
        notification._waiters.Enqueue(caller);
        return IpcResult.Blocked();
    }

    /// <summary>Like <see cref="Wait"/> but never blocks: with nothing pending it returns
    /// WouldBlock and changes nothing (<see cref="IpcParticipant.ReceivedBits"/> included).</summary>
    public static IpcResult Poll(IpcParticipant caller, int slot)
    {
        if (caller.State != IpcState.Idle)
        {
            return IpcResult.Fail(IpcStatus.NotIdle);
        }

        IpcStatus status = caller.Capabilities.Lookup(slot, IpcRights.Wait, out Notification? notification, out _);
        if (status != IpcStatus.Ok)
        {
            return IpcResult.Fail(status);
        }

        if (notification!.Pending == 0)
        {
            return IpcResult.Fail(IpcStatus.WouldBlock);
        }

        // ---- Point of no return. ----
        caller.DeliverBits(notification.Take());
        return IpcResult.Done();
    }

    /// <summary>
    /// Binds the notification in <paramref name="slot"/> (which needs Wait) to
    /// <paramref name="caller"/>, as seL4 binds one to a thread: from now on, while the caller
    /// waits in an endpoint receive, signalling the notification ends that receive with the
    /// pending bits as a message (see <see cref="IpcParticipant.NotificationBadge"/>), and a
    /// receive finds bits already pending. So a server waits for its clients and its
    /// interrupts (or another service's signals) at once. Refusals: NotIdle, the lookup's
    /// errors, InvalidMessage when the notification is bound already or the caller has one
    /// bound.
    /// </summary>
    public static IpcStatus Bind(IpcParticipant caller, int slot)
    {
        if (caller.State != IpcState.Idle)
        {
            return IpcStatus.NotIdle;
        }

        IpcStatus status = caller.Capabilities.Lookup(slot, IpcRights.Wait, out Notification? notification, out _);
        if (status != IpcStatus.Ok)
        {
            return status;
        }

        if (notification!.BoundTo != null || caller.BoundNotification != null)
        {
            return IpcStatus.InvalidMessage;
        }

        // ---- Point of no return. ----
        notification.BoundTo = caller;
        caller.BoundNotification = notification;
        return IpcStatus.Ok;
    }

    /// <summary>Undoes <see cref="Bind"/> for <paramref name="participant"/> (when its thread
    /// ends, or on request); nothing happens when it has no notification bound.</summary>
    public static void Unbind(IpcParticipant participant)
    {
        Notification? bound = participant.BoundNotification;
        if (bound != null)
        {
            bound.BoundTo = null;
            participant.BoundNotification = null;
        }
    }

    /// <summary>Takes the pending bits for the bound participant's receive; 0 when none.</summary>
    internal ulong TakeForReceive() => Pending == 0 ? 0 : Take();

    internal override bool Unqueue(IpcParticipant participant) => _waiters.Remove(participant);

    // Nobody waits on the notification itself: the bound participant, if it waits in an
    // endpoint receive, leaves that endpoint's queue and gets the bits as its message.
    private IpcResult WakeBoundReceiver()
    {
        IpcParticipant? bound = BoundTo;
        if (bound == null || bound.State != IpcState.BlockedReceiving || bound.BlockedOn is not Endpoint endpoint)
        {
            return IpcResult.Done();
        }

        endpoint.Unqueue(bound);
        bound.DeliverNotification(Take());
        bound.Wake();
        return IpcResult.Done(bound);
    }

    private ulong Take()
    {
        ulong bits = Pending;
        Pending = 0;
        return bits;
    }
}

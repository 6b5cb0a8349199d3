namespace NexOS.Core.Ipc;

/// <summary>Where a participant stands in IPC.</summary>
public enum IpcState
{
    /// <summary>Not blocked in IPC: running or runnable as far as IPC is concerned.</summary>
    Idle,

    /// <summary>Queued on an endpoint until a receiver takes its message (a call, too, until
    /// it is delivered; <see cref="IpcParticipant.IsCall"/> tells them apart).</summary>
    BlockedSending,

    /// <summary>Queued on an endpoint until a message arrives.</summary>
    BlockedReceiving,

    /// <summary>Its call was delivered; on no queue, it waits for the reply.</summary>
    BlockedCall,

    /// <summary>Queued on a notification until it is signalled.</summary>
    BlockedNotification,
}

/// <summary>
/// The IPC side of one kernel thread: its capabilities, the last message or notification
/// bits it received, and what it is blocked on. The kernel makes one per thread (which
/// allocates the table and the thread's <see cref="ReplyObject"/>) and finds its thread
/// again through <see cref="Tag"/>. Only the IPC operations change the state; the kernel
/// reads it and calls <see cref="Cancel"/> and <see cref="DropReply"/>.
/// </summary>
public sealed class IpcParticipant
{
    private IpcMessage _received;
    private IpcMessage _outgoing;

    /// <summary>Makes an idle participant with an empty table of
    /// <paramref name="capabilitySlots"/> slots (see <see cref="CapabilityTable"/>).</summary>
    public IpcParticipant(int capabilitySlots = CapabilityTable.DefaultSize, object? tag = null)
        : this(new CapabilityTable(capabilitySlots), tag)
    {
    }

    /// <summary>Makes an idle participant that uses <paramref name="capabilities"/>, a table
    /// of its own or one made by <see cref="CapabilityTable.Share"/> so that it sees another
    /// participant's capabilities (another thread of the same process). The table's reply
    /// slot must be this participant's alone.</summary>
    public IpcParticipant(CapabilityTable capabilities, object? tag = null)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        Capabilities = capabilities;
        OwnReply = new ReplyObject(this);
        Tag = tag;
    }

    /// <summary>The badge a receive reports when it ended with the bits of the participant's
    /// bound notification (<see cref="Notification.Bind"/>) rather than a message: the label
    /// is 0 and W0 holds the bits. No capability carries this badge
    /// (<see cref="CapabilityTable.Derive"/> refuses it), so no sender can pose as it.</summary>
    public const ulong NotificationBadge = ulong.MaxValue;

    public CapabilityTable Capabilities { get; }

    /// <summary>The notification bound to this participant, or null.</summary>
    public Notification? BoundNotification { get; internal set; }

    /// <summary>The kernel's thread object (or anything else the kernel likes); IPC never
    /// reads it.</summary>
    public object? Tag { get; set; }

    public IpcState State { get; private set; }

    /// <summary>The endpoint or notification whose queue holds this participant; null when
    /// <see cref="IpcState.Idle"/> or <see cref="IpcState.BlockedCall"/>.</summary>
    public IpcObject? BlockedOn { get; private set; }

    /// <summary>The next participant on the same queue (intrusive link); null at the tail
    /// and whenever the participant is on no queue.</summary>
    public IpcParticipant? Next { get; internal set; }

    /// <summary>True while the blocked operation is a call: queued as a sender or waiting
    /// for the reply.</summary>
    public bool IsCall { get; private set; }

    /// <summary>The last message received (a send, a call or a reply). Words past its
    /// <see cref="IpcMessage.WordCount"/> are zero.</summary>
    public ref readonly IpcMessage Message => ref _received;

    /// <summary>Badge of the capability the last message was sent with; 0 for a reply.</summary>
    public ulong Badge { get; private set; }

    /// <summary>Notification bits taken by the last successful wait or poll.</summary>
    public ulong ReceivedBits { get; private set; }

    /// <summary>How the last blocking wait ended: Ok when its operation completed, otherwise
    /// the reason given to <see cref="Cancel"/> (TimedOut, Cancelled or DeadPeer).</summary>
    public IpcStatus WakeStatus { get; private set; }

    /// <summary>The reply object that answers this participant's calls.</summary>
    public ReplyObject OwnReply { get; }

    /// <summary>The queued message of a blocked sender.</summary>
    internal ref readonly IpcMessage Outgoing => ref _outgoing;

    /// <summary>Badge of the capability a blocked sender used.</summary>
    internal ulong SendBadge { get; private set; }

    /// <summary>Rights of the capability a blocked sender used (Grant carries to the reply).</summary>
    internal IpcRights SendRights { get; private set; }

    /// <summary>
    /// Withdraws a blocked participant from its operation, for a timeout or a kill: it leaves
    /// whatever queue it is on, or stops waiting for a reply (the server's reply capability
    /// then goes stale, and replying with it reports DeadPeer). A queued message is dropped,
    /// never delivered. <see cref="WakeStatus"/> becomes <paramref name="reason"/> (TimedOut,
    /// Cancelled or DeadPeer; anything else is recorded as Cancelled). Returns false, changing
    /// nothing, when the participant was not blocked in IPC. The kernel makes the thread
    /// runnable itself: nothing else will.
    /// </summary>
    public bool Cancel(IpcStatus reason = IpcStatus.Cancelled)
    {
        if (State == IpcState.Idle)
        {
            return false;
        }

        if (State == IpcState.BlockedCall)
        {
            OwnReply.Disarm();
        }
        else
        {
            BlockedOn?.Unqueue(this);
        }

        bool known = reason == IpcStatus.TimedOut || reason == IpcStatus.Cancelled || reason == IpcStatus.DeadPeer;
        Finish(known ? reason : IpcStatus.Cancelled);
        return true;
    }

    /// <summary>
    /// Throws away the reply capability in the reserved slot, for a participant that is being
    /// killed while serving a call. If that call's caller still waits it is cancelled with
    /// DeadPeer and returned, and the kernel must make it runnable; otherwise returns null.
    /// </summary>
    public IpcParticipant? DropReply()
    {
        ReplyObject? reply = Capabilities.HeldReply;
        if (reply == null)
        {
            return null;
        }

        bool live = Capabilities.HasLiveReply;
        Capabilities.ClearReply();
        if (!live)
        {
            return null;
        }

        reply.Caller.Cancel(IpcStatus.DeadPeer);
        return reply.Caller;
    }

    public override string ToString() => $"ipc {StateText(State)}{(IsCall ? " call" : "")}";

    /// <summary>Stores a message for the participant to receive.</summary>
    internal void Deliver(in IpcMessage message, ulong badge)
    {
        _received = message.Trimmed();
        Badge = badge;
    }

    internal void DeliverBits(ulong bits) => ReceivedBits = bits;

    /// <summary>Stores a bound notification's bits as the received message.</summary>
    internal void DeliverNotification(ulong bits)
    {
        _received = new IpcMessage { W0 = bits, WordCount = 1 };
        Badge = NotificationBadge;
        LastWasNotification = true;
    }

    /// <summary>True when the last receive ended with bound-notification bits; the next
    /// receive then serves a waiting sender first, so neither side can starve the other.</summary>
    internal bool LastWasNotification { get; set; }

    /// <summary>Becomes a queued sender holding its own copy of the message.</summary>
    internal void BlockSending(Endpoint endpoint, in IpcMessage message, ulong badge, IpcRights rights, bool isCall)
    {
        _outgoing = message;
        SendBadge = badge;
        SendRights = rights;
        IsCall = isCall;
        State = IpcState.BlockedSending;
        BlockedOn = endpoint;
    }

    /// <summary>Becomes a queued receiver or notification waiter.</summary>
    internal void Block(IpcState state, IpcObject on)
    {
        State = state;
        BlockedOn = on;
    }

    /// <summary>The call was delivered: off every queue, waiting for the reply.</summary>
    internal void AwaitReply()
    {
        State = IpcState.BlockedCall;
        BlockedOn = null;
        IsCall = true;
    }

    /// <summary>The blocked operation completed.</summary>
    internal void Wake() => Finish(IpcStatus.Ok);

    private void Finish(IpcStatus status)
    {
        State = IpcState.Idle;
        BlockedOn = null;
        IsCall = false;
        Next = null;
        _outgoing = default;
        WakeStatus = status;
    }

    private static string StateText(IpcState state) => state switch
    {
        IpcState.Idle => "idle",
        IpcState.BlockedSending => "blocked sending",
        IpcState.BlockedReceiving => "blocked receiving",
        IpcState.BlockedCall => "blocked call",
        IpcState.BlockedNotification => "blocked notification",
        _ => "unknown",
    };
}

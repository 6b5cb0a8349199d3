namespace NexOS.Core.Ipc;

/// <summary>
/// A kernel object a capability can name: <see cref="Endpoint"/>, <see cref="Notification"/>
/// or <see cref="ReplyObject"/>. Only this assembly defines kinds of object, so every
/// capability check knows the full set.
/// </summary>
public abstract class IpcObject
{
    private protected IpcObject()
    {
    }

    /// <summary>Takes <paramref name="participant"/> off this object's wait queues. Returns
    /// false when it is not on them. Used by <see cref="IpcParticipant.Cancel"/>.</summary>
    internal virtual bool Unqueue(IpcParticipant participant) => false;
}

/// <summary>
/// The right to answer one call. Every participant owns one, made with it, so that a call
/// never allocates. When a receiver takes a call, the caller's reply object is armed and a
/// capability to it is put in the receiver's <see cref="CapabilityTable.ReplySlot"/>; the
/// first reply consumes that capability. Each call bumps <see cref="Generation"/> and the
/// capability remembers the generation it was made for, so a stale capability (its caller
/// was cancelled and has since called someone else) can never answer the newer call.
/// </summary>
public sealed class ReplyObject : IpcObject
{
    internal ReplyObject(IpcParticipant caller)
    {
        Caller = caller;
    }

    /// <summary>The participant a reply goes to.</summary>
    public IpcParticipant Caller { get; }

    /// <summary>Counts the calls whose replies this object has carried.</summary>
    public ulong Generation { get; private set; }

    /// <summary>True while <see cref="Caller"/> waits for the reply to call
    /// <see cref="Generation"/>.</summary>
    public bool IsArmed { get; private set; }

    /// <summary>The endpoint the pending call came through (for its statistics).</summary>
    internal Endpoint? Via { get; private set; }

    /// <summary>Start of the buffer the pending call grants; 0 without a grant.</summary>
    public ulong GrantAddress { get; private set; }

    /// <summary>Bytes the pending call grants; 0 without a grant (and when not armed).</summary>
    public uint GrantLength { get; private set; }

    /// <summary>What the server may do with the granted buffer.</summary>
    public IpcGrantRights GrantRights { get; private set; }

    /// <summary>Starts waiting for a new reply to <paramref name="call"/>, keeping its grant
    /// for the server (the buffer stays the caller's, which is blocked until the reply, so it
    /// cannot change under the server); returns the generation the receiver's capability must
    /// carry.</summary>
    internal ulong Arm(Endpoint via, in IpcMessage call)
    {
        Generation++;
        IsArmed = true;
        Via = via;
        GrantAddress = call.GrantAddress;
        GrantLength = call.GrantLength;
        GrantRights = call.GrantRights;
        return Generation;
    }

    internal void Disarm()
    {
        IsArmed = false;
        Via = null;
        GrantAddress = 0;
        GrantLength = 0;
        GrantRights = IpcGrantRights.None;
    }

    /// <summary>True when a capability made for <paramref name="generation"/> may still reply.</summary>
    internal bool IsLive(ulong generation) => IsArmed && generation == Generation;
}

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

    /// <summary>Starts waiting for a new reply; returns the generation the receiver's
    /// capability must carry.</summary>
    internal ulong Arm(Endpoint via)
    {
        Generation++;
        IsArmed = true;
        Via = via;
        return Generation;
    }

    internal void Disarm()
    {
        IsArmed = false;
        Via = null;
    }

    /// <summary>True when a capability made for <paramref name="generation"/> may still reply.</summary>
    internal bool IsLive(ulong generation) => IsArmed && generation == Generation;
}

namespace NexOS.Core.Ipc;

/// <summary>
/// The outcome of an IPC operation or capability call. Every status but <see cref="Ok"/>
/// from an operation means it was refused during decoding and changed nothing, except where a
/// member's contract says otherwise (a stale reply capability is consumed).
/// </summary>
public enum IpcStatus
{
    /// <summary>Done, or (with <see cref="IpcResult.MustBlock"/>) accepted and waiting.</summary>
    Ok,

    /// <summary>The slot number is outside the capability table, or is a slot the
    /// operation may not use.</summary>
    InvalidSlot,

    /// <summary>The slot holds no capability.</summary>
    EmptySlot,

    /// <summary>The capability names a different kind of object than the operation needs.</summary>
    WrongObjectType,

    /// <summary>The capability lacks a right the operation needs, or a derivation asked for
    /// more authority than its source has.</summary>
    InsufficientRights,

    /// <summary>The message breaks the rules in <see cref="IpcMessage.Validate"/>.</summary>
    InvalidMessage,

    /// <summary>A non-blocking operation found no partner (or no pending bits).</summary>
    WouldBlock,

    /// <summary>A reply was attempted without a reply capability.</summary>
    NoReplyCapability,

    /// <summary>Set by the kernel when a blocked operation ran out of time.</summary>
    TimedOut,

    /// <summary>A blocked operation was withdrawn (the thread was killed or interrupted).</summary>
    Cancelled,

    /// <summary>The partner is gone: the caller of a reply stopped waiting, or the server
    /// holding a caller's reply capability went away.</summary>
    DeadPeer,

    /// <summary>The caller is itself blocked in IPC, which a running thread never is: a
    /// kernel bug, refused so that it cannot corrupt a queue.</summary>
    NotIdle,

    /// <summary>A receive was refused because the caller still holds an unanswered reply
    /// capability, which a new call would otherwise overwrite and strand its caller.</summary>
    ReplyPending,

    /// <summary>Every slot of the capability table is in use.</summary>
    TableFull,
}

/// <summary>Names for <see cref="IpcStatus"/> values, spelled out because
/// <c>Enum.ToString</c> needs reflection, which the kernel lacks.</summary>
public static class IpcStatusText
{
    /// <summary>A short lower-case description of <paramref name="status"/> for log lines.</summary>
    public static string Describe(this IpcStatus status) => status switch
    {
        IpcStatus.Ok => "ok",
        IpcStatus.InvalidSlot => "invalid slot",
        IpcStatus.EmptySlot => "empty slot",
        IpcStatus.WrongObjectType => "wrong object type",
        IpcStatus.InsufficientRights => "insufficient rights",
        IpcStatus.InvalidMessage => "invalid message",
        IpcStatus.WouldBlock => "would block",
        IpcStatus.NoReplyCapability => "no reply capability",
        IpcStatus.TimedOut => "timed out",
        IpcStatus.Cancelled => "cancelled",
        IpcStatus.DeadPeer => "dead peer",
        IpcStatus.NotIdle => "caller not idle",
        IpcStatus.ReplyPending => "reply pending",
        IpcStatus.TableFull => "capability table full",
        _ => "unknown",
    };
}

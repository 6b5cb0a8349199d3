namespace NexOS.Core.Ipc;

/// <summary>
/// What a capability allows. Endpoints use <see cref="Send"/>, <see cref="Receive"/> and
/// <see cref="Grant"/>; notifications use <see cref="Signal"/> and <see cref="Wait"/>. A
/// derived capability can only have fewer rights than its source, never more.
/// </summary>
[Flags]
public enum IpcRights
{
    None = 0,

    /// <summary>Send or call through an endpoint; on a reply capability, reply.</summary>
    Send = 1,

    /// <summary>Receive from an endpoint.</summary>
    Receive = 2,

    /// <summary>Send a message that grants a memory buffer; a caller holding it may also be
    /// answered with a grant.</summary>
    Grant = 4,

    /// <summary>Signal a notification.</summary>
    Signal = 8,

    /// <summary>Wait on or poll a notification.</summary>
    Wait = 16,

    /// <summary>Every right above; any other bit is refused.</summary>
    All = Send | Receive | Grant | Signal | Wait,
}

/// <summary>What the receiver of a granted buffer may do with it.</summary>
[Flags]
public enum IpcGrantRights
{
    None = 0,
    Read = 1,
    Write = 2,
    ReadWrite = Read | Write,
}

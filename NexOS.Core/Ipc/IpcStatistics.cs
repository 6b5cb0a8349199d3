namespace NexOS.Core.Ipc;

/// <summary>
/// Plain counters kept by each <see cref="Endpoint"/> and <see cref="Notification"/>. Only
/// successful operations count; refused ones change nothing, counters included.
/// </summary>
public sealed class IpcStatistics
{
    /// <summary>Endpoint: messages handed from a sender or caller to a receiver.
    /// Notification: signals that set bits.</summary>
    public ulong Messages { get; internal set; }

    /// <summary>Senders and callers that had to queue for a receiver.</summary>
    public ulong BlockedSends { get; internal set; }

    /// <summary>Receivers (or notification waiters) that had to queue.</summary>
    public ulong BlockedReceives { get; internal set; }

    /// <summary>Calls accepted (delivered at once or queued).</summary>
    public ulong Calls { get; internal set; }

    /// <summary>Replies delivered to a waiting caller.</summary>
    public ulong Replies { get; internal set; }
}

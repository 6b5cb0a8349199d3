using NexOS.Core.Policy;

namespace NexOS.Storage.Block;

/// <summary>
/// The decisions of the block I/O scheduler, apart from its mechanism (the request pool,
/// the device calls, metrics): which queued request goes to the device next, and which
/// requests merge. Like the CPU scheduler's policy, an implementation must not block, throw or
/// allocate once running, and exposes its tunables as a <see cref="ParameterSet"/> the
/// self-evolution engine may change between calls.
/// </summary>
public interface IIoSchedulerPolicy
{
    /// <summary>A short name for status output ("fifo", "deadline").</summary>
    string Name { get; }

    /// <summary>The tunables, named, typed and range-checked.</summary>
    ParameterSet Parameters { get; }

    /// <summary>Dispatch units queued (a merged chain counts once).</summary>
    int Count { get; }

    /// <summary>Queues <paramref name="request"/> (alone, not yet merged). Returns true when
    /// it was merged into a request already queued (then it is no separate unit).</summary>
    bool Add(IoRequest request, ulong nowNs);

    /// <summary>Chooses and dequeues the next unit to send to the device, or null when
    /// nothing is queued.</summary>
    IoRequest? PickNext(ulong nowNs);

    /// <summary>Feedback: the unit <paramref name="request"/> took
    /// <paramref name="latencyNs"/> from queueing to completion.</summary>
    void OnComplete(IoRequest request, ulong latencyNs, ulong nowNs);
}

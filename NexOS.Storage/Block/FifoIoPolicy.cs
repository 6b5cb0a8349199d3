using NexOS.Core.Policy;

namespace NexOS.Storage.Block;

/// <summary>
/// First come, first served ("fifo"): requests go to the device in the order they were
/// queued, never merged. The baseline the elevator is measured against, and the right choice
/// for devices without seek cost that reorder internally anyway.
/// </summary>
public sealed class FifoIoPolicy : IIoSchedulerPolicy
{
    private readonly Queue<IoRequest> _queue;

    /// <summary>Creates an empty queue with room for <paramref name="capacity"/> requests
    /// before it has to grow (the scheduler never queues more than its pool).</summary>
    public FifoIoPolicy(int capacity = 64)
    {
        _queue = new Queue<IoRequest>(Math.Max(1, capacity));
        Parameters = new ParameterSet();
    }

    /// <summary>"fifo".</summary>
    public string Name => "fifo";

    /// <summary>No tunables.</summary>
    public ParameterSet Parameters { get; }

    /// <summary>Requests queued.</summary>
    public int Count => _queue.Count;

    /// <summary>Queues at the tail; never merges, so always returns false.</summary>
    public bool Add(IoRequest request, ulong nowNs)
    {
        _queue.Enqueue(request);
        return false;
    }

    /// <summary>The oldest request, or null.</summary>
    public IoRequest? PickNext(ulong nowNs) => _queue.TryDequeue(out IoRequest? r) ? r : null;

    /// <summary>Nothing to learn.</summary>
    public void OnComplete(IoRequest request, ulong latencyNs, ulong nowNs)
    {
    }
}

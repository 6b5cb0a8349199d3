namespace NexOS.Storage.Block;

/// <summary>
/// The request queue between the cache and a driver. Callers queue reads and writes with
/// <see cref="Enqueue"/> (buffers they own, completion by callback) and send them with
/// <see cref="Dispatch"/> or <see cref="Drain"/>; an <see cref="IIoSchedulerPolicy"/> picks the
/// order and merges adjacent requests, which go to the device as one call through a
/// preallocated merge buffer. Requests come from a fixed pool, so queueing never allocates.
/// The scheduler is itself an <see cref="IBlockDevice"/>: its synchronous calls first drain
/// the queue, so they are ordered after everything queued before them. Requests queued
/// together may complete in any order: do not queue a read and a write of the same block in
/// one batch.
/// </summary>
public sealed partial class IoScheduler : IBlockDevice
{
    private readonly IBlockDevice _device;
    private readonly IClock _clock;
    private readonly BlockMetrics? _metrics;
    private readonly byte[] _mergeBuffer;
    private IoRequest? _free;
    private ulong _sequence;

    /// <summary>Creates a scheduler over <paramref name="device"/> with a pool of
    /// <paramref name="capacity"/> requests (at least 1). <paramref name="metrics"/> may be
    /// null.</summary>
    public IoScheduler(IBlockDevice device, IIoSchedulerPolicy policy, IClock clock, int capacity = 64, BlockMetrics? metrics = null)
    {
        _device = device;
        Policy = policy;
        _clock = clock;
        _metrics = metrics;
        Capacity = Math.Max(1, capacity);
        for (int i = 0; i < Capacity; i++)
        {
            _free = new IoRequest { FreeNext = _free };
        }

        _mergeBuffer = new byte[DeadlineIoPolicy.MaxMergeBlocksLimit * device.BlockSize];
    }

    /// <summary>The policy deciding the order. Replace it only while nothing is queued.</summary>
    public IIoSchedulerPolicy Policy { get; private set; }

    /// <summary>Requests the pool holds.</summary>
    public int Capacity { get; }

    /// <summary>Requests queued and not yet completed (merged ones counted each).</summary>
    public int Queued { get; private set; }

    /// <inheritdoc/>
    public int BlockSize => _device.BlockSize;

    /// <inheritdoc/>
    public ulong BlockCount => _device.BlockCount;

    /// <inheritdoc/>
    public bool ReadOnly => _device.ReadOnly;

    /// <summary>Switches to <paramref name="policy"/>; false (nothing changed) while requests
    /// are queued, because they live in the old policy's lists.</summary>
    public bool SetPolicy(IIoSchedulerPolicy policy)
    {
        if (Queued != 0)
        {
            return false;
        }

        Policy = policy;
        return true;
    }

    /// <summary>
    /// Queues a request for <paramref name="blockCount"/> blocks from <paramref name="block"/>
    /// on, whose data lives in <paramref name="buffer"/> from <paramref name="offset"/>; the
    /// buffer must stay untouched until <paramref name="completion"/> (may be null) is called
    /// with <paramref name="tag"/>. Returns BadArgument for a bad range or buffer, ReadOnly
    /// for a write to a read-only device, LimitReached when the pool is empty (dispatch
    /// first); nothing is queued then.
    /// </summary>
    public StorageStatus Enqueue(IoKind kind, ulong block, byte[] buffer, int offset, int blockCount, IIoCompletion? completion, int tag)
    {
        int bs = _device.BlockSize;
        if (blockCount <= 0 || offset < 0 || (long)blockCount * bs > buffer.Length - (long)offset || !InRange(block, (ulong)blockCount))
        {
            return StorageStatus.BadArgument;
        }

        if (kind == IoKind.Write && _device.ReadOnly)
        {
            return StorageStatus.ReadOnly;
        }

        IoRequest? request = _free;
        if (request == null)
        {
            return StorageStatus.LimitReached;
        }

        _free = request.FreeNext;
        request.FreeNext = null;
        request.Kind = kind;
        request.Block = block;
        request.Count = blockCount;
        request.OwnCount = blockCount;
        request.Buffer = buffer;
        request.Offset = offset;
        request.Completion = completion;
        request.Tag = tag;
        request.MergeNext = null;
        request.MergeTail = request;
        request.SubmitNs = _clock.NowNanoseconds;
        request.Sequence = ++_sequence;
        Queued++;
        _metrics?.QueueDepth.Set(Queued);
        // Count merges by the units that disappeared: one request can join two queued units
        // into one, which is two merges.
        int unitsBefore = Policy.Count;
        Policy.Add(request, request.SubmitNs);
        int merged = unitsBefore + 1 - Policy.Count;
        if (merged > 0)
        {
            _metrics?.Merges.Add(merged);
        }

        return StorageStatus.Ok;
    }

    /// <summary>Sends the unit the policy picks to the device and completes its requests.
    /// Returns false when nothing was queued; <paramref name="status"/> is the device's answer
    /// (Ok when nothing was queued).</summary>
    public bool Dispatch(out StorageStatus status)
    {
        status = StorageStatus.Ok;
        IoRequest? head = Policy.PickNext(_clock.NowNanoseconds);
        if (head == null)
        {
            return false;
        }

        status = Execute(head);
        return true;
    }

    /// <summary>Dispatches until the queue is empty; returns Ok or the first error (every
    /// request is still completed with its own status). The loop is bounded by the pool size,
    /// so a policy that loses requests cannot make it spin.</summary>
    public StorageStatus Drain()
    {
        StorageStatus first = StorageStatus.Ok;
        for (int i = 0; i < Capacity && Dispatch(out StorageStatus status); i++)
        {
            if (first == StorageStatus.Ok)
            {
                first = status;
            }
        }

        return first;
    }

    /// <summary>Drains the queue, then reads synchronously; same contract as
    /// <see cref="IBlockDevice.Read"/>.</summary>
    public StorageStatus Read(ulong block, Span<byte> buffer)
    {
        Drain();
        return Transfer(IoKind.Read, block, buffer, _clock.NowNanoseconds);
    }

    /// <summary>Drains the queue, then writes synchronously; same contract as
    /// <see cref="IBlockDevice.Write"/>.</summary>
    public StorageStatus Write(ulong block, ReadOnlySpan<byte> buffer)
    {
        Drain();
        if (_device.ReadOnly)
        {
            return StorageStatus.ReadOnly;
        }

        return TransferWrite(block, buffer, _clock.NowNanoseconds);
    }

    /// <summary>Drains the queue, then flushes the device: every write queued or completed
    /// before is stable when this returns Ok. A failed queued write is returned in preference
    /// to the flush's own status.</summary>
    public StorageStatus Flush()
    {
        StorageStatus drained = Drain();
        StorageStatus flushed = _device.Flush();
        return drained != StorageStatus.Ok ? drained : flushed;
    }

    private bool InRange(ulong block, ulong count) =>
        block < _device.BlockCount && count <= _device.BlockCount - block;
}

using NexOS.Core.Policy;

namespace NexOS.Storage.Block;

/// <summary>
/// An elevator with deadlines ("deadline"), after the classic Linux design: reads and writes
/// are kept in two lists sorted by block, and a batch of up to <c>batch_size</c> units is
/// served in ascending block order from where the head last stopped. Each new batch prefers
/// reads (a reader waits for its data, a writer usually does not), unless the oldest write has
/// waited past <c>write_deadline_ns</c>; a batch whose direction has an expired request starts
/// at that request instead of the head position, so nothing waits for ever. A request that
/// continues or precedes a queued one of the same kind is merged into it, up to
/// <c>max_merge_blocks</c> blocks per device call.
/// </summary>
public sealed class DeadlineIoPolicy : IIoSchedulerPolicy
{
    /// <summary>Upper limit of <c>max_merge_blocks</c>; the scheduler sizes its merge buffer
    /// from it.</summary>
    public const int MaxMergeBlocksLimit = 128;

    private readonly List<IoRequest> _reads;
    private readonly List<IoRequest> _writes;
    private readonly Parameter _readDeadline;
    private readonly Parameter _writeDeadline;
    private readonly Parameter _batchSize;
    private readonly Parameter _maxMerge;
    private IoKind _direction = IoKind.Read;
    private ulong _position;
    private long _batchLeft;

    /// <summary>Creates empty lists with room for <paramref name="capacity"/> units each.</summary>
    public DeadlineIoPolicy(int capacity = 64)
    {
        _reads = new List<IoRequest>(Math.Max(1, capacity));
        _writes = new List<IoRequest>(Math.Max(1, capacity));
        Parameters = new ParameterSet();
        _readDeadline = Parameters.Add(new Parameter(
            "read_deadline_ns", "ns", 100_000, 10_000_000_000, 500_000_000,
            "how long a read may wait before it goes ahead of the elevator order"));
        _writeDeadline = Parameters.Add(new Parameter(
            "write_deadline_ns", "ns", 100_000, 60_000_000_000, 5_000_000_000,
            "how long a write may wait before a batch of writes goes ahead of reads"));
        _batchSize = Parameters.Add(new Parameter(
            "batch_size", "requests", 1, 1024, 16,
            "units served in block order before the direction and deadlines are looked at again"));
        _maxMerge = Parameters.Add(new Parameter(
            "max_merge_blocks", "blocks", 1, MaxMergeBlocksLimit, 64,
            "largest merged request sent to the device in one call"));
    }

    /// <summary>"deadline".</summary>
    public string Name => "deadline";

    /// <summary>read_deadline_ns, write_deadline_ns, batch_size, max_merge_blocks.</summary>
    public ParameterSet Parameters { get; }

    /// <summary>Units queued in both lists.</summary>
    public int Count => _reads.Count + _writes.Count;

    /// <summary>Merges <paramref name="request"/> behind the unit that ends where it starts,
    /// or in front of the unit that starts where it ends; otherwise inserts it in block order.
    /// Returns true when merged.</summary>
    public bool Add(IoRequest request, ulong nowNs)
    {
        List<IoRequest> list = request.Kind == IoKind.Read ? _reads : _writes;
        int max = (int)_maxMerge.Value;
        int index = InsertionIndex(list, request.Block);
        if (index > 0 && list[index - 1].TryJoin(request, max))
        {
            // The grown unit may now reach the next one: join them too.
            if (index < list.Count && list[index - 1].TryJoin(list[index], max))
            {
                list.RemoveAt(index);
            }

            return true;
        }

        if (index < list.Count && request.TryJoin(list[index], max))
        {
            list[index] = request;
            return true;
        }

        list.Insert(index, request);
        return false;
    }

    /// <summary>Continues the current batch in block order, or starts a new one as the class
    /// comment describes. Null when both lists are empty.</summary>
    public IoRequest? PickNext(ulong nowNs)
    {
        if (_reads.Count == 0 && _writes.Count == 0)
        {
            return null;
        }

        List<IoRequest> list = _direction == IoKind.Read ? _reads : _writes;
        int index = list.Count == 0 ? -1 : InsertionIndex(list, _position);
        if (_batchLeft <= 0 || index < 0 || index >= list.Count)
        {
            index = StartBatch(nowNs, out list);
        }

        IoRequest next = list[index];
        list.RemoveAt(index);
        _position = next.End;
        _batchLeft--;
        return next;
    }

    /// <summary>Nothing to learn; the deadlines are fixed by the parameters.</summary>
    public void OnComplete(IoRequest request, ulong latencyNs, ulong nowNs)
    {
    }

    private int StartBatch(ulong nowNs, out List<IoRequest> list)
    {
        bool writesExpired = _writes.Count > 0 && Expired(_writes, _writeDeadline.Value, nowNs, out _);
        _direction = _reads.Count == 0 || writesExpired ? IoKind.Write : IoKind.Read;
        list = _direction == IoKind.Read ? _reads : _writes;
        _batchLeft = _batchSize.Value;
        long deadline = _direction == IoKind.Read ? _readDeadline.Value : _writeDeadline.Value;
        if (Expired(list, deadline, nowNs, out int oldest))
        {
            return oldest;
        }

        // Continue the sweep upwards from the head position, wrapping to the lowest block.
        int index = InsertionIndex(list, _position);
        return index < list.Count ? index : 0;
    }

    private static bool Expired(List<IoRequest> list, long deadlineNs, ulong nowNs, out int oldest)
    {
        oldest = 0;
        for (int i = 1; i < list.Count; i++)
        {
            if (list[i].Sequence < list[oldest].Sequence)
            {
                oldest = i;
            }
        }

        return nowNs - list[oldest].SubmitNs >= (ulong)deadlineNs && nowNs >= list[oldest].SubmitNs;
    }

    // The first index whose unit starts at or after block (binary search; lists are short
    // but a flush may queue a few hundred).
    private static int InsertionIndex(List<IoRequest> list, ulong block)
    {
        int lo = 0;
        int hi = list.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (list[mid].Block < block)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}

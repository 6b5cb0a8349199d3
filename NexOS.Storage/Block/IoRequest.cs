namespace NexOS.Storage.Block;

/// <summary>What a queued request does.</summary>
public enum IoKind
{
    /// <summary>Read blocks from the device into the request's buffer.</summary>
    Read,

    /// <summary>Write the request's buffer to the device.</summary>
    Write,
}

/// <summary>Told when a queued request finished.</summary>
public interface IIoCompletion
{
    /// <summary>The request queued with <paramref name="tag"/> ended with
    /// <paramref name="status"/>. Called from <see cref="IoScheduler.Dispatch"/>; must not
    /// queue new requests.</summary>
    void Complete(int tag, StorageStatus status);
}

/// <summary>
/// One queued request. The scheduler owns a fixed pool of these (no allocation per request);
/// policies only link and order them. Requests that a policy merged form a chain through
/// <see cref="MergeNext"/> in ascending block order; the chain's head carries the whole range
/// in <see cref="Block"/> and <see cref="Count"/>.
/// </summary>
public sealed class IoRequest
{
    /// <summary>Read or write.</summary>
    public IoKind Kind { get; internal set; }

    /// <summary>First block; for a chain head, the first block of the merged range.</summary>
    public ulong Block { get; internal set; }

    /// <summary>Blocks; for a chain head, the blocks of the whole merged range.</summary>
    public int Count { get; internal set; }

    /// <summary>Blocks of this request alone (without the requests merged into it).</summary>
    public int OwnCount { get; internal set; }

    /// <summary>When it was queued, from the scheduler's clock.</summary>
    public ulong SubmitNs { get; internal set; }

    /// <summary>Queue order: larger is newer. Policies use it for FIFO order.</summary>
    public ulong Sequence { get; internal set; }

    /// <summary>The next request merged behind this one, or null.</summary>
    public IoRequest? MergeNext { get; internal set; }

    /// <summary>The last request of the chain this one heads (itself when alone).</summary>
    internal IoRequest MergeTail { get; set; }

    internal byte[] Buffer { get; set; } = Array.Empty<byte>();

    internal int Offset { get; set; }

    internal IIoCompletion? Completion { get; set; }

    internal int Tag { get; set; }

    internal IoRequest? FreeNext { get; set; }

    internal IoRequest()
    {
        MergeTail = this;
    }

    /// <summary>The block just after the range.</summary>
    public ulong End => Block + (ulong)Count;

    /// <summary>Tries to put the chain <paramref name="next"/> heads behind the chain this
    /// request heads: same kind, <paramref name="next"/> starting exactly at <see cref="End"/>,
    /// and at most <paramref name="maxBlocks"/> blocks in all. This request stays the head and
    /// takes the older submit time and sequence of the two, so deadlines never move later.
    /// Returns false and changes nothing otherwise.</summary>
    public bool TryJoin(IoRequest next, int maxBlocks)
    {
        if (next == this || next.Kind != Kind || next.Block != End || (long)Count + next.Count > maxBlocks)
        {
            return false;
        }

        MergeTail.MergeNext = next;
        MergeTail = next.MergeTail;
        Count += next.Count;
        SubmitNs = Math.Min(SubmitNs, next.SubmitNs);
        Sequence = Math.Min(Sequence, next.Sequence);
        next.Count = next.OwnCount;
        next.MergeTail = next;
        return true;
    }
}

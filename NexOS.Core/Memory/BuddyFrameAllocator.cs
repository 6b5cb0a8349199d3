namespace NexOS.Core.Memory;

/// <summary>
/// Physical page-frame allocator using the buddy system: memory is handed out in blocks of
/// 2^order frames of 4 KiB, each aligned to its own size, and a freed block merges with its
/// equally sized neighbour ("buddy") whenever both are free. All metadata (about 9 bytes per
/// frame of the covered span, holes included) is allocated by the constructor; afterwards
/// <see cref="TryAllocate"/> and <see cref="Free"/> run in O(MaxOrder), never allocate and
/// never throw: bad requests come back as status values and change nothing. Not thread-safe;
/// callers serialise access (a lock once there are several CPUs).
/// </summary>
public sealed partial class BuddyFrameAllocator
{
    /// <summary>log2 of <see cref="FrameSize"/>.</summary>
    public const int FrameShift = 12;

    /// <summary>Bytes in a frame.</summary>
    public const ulong FrameSize = 1UL << FrameShift;

    /// <summary>Largest order used when the constructor is not told: 4 MiB blocks.</summary>
    public const int DefaultMaxOrder = 10;

    /// <summary>Largest order the constructor accepts.</summary>
    public const int MaxSupportedOrder = 30;

    /// <summary>Most frames the covered span may hold (4 TiB), so indexes fit an int and the
    /// metadata stays allocatable.</summary>
    public const long MaxSpanFrames = 1L << 30;

    // Per-frame state byte. Only the first frame of a block (its head) is marked; every other
    // frame is 0, as are holes and reserved frames.
    private const byte HeadFree = 0x80;
    private const byte HeadUsed = 0x40;
    private const byte OrderMask = 0x1f;

    // Used only while constructing: frame lies in one of the given ranges.
    private const byte Available = HeadFree | HeadUsed;

    private readonly ulong _baseFrame;
    private readonly int _spanFrames;
    private readonly byte[] _state;
    private readonly int[] _next;
    private readonly int[] _prev;
    private readonly int[] _freeHead;
    private readonly int[] _freeBlocks;
    private long _freeFrames;
    private long _totalFrames;

    /// <summary>
    /// Takes over the frames in <paramref name="freeRanges"/>. Ranges may be unaligned (only
    /// whole frames inside them are used), unsorted, touching or overlapping. Each run of
    /// frames is carved into the largest blocks its alignment allows, up to
    /// <paramref name="maxOrder"/>. Throws <see cref="ArgumentOutOfRangeException"/> for an
    /// order outside 0 to <see cref="MaxSupportedOrder"/> and <see cref="ArgumentException"/>
    /// when the ranges span more than <see cref="MaxSpanFrames"/> frames; check with
    /// <see cref="EstimateMetadataBytes"/> first when the ranges come from firmware.
    /// </summary>
    public BuddyFrameAllocator(ReadOnlySpan<PhysRange> freeRanges, int maxOrder = DefaultMaxOrder)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxOrder);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxOrder, MaxSupportedOrder);
        MaxOrder = maxOrder;
        GetSpan(freeRanges, maxOrder, out _baseFrame, out ulong spanFrames);
        if (spanFrames > (ulong)MaxSpanFrames)
        {
            throw new ArgumentException("free ranges span more than MaxSpanFrames frames", nameof(freeRanges));
        }

        _spanFrames = (int)spanFrames;
        _state = new byte[_spanFrames];
        _next = new int[_spanFrames];
        _prev = new int[_spanFrames];
        _freeHead = new int[maxOrder + 1];
        _freeBlocks = new int[maxOrder + 1];
        Array.Fill(_freeHead, -1);

        // Mark first, carve second: overlapping or touching ranges then become one run, and
        // no frame is ever added twice.
        foreach (PhysRange range in freeRanges)
        {
            FramesOf(range, out ulong first, out ulong end);
            for (ulong frame = first; frame < end; frame++)
            {
                _state[frame - _baseFrame] = Available;
            }
        }

        int i = 0;
        while (i < _spanFrames)
        {
            if (_state[i] != Available)
            {
                i++;
                continue;
            }

            int runEnd = i;
            while (runEnd < _spanFrames && _state[runEnd] == Available)
            {
                _state[runEnd++] = 0;
            }

            Carve(i, runEnd);
            i = runEnd;
        }

        _totalFrames = _freeFrames;
    }

    /// <summary>Largest block order this allocator hands out.</summary>
    public int MaxOrder { get; }

    /// <summary>Frames under management: free plus allocated. Starts as every whole frame in
    /// the constructor's ranges; <see cref="Reserve"/> lowers it.</summary>
    public long TotalFrames => _totalFrames;

    /// <summary>Frames currently free.</summary>
    public long FreeFrames => _freeFrames;

    /// <summary>Frames currently allocated.</summary>
    public long AllocatedFrames => _totalFrames - _freeFrames;

    /// <summary>The physical span the metadata covers, aligned down to a MaxOrder block at
    /// the start; <see cref="Free"/> answers <see cref="AllocationResult.OutOfRange"/> outside
    /// it. Empty when there was no whole frame to manage.</summary>
    public PhysRange CoveredRange => new(
        new PhysAddr(_baseFrame << FrameShift),
        new PhysAddr((_baseFrame + (ulong)_spanFrames) << FrameShift));

    /// <summary>Smallest order whose blocks hold <paramref name="bytes"/> bytes, or -1 for 0
    /// bytes. May exceed any allocator's MaxOrder for large sizes.</summary>
    public static int OrderForBytes(ulong bytes)
    {
        if (bytes == 0)
        {
            return -1;
        }

        ulong frames = (bytes >> FrameShift) + ((bytes & (FrameSize - 1)) != 0 ? 1UL : 0UL);
        return frames == 1 ? 0 : System.Numerics.BitOperations.Log2(frames - 1) + 1;
    }

    /// <summary>Bytes of metadata a constructor call with the same arguments would allocate
    /// (arrays only, no object headers), so the kernel can check its heap first. Does not
    /// allocate or throw; an invalid order counts as <see cref="DefaultMaxOrder"/>.</summary>
    public static ulong EstimateMetadataBytes(ReadOnlySpan<PhysRange> freeRanges, int maxOrder = DefaultMaxOrder)
    {
        if (maxOrder < 0 || maxOrder > MaxSupportedOrder)
        {
            maxOrder = DefaultMaxOrder;
        }

        GetSpan(freeRanges, maxOrder, out _, out ulong spanFrames);
        return (spanFrames * (1 + sizeof(int) + sizeof(int))) + ((ulong)(maxOrder + 1) * 2 * sizeof(int));
    }

    /// <summary>The whole frames inside <paramref name="range"/>: [first, end).</summary>
    private static void FramesOf(PhysRange range, out ulong first, out ulong end)
    {
        first = (range.Start.Value >> FrameShift) + ((range.Start.Value & (FrameSize - 1)) != 0 ? 1UL : 0UL);
        end = range.End.Value >> FrameShift;
        if (range.IsEmpty || end < first)
        {
            end = first;
        }
    }

    /// <summary>Frame number the metadata starts at (aligned down to a MaxOrder block so local
    /// indexes have the same alignment as physical frames) and how many frames it covers.</summary>
    private static void GetSpan(ReadOnlySpan<PhysRange> ranges, int maxOrder, out ulong baseFrame, out ulong spanFrames)
    {
        ulong low = ulong.MaxValue;
        ulong high = 0;
        foreach (PhysRange range in ranges)
        {
            FramesOf(range, out ulong first, out ulong end);
            if (first < end)
            {
                low = Math.Min(low, first);
                high = Math.Max(high, end);
            }
        }

        baseFrame = high == 0 ? 0 : (low >> maxOrder) << maxOrder;
        spanFrames = high - baseFrame;
    }
}

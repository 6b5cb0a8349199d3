namespace NexOS.Storage.Block;

/// <summary>
/// A write-back block cache that is itself an <see cref="IBlockDevice"/> over another one
/// (a driver, or an <see cref="IoScheduler"/> in front of one). It holds a fixed number of
/// blocks in buffers allocated once; the least recently used block is replaced, and a dirty
/// one is written back first. Writes stay in the cache until eviction or
/// <see cref="Flush"/>, which writes every dirty block (in block order, through the
/// scheduler's batch queue when the device is one, so adjacent blocks merge) and then flushes
/// the device: data written before a successful Flush is on stable storage. Reads that
/// continue the previous read fetch <see cref="ReadAheadBlocks"/> more blocks in the same
/// device call. Transfers of <see cref="BypassBlocks"/> blocks or more go straight to the
/// device (a large sequential copy would otherwise flush the whole working set out), keeping
/// cached copies of those blocks coherent.
/// </summary>
public sealed partial class BlockCache : IBlockDevice
{
    private const int None = -1;

    /// <summary>The longest run one device call of the cache moves; also the staging
    /// buffer's size in blocks.</summary>
    public const int MaxRunBlocks = 64;

    private readonly IBlockDevice _device;
    private readonly BlockMetrics? _metrics;
    private readonly int _blockSize;
    private readonly byte[] _data;
    private readonly byte[] _staging;
    private readonly ulong[] _blockOf;
    private readonly bool[] _dirty;
    private readonly int[] _prev;
    private readonly int[] _next;
    private readonly int[] _freeSlots;
    private readonly Dictionary<ulong, int> _map;
    private readonly int _maxRun;
    private int _freeCount;
    private int _mru = None;
    private int _lru = None;
    private int _readAhead;
    private ulong _sequentialNext = ulong.MaxValue;

    /// <summary>Creates a cache of <paramref name="capacityBlocks"/> blocks (raised to at
    /// least 4) over <paramref name="device"/>, reading <paramref name="readAheadBlocks"/>
    /// ahead on sequential reads. <paramref name="metrics"/> may be null. All buffers are
    /// allocated here.</summary>
    public BlockCache(IBlockDevice device, int capacityBlocks, int readAheadBlocks = 8, BlockMetrics? metrics = null)
    {
        _device = device;
        _metrics = metrics;
        _blockSize = device.BlockSize;
        Capacity = Math.Max(4, capacityBlocks);
        _maxRun = Math.Min(Capacity / 2, MaxRunBlocks);
        _data = new byte[(long)Capacity * _blockSize];
        _staging = new byte[_maxRun * _blockSize];
        _blockOf = new ulong[Capacity];
        _dirty = new bool[Capacity];
        _prev = new int[Capacity];
        _next = new int[Capacity];
        _freeSlots = new int[Capacity];
        _map = new Dictionary<ulong, int>(Capacity);
        _flushBlocks = new ulong[Capacity];
        _flushSlots = new int[Capacity];
        for (int i = 0; i < Capacity; i++)
        {
            _freeSlots[i] = Capacity - 1 - i;
        }

        _freeCount = Capacity;
        ReadAheadBlocks = readAheadBlocks;
    }

    /// <summary>Blocks the cache holds at most.</summary>
    public int Capacity { get; }

    /// <summary>Blocks cached now.</summary>
    public int CachedBlocks => Capacity - _freeCount;

    /// <summary>Cached blocks not yet written to the device.</summary>
    public int DirtyBlocks { get; private set; }

    /// <summary>Reads of this many blocks or more bypass the cache.</summary>
    public int BypassBlocks => _maxRun;

    /// <summary>Extra blocks fetched when a read continues the previous one; clamped to
    /// 0 .. <see cref="BypassBlocks"/> - 1.</summary>
    public int ReadAheadBlocks
    {
        get => _readAhead;
        set => _readAhead = Math.Clamp(value, 0, _maxRun - 1);
    }

    /// <inheritdoc/>
    public int BlockSize => _blockSize;

    /// <inheritdoc/>
    public ulong BlockCount => _device.BlockCount;

    /// <inheritdoc/>
    public bool ReadOnly => _device.ReadOnly;

    /// <summary>True when <paramref name="block"/> is cached and dirty (tests, diagnostics).</summary>
    public bool IsDirty(ulong block) => _map.TryGetValue(block, out int slot) && _dirty[slot];

    /// <summary>True when <paramref name="block"/> is cached.</summary>
    public bool Contains(ulong block) => _map.ContainsKey(block);

    /// <summary>Reads under the <see cref="IBlockDevice.Read"/> contract. A device error is
    /// returned as is; blocks copied to the buffer before it may be valid, the rest is not.
    /// IoError also when a dirty block could not be written back to make room.</summary>
    public StorageStatus Read(ulong block, Span<byte> buffer)
    {
        if (!Check(block, buffer.Length, out int count))
        {
            return StorageStatus.BadArgument;
        }

        bool sequential = block == _sequentialNext;
        _sequentialNext = block + (ulong)count;
        if (count >= _maxRun)
        {
            return ReadAround(block, buffer, count);
        }

        int i = 0;
        while (i < count)
        {
            ulong b = block + (ulong)i;
            if (_map.TryGetValue(b, out int slot))
            {
                SlotSpan(slot).CopyTo(buffer.Slice(i * _blockSize));
                Touch(slot);
                _metrics?.CacheHits.Increment();
                i++;
                continue;
            }

            int run = 1;
            while (i + run < count && !_map.ContainsKey(b + (ulong)run))
            {
                run++;
            }

            int extra = 0;
            if (sequential && i + run == count)
            {
                ulong end = block + (ulong)count;
                while (extra < _readAhead && run + extra < _maxRun && end + (ulong)extra < BlockCount && !_map.ContainsKey(end + (ulong)extra))
                {
                    extra++;
                }
            }

            StorageStatus status = Fill(b, run + extra);
            if (status != StorageStatus.Ok)
            {
                return status;
            }

            _staging.AsSpan(0, run * _blockSize).CopyTo(buffer.Slice(i * _blockSize));
            _metrics?.CacheMisses.Add(run);
            i += run;
        }

        return StorageStatus.Ok;
    }

    /// <summary>Writes under the <see cref="IBlockDevice.Write"/> contract. Small writes only
    /// fill the cache (write-back); large ones go to the device at once. ReadOnly for a
    /// read-only device; IoError when making room needed a write-back that failed (blocks
    /// before the failing one are cached).</summary>
    public StorageStatus Write(ulong block, ReadOnlySpan<byte> buffer)
    {
        if (!Check(block, buffer.Length, out int count))
        {
            return StorageStatus.BadArgument;
        }

        if (_device.ReadOnly)
        {
            return StorageStatus.ReadOnly;
        }

        if (count >= _maxRun)
        {
            return WriteAround(block, buffer, count);
        }

        for (int i = 0; i < count; i++)
        {
            ulong b = block + (ulong)i;
            if (!_map.TryGetValue(b, out int slot))
            {
                StorageStatus status = Allocate(b, out slot);
                if (status != StorageStatus.Ok)
                {
                    return status;
                }
            }

            buffer.Slice(i * _blockSize, _blockSize).CopyTo(SlotSpan(slot));
            MarkDirty(slot);
            Touch(slot);
        }

        return StorageStatus.Ok;
    }

    private bool Check(ulong block, int length, out int count)
    {
        count = length / _blockSize;
        return length % _blockSize == 0 && block < BlockCount && (ulong)count <= BlockCount - block;
    }

    private Span<byte> SlotSpan(int slot) => _data.AsSpan(slot * _blockSize, _blockSize);

    // Reads a large range straight into the caller's buffer, then lays the cached copies over
    // it: a cached block is never older than the device's and may be newer (dirty).
    private StorageStatus ReadAround(ulong block, Span<byte> buffer, int count)
    {
        StorageStatus status = _device.Read(block, buffer);
        if (status != StorageStatus.Ok)
        {
            return status;
        }

        _metrics?.CacheMisses.Add(count);
        for (int i = 0; i < count && _map.Count > 0; i++)
        {
            if (_map.TryGetValue(block + (ulong)i, out int slot))
            {
                SlotSpan(slot).CopyTo(buffer.Slice(i * _blockSize));
            }
        }

        return StorageStatus.Ok;
    }

    // Writes a large range straight to the device; cached copies then hold the same bytes,
    // so they are updated and become clean.
    private StorageStatus WriteAround(ulong block, ReadOnlySpan<byte> buffer, int count)
    {
        StorageStatus status = _device.Write(block, buffer);
        if (status != StorageStatus.Ok)
        {
            return status;
        }

        for (int i = 0; i < count && _map.Count > 0; i++)
        {
            if (_map.TryGetValue(block + (ulong)i, out int slot))
            {
                buffer.Slice(i * _blockSize, _blockSize).CopyTo(SlotSpan(slot));
                MarkClean(slot);
            }
        }

        return StorageStatus.Ok;
    }

    // Reads count (at most _maxRun) uncached blocks into the staging buffer and caches them.
    private StorageStatus Fill(ulong first, int count)
    {
        StorageStatus status = _device.Read(first, _staging.AsSpan(0, count * _blockSize));
        if (status != StorageStatus.Ok)
        {
            return status;
        }

        for (int k = 0; k < count; k++)
        {
            status = Allocate(first + (ulong)k, out int slot);
            if (status != StorageStatus.Ok)
            {
                return status;
            }

            _staging.AsSpan(k * _blockSize, _blockSize).CopyTo(SlotSpan(slot));
        }

        return StorageStatus.Ok;
    }
}

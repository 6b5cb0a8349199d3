namespace NexOS.Storage.Fat;

/// <summary>A small write-back cache of whole sectors (FAT sectors, directory sectors, the
/// edges of file writes). Slots are preallocated; the least recently used one is reused.
/// A dirty sector of the first FAT is written to every FAT copy when it leaves the cache,
/// which keeps the copies identical without the callers knowing about them.</summary>
internal sealed class SectorCache
{
    private readonly IBlockDevice _device;
    private readonly int _sectorSize;
    private readonly byte[] _data;
    private readonly ulong[] _lba;
    private readonly ulong[] _stamp;
    private readonly bool[] _valid;
    private readonly bool[] _dirty;
    private readonly ulong _fatStart;
    private readonly ulong _fatSectors;
    private readonly int _fatCount;
    private ulong _clock;
    private int _lastHit;

    public SectorCache(IBlockDevice device, int sectorSize, int slots, ulong fatStart, ulong fatSectors, int fatCount)
    {
        _device = device;
        _sectorSize = sectorSize;
        _data = new byte[slots * sectorSize];
        _lba = new ulong[slots];
        _stamp = new ulong[slots];
        _valid = new bool[slots];
        _dirty = new bool[slots];
        _fatStart = fatStart;
        _fatSectors = fatSectors;
        _fatCount = fatCount;
    }

    /// <summary>Device writes issued so far (tests and benchmarks count them).</summary>
    public long Writes { get; private set; }

    /// <summary>Finds or loads <paramref name="lba"/>. With <paramref name="load"/> false a missing
    /// sector is not read but zeroed (the caller overwrites all of it).</summary>
    public StorageStatus Get(ulong lba, bool load, out int slot)
    {
        if (_valid[_lastHit] && _lba[_lastHit] == lba)
        {
            slot = _lastHit;
            _stamp[slot] = ++_clock;
            return StorageStatus.Ok;
        }
        int victim = 0;
        for (int i = 0; i < _lba.Length; i++)
        {
            if (_valid[i] && _lba[i] == lba)
            {
                slot = i;
                _lastHit = i;
                _stamp[i] = ++_clock;
                return StorageStatus.Ok;
            }
            if (!_valid[i])
            {
                if (_valid[victim])
                {
                    victim = i;
                }
            }
            else if (_valid[victim] && _stamp[i] < _stamp[victim])
            {
                victim = i;
            }
        }
        slot = -1;
        StorageStatus status = WriteBack(victim);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        _valid[victim] = false;
        Span<byte> data = Data(victim);
        if (load)
        {
            status = _device.Read(lba, data);
            if (status != StorageStatus.Ok)
            {
                return status;
            }
        }
        else
        {
            data.Clear();
        }
        _lba[victim] = lba;
        _valid[victim] = true;
        _stamp[victim] = ++_clock;
        _lastHit = victim;
        slot = victim;
        return StorageStatus.Ok;
    }

    /// <summary>The bytes of a slot returned by <see cref="Get"/>.</summary>
    public Span<byte> Data(int slot) => _data.AsSpan(slot * _sectorSize, _sectorSize);

    /// <summary>Marks a slot as changed; it is written at eviction or <see cref="FlushAll"/>.</summary>
    public void MarkDirty(int slot) => _dirty[slot] = true;

    /// <summary>Writes every dirty slot back.</summary>
    public StorageStatus FlushAll()
    {
        StorageStatus result = StorageStatus.Ok;
        for (int i = 0; i < _lba.Length; i++)
        {
            StorageStatus status = WriteBack(i);
            if (status != StorageStatus.Ok)
            {
                result = status;
            }
        }
        return result;
    }

    /// <summary>Makes the cache agree with direct device I/O on [lba, lba+count): dirty slots in
    /// the range are written back first, and with <paramref name="drop"/> the slots are forgotten
    /// (the caller is about to overwrite those sectors on the device).</summary>
    public StorageStatus SyncRange(ulong lba, ulong count, bool drop)
    {
        for (int i = 0; i < _lba.Length; i++)
        {
            if (!_valid[i] || _lba[i] < lba || _lba[i] - lba >= count)
            {
                continue;
            }
            if (drop)
            {
                _valid[i] = false;
                _dirty[i] = false;
                continue;
            }
            StorageStatus status = WriteBack(i);
            if (status != StorageStatus.Ok)
            {
                return status;
            }
        }
        return StorageStatus.Ok;
    }

    /// <summary>Forgets every slot without writing (after a failed mount or for tests).</summary>
    public void Clear()
    {
        Array.Clear(_valid);
        Array.Clear(_dirty);
    }

    private StorageStatus WriteBack(int slot)
    {
        if (!_valid[slot] || !_dirty[slot])
        {
            return StorageStatus.Ok;
        }
        ulong lba = _lba[slot];
        ReadOnlySpan<byte> data = Data(slot);
        if (lba >= _fatStart && lba - _fatStart < _fatSectors)
        {
            for (int copy = 0; copy < _fatCount; copy++)
            {
                StorageStatus status = _device.Write(lba + ((ulong)copy * _fatSectors), data);
                Writes++;
                if (status != StorageStatus.Ok)
                {
                    return status;
                }
            }
        }
        else
        {
            StorageStatus status = _device.Write(lba, data);
            Writes++;
            if (status != StorageStatus.Ok)
            {
                return status;
            }
        }
        _dirty[slot] = false;
        return StorageStatus.Ok;
    }
}

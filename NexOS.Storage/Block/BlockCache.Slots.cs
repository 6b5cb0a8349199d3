namespace NexOS.Storage.Block;

/// <summary>Slot management: the LRU list (doubly linked through index arrays, so it never
/// allocates), allocation with eviction, and dirty accounting.</summary>
public sealed partial class BlockCache
{
    /// <summary>Forgets every cached block, dirty ones included, without writing anything:
    /// what a crash does to the cache. Returns the number of dirty blocks lost.</summary>
    public int DiscardAll()
    {
        int lost = DirtyBlocks;
        while (_lru != None)
        {
            int slot = _lru;
            Unlink(slot);
            _map.Remove(_blockOf[slot]);
            _dirty[slot] = false;
            _freeSlots[_freeCount++] = slot;
        }

        DirtyBlocks = 0;
        _sequentialNext = ulong.MaxValue;
        return lost;
    }

    // Finds a slot for block (not cached): a free one, or the least recently used, written
    // back first when dirty. A failed write-back leaves that block cached and dirty and
    // returns the device's error.
    private StorageStatus Allocate(ulong block, out int slot)
    {
        if (_freeCount == 0)
        {
            int victim = _lru;
            if (_dirty[victim])
            {
                StorageStatus status = _device.Write(_blockOf[victim], SlotSpan(victim));
                if (status != StorageStatus.Ok)
                {
                    slot = None;
                    return status;
                }

                _metrics?.WriteBacks.Increment();
                MarkClean(victim);
            }

            Unlink(victim);
            _map.Remove(_blockOf[victim]);
            _freeSlots[_freeCount++] = victim;
        }

        slot = _freeSlots[--_freeCount];
        _blockOf[slot] = block;
        _dirty[slot] = false;
        _map.Add(block, slot);
        LinkFront(slot);
        return StorageStatus.Ok;
    }

    private void Touch(int slot)
    {
        if (_mru != slot)
        {
            Unlink(slot);
            LinkFront(slot);
        }
    }

    private void LinkFront(int slot)
    {
        _prev[slot] = None;
        _next[slot] = _mru;
        if (_mru != None)
        {
            _prev[_mru] = slot;
        }

        _mru = slot;
        if (_lru == None)
        {
            _lru = slot;
        }
    }

    private void Unlink(int slot)
    {
        int p = _prev[slot];
        int n = _next[slot];
        if (p != None)
        {
            _next[p] = n;
        }
        else
        {
            _mru = n;
        }

        if (n != None)
        {
            _prev[n] = p;
        }
        else
        {
            _lru = p;
        }

        _prev[slot] = None;
        _next[slot] = None;
    }

    private void MarkDirty(int slot)
    {
        if (!_dirty[slot])
        {
            _dirty[slot] = true;
            DirtyBlocks++;
        }
    }

    private void MarkClean(int slot)
    {
        if (_dirty[slot])
        {
            _dirty[slot] = false;
            DirtyBlocks--;
        }
    }
}

namespace NexOS.Storage.Block;

/// <summary>Write-back of every dirty block and the device flush.</summary>
public sealed partial class BlockCache : IIoCompletion
{
    private readonly ulong[] _flushBlocks;
    private readonly int[] _flushSlots;
    private StorageStatus _batchStatus;

    /// <summary>Writes every dirty block back (in ascending block order), then flushes the
    /// device. Ok means everything written to the cache before this call is on stable
    /// storage. On a device error the blocks that failed stay dirty (a later Flush retries
    /// them) and the error is returned without flushing the device.</summary>
    public StorageStatus Flush()
    {
        StorageStatus status = WriteBackAll();
        return status != StorageStatus.Ok ? status : _device.Flush();
    }

    /// <summary>Writes every dirty block back without flushing the device; same error rules
    /// as <see cref="Flush"/>.</summary>
    public StorageStatus WriteBackAll()
    {
        int n = 0;
        for (int slot = _mru; slot != None && n < Capacity; slot = _next[slot])
        {
            if (_dirty[slot])
            {
                _flushBlocks[n] = _blockOf[slot];
                _flushSlots[n] = slot;
                n++;
            }
        }

        if (n == 0)
        {
            return StorageStatus.Ok;
        }

        // Span sort is an in-place introsort: no allocation.
        _flushBlocks.AsSpan(0, n).Sort(_flushSlots.AsSpan(0, n));
        return _device is IoScheduler scheduler ? WriteBackQueued(scheduler, n) : WriteBackRuns(n);
    }

    /// <summary>Called by the scheduler when a queued write-back finished: the block is
    /// clean only when the device took it.</summary>
    void IIoCompletion.Complete(int tag, StorageStatus status)
    {
        if (status == StorageStatus.Ok)
        {
            if (tag >= 0 && tag < Capacity && _dirty[tag])
            {
                MarkClean(tag);
                _metrics?.WriteBacks.Increment();
            }
        }
        else if (_batchStatus == StorageStatus.Ok)
        {
            _batchStatus = status;
        }
    }

    // Queues each dirty block as its own request and lets the scheduler's policy order and
    // merge them.
    private StorageStatus WriteBackQueued(IoScheduler scheduler, int n)
    {
        _batchStatus = StorageStatus.Ok;
        for (int i = 0; i < n; i++)
        {
            int slot = _flushSlots[i];
            StorageStatus status = scheduler.Enqueue(IoKind.Write, _flushBlocks[i], _data, slot * _blockSize, 1, this, slot);
            if (status == StorageStatus.LimitReached)
            {
                scheduler.Drain();
                status = scheduler.Enqueue(IoKind.Write, _flushBlocks[i], _data, slot * _blockSize, 1, this, slot);
            }

            if (status != StorageStatus.Ok)
            {
                scheduler.Drain();
                return status;
            }
        }

        scheduler.Drain();
        return _batchStatus;
    }

    // Writes runs of consecutive dirty blocks, each through the staging buffer in one call.
    private StorageStatus WriteBackRuns(int n)
    {
        StorageStatus first = StorageStatus.Ok;
        int i = 0;
        while (i < n)
        {
            int run = 1;
            while (i + run < n && run < _maxRun && _flushBlocks[i + run] == _flushBlocks[i] + (ulong)run)
            {
                run++;
            }

            for (int k = 0; k < run; k++)
            {
                SlotSpan(_flushSlots[i + k]).CopyTo(_staging.AsSpan(k * _blockSize));
            }

            StorageStatus status = _device.Write(_flushBlocks[i], _staging.AsSpan(0, run * _blockSize));
            if (status == StorageStatus.Ok)
            {
                for (int k = 0; k < run; k++)
                {
                    MarkClean(_flushSlots[i + k]);
                }

                _metrics?.WriteBacks.Add(run);
            }
            else if (first == StorageStatus.Ok)
            {
                first = status;
            }

            i += run;
        }

        return first;
    }
}

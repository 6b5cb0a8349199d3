using NexOS.Drivers.Hardware;
using NexOS.Storage;

namespace NexOS.Drivers.Virtio;

/// <summary>The asynchronous request API and completion checking.</summary>
public sealed partial class VirtioBlkDevice
{
    /// <summary>Queues a read of <paramref name="blockCount"/> blocks from
    /// <paramref name="block"/> (at most <see cref="MaxTransferBytes"/>); the data is in the
    /// slot after completion (<see cref="CopyData"/>). BadArgument for a bad range,
    /// LimitReached when every slot is busy, IoError when the device is broken.</summary>
    public StorageStatus SubmitRead(ulong block, int blockCount, int tag, out int slot) =>
        Submit(TypeIn, block, blockCount, ReadOnlySpan<byte>.Empty, tag, out slot);

    /// <summary>Queues a write of <paramref name="data"/> (whole blocks, at most
    /// <see cref="MaxTransferBytes"/>) at <paramref name="block"/>; the data is copied into the
    /// slot at once. Errors as <see cref="SubmitRead"/>, and ReadOnly on a read-only device.</summary>
    public StorageStatus SubmitWrite(ulong block, ReadOnlySpan<byte> data, int tag, out int slot)
    {
        slot = -1;
        if (data.Length % BlockSize != 0)
        {
            return StorageStatus.BadArgument;
        }

        return ReadOnly ? StorageStatus.ReadOnly : Submit(TypeOut, block, data.Length / BlockSize, data, tag, out slot);
    }

    /// <summary>Queues a cache flush. Unsupported when the device has no FLUSH feature (it
    /// writes through; the synchronous <see cref="Flush"/> then returns Ok).</summary>
    public StorageStatus SubmitFlush(int tag, out int slot)
    {
        slot = -1;
        return SupportsFlush ? Submit(TypeFlush, 0, 0, ReadOnlySpan<byte>.Empty, tag, out slot) : StorageStatus.Unsupported;
    }

    /// <summary>Queues a GET_ID request (the 20-byte serial string, read with
    /// <see cref="CopyData"/>); the device may answer Unsupported.</summary>
    public StorageStatus SubmitGetId(int tag, out int slot) =>
        Submit(TypeGetId, 0, 0, ReadOnlySpan<byte>.Empty, tag, out slot);

    /// <summary>
    /// Takes one finished request, checking what the device wrote: the used length (more
    /// than the request let the device write, or a short read, is IoError) and the status
    /// byte (anything but OK, IOERR or UNSUPP is IoError). When the device broke the queue
    /// protocol or reports NEEDS_RESET, it is reset and the outstanding requests complete one
    /// per call with IoError. False when nothing has finished. The slot stays busy until
    /// <see cref="Release"/>.
    /// </summary>
    public bool TryComplete(out VirtioBlkCompletion completion)
    {
        completion = default;
        if (InFlight == 0)
        {
            return false;
        }

        if (!Broken)
        {
            VirtioStatus status = _queue.TryPopUsed(out ushort head, out uint length);
            if (status == VirtioStatus.Ok)
            {
                completion = Finish(_slotOfHead[head], Check(_slotOfHead[head], length));
                return true;
            }

            if (status == VirtioStatus.NothingUsed && _transport.Healthy)
            {
                return false;
            }

            EnterBroken();
        }

        if (_queue.TryAbort(out ushort aborted))
        {
            completion = Finish(_slotOfHead[aborted], StorageStatus.IoError);
            return true;
        }

        return false;
    }

    /// <summary>Copies up to <paramref name="destination"/>.Length data bytes of a completed
    /// slot; returns the bytes copied (0 for a slot that is not completed).</summary>
    public int CopyData(int slot, Span<byte> destination)
    {
        if (slot < 0 || slot >= Slots || _state[slot] != SlotState.Done)
        {
            return 0;
        }

        int n = Math.Min(destination.Length, _bytes[slot]);
        _dma.Span.Slice(SlotBase(slot) + DataOffset, n).CopyTo(destination);
        return n;
    }

    /// <summary>Frees a completed slot; false (nothing changed) for a slot that is free or
    /// still in flight.</summary>
    public bool Release(int slot)
    {
        if (slot < 0 || slot >= Slots || _state[slot] != SlotState.Done)
        {
            return false;
        }

        _state[slot] = SlotState.Free;
        return true;
    }

    // A write's data comes from data, or, with a source, from the source (its bytes at
    // sourceOffset), which fills the slot in place; a source that cannot is BadArgument, with
    // nothing submitted and the slot still free.
    private StorageStatus Submit(uint type, ulong block, int blockCount, ReadOnlySpan<byte> data, int tag, out int slot, IBlockSource? source = null, int sourceOffset = 0)
    {
        slot = -1;
        bool transfer = type == TypeIn || type == TypeOut;
        if (transfer && (blockCount <= 0 || block >= BlockCount || (ulong)blockCount > BlockCount - block || (long)blockCount * BlockSize > MaxTransferBytes))
        {
            return StorageStatus.BadArgument;
        }

        if (Broken)
        {
            return StorageStatus.IoError;
        }

        for (int i = 0; i < Slots && slot < 0; i++)
        {
            slot = _state[i] == SlotState.Free ? i : -1;
        }

        if (slot < 0)
        {
            return StorageStatus.LimitReached;
        }

        int bytes = transfer ? blockCount * BlockSize : type == TypeGetId ? IdBytes : 0;
        int at = SlotBase(slot);
        _dma.WriteUInt32(at, type);
        _dma.WriteUInt32(at + 4, 0);
        _dma.WriteUInt64(at + 8, block * (ulong)(BlockSize / SectorSize));
        _dma.WriteByte(at + HeaderBytes, StatusUnset);
        if (type == TypeOut && source != null && !source.Fill(sourceOffset, _dma.Span.Slice(at + DataOffset, bytes)))
        {
            slot = -1;
            return StorageStatus.BadArgument;
        }

        if (type == TypeOut && source == null)
        {
            data.CopyTo(_dma.Span.Slice(at + DataOffset));
        }

        int n = 0;
        _segments[n++] = new VirtqSegment(_dma.PhysicalAddress(at), HeaderBytes, false);
        if (bytes > 0)
        {
            _segments[n++] = new VirtqSegment(_dma.PhysicalAddress(at + DataOffset), (uint)bytes, type != TypeOut);
        }

        _segments[n++] = new VirtqSegment(_dma.PhysicalAddress(at + HeaderBytes), 1, true);
        VirtioStatus status = _queue.Submit(_segments.AsSpan(0, n), out ushort head);
        if (status != VirtioStatus.Ok)
        {
            slot = -1;
            return status == VirtioStatus.QueueFull ? StorageStatus.LimitReached : StorageStatus.IoError;
        }

        _state[slot] = SlotState.InFlight;
        _tag[slot] = tag;
        _type[slot] = type;
        _bytes[slot] = bytes;
        _slotOfHead[head] = slot;
        InFlight++;
        return StorageStatus.Ok;
    }

    private StorageStatus Check(int slot, uint length)
    {
        int writable = (_type[slot] == TypeOut ? 0 : _bytes[slot]) + 1;
        if (length > (uint)writable || (_type[slot] == TypeIn && length < (uint)writable))
        {
            return StorageStatus.IoError;
        }

        return _dma.ReadByte(SlotBase(slot) + HeaderBytes) switch
        {
            StatusOk => StorageStatus.Ok,
            StatusIoErr => StorageStatus.IoError,
            StatusUnsupported => StorageStatus.Unsupported,
            _ => StorageStatus.IoError,
        };
    }

    private VirtioBlkCompletion Finish(int slot, StorageStatus status)
    {
        _state[slot] = SlotState.Done;
        InFlight--;
        return new VirtioBlkCompletion(slot, _tag[slot], status, _bytes[slot]);
    }

    // The device cannot be trusted with the queue any more: reset it, which stops its DMA to
    // the slots, so they can be handed back. Best effort: a device that does not even reset
    // is marked FAILED and the slots are still given back, which leaves memory the device may
    // write; the service should then revoke the device's DMA mapping.
    private void EnterBroken()
    {
        Broken = true;
        if (_transport.Reset(_waiter) != VirtioStatus.Ok)
        {
            _transport.Fail();
        }
    }
}

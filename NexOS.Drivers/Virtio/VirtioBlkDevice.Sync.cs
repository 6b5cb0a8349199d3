using NexOS.Storage;

namespace NexOS.Drivers.Virtio;

/// <summary>The synchronous <see cref="IBlockDevice"/>: submit, kick, wait for that request.
/// These calls must not be mixed with outstanding asynchronous requests (LimitReached then).</summary>
public sealed partial class VirtioBlkDevice
{
    /// <summary>Reads under the <see cref="IBlockDevice.Read"/> contract, in requests of at
    /// most <see cref="MaxTransferBytes"/>. IoError for a device error or a hung or hostile
    /// device; Unsupported when the device refuses the request type.</summary>
    public StorageStatus Read(ulong block, Span<byte> buffer) => Transfer(block, buffer, ReadOnlySpan<byte>.Empty, write: false);

    /// <summary>Writes under the <see cref="IBlockDevice.Write"/> contract; errors as
    /// <see cref="Read"/>, and ReadOnly on a read-only device.</summary>
    public StorageStatus Write(ulong block, ReadOnlySpan<byte> buffer)
    {
        if (ReadOnly)
        {
            return StorageStatus.ReadOnly;
        }

        return Transfer(block, Span<byte>.Empty, buffer, write: true);
    }

    /// <summary>Sends a FLUSH and waits for it; Ok at once when the device has no FLUSH
    /// feature (it writes through).</summary>
    public StorageStatus Flush()
    {
        if (!SupportsFlush)
        {
            return StorageStatus.Ok;
        }

        if (InFlight != 0)
        {
            return StorageStatus.LimitReached;
        }

        StorageStatus status = SubmitFlush(0, out int slot);
        return status == StorageStatus.Ok ? WaitFor(slot, Span<byte>.Empty) : status;
    }

    /// <summary>Reads the device's 20-byte ID string into <paramref name="id"/> (at least
    /// <see cref="IdBytes"/> long, else BadArgument).</summary>
    public StorageStatus ReadId(Span<byte> id)
    {
        if (id.Length < IdBytes)
        {
            return StorageStatus.BadArgument;
        }

        if (InFlight != 0)
        {
            return StorageStatus.LimitReached;
        }

        StorageStatus status = SubmitGetId(0, out int slot);
        return status == StorageStatus.Ok ? WaitFor(slot, id) : status;
    }

    private StorageStatus Transfer(ulong block, Span<byte> into, ReadOnlySpan<byte> from, bool write)
    {
        int length = write ? from.Length : into.Length;
        if (length % BlockSize != 0 || block >= BlockCount || (ulong)(length / BlockSize) > BlockCount - block)
        {
            return StorageStatus.BadArgument;
        }

        if (InFlight != 0)
        {
            return StorageStatus.LimitReached;
        }

        int chunkBlocks = MaxTransferBytes / BlockSize;
        int done = 0;
        while (done < length)
        {
            int blocks = Math.Min(chunkBlocks, (length - done) / BlockSize);
            int bytes = blocks * BlockSize;
            ulong at = block + (ulong)(done / BlockSize);
            StorageStatus status = write
                ? SubmitWrite(at, from.Slice(done, bytes), 0, out int slot)
                : SubmitRead(at, blocks, 0, out slot);
            if (status != StorageStatus.Ok)
            {
                return status;
            }

            status = WaitFor(slot, write ? Span<byte>.Empty : into.Slice(done, bytes));
            if (status != StorageStatus.Ok)
            {
                return status;
            }

            done += bytes;
        }

        return StorageStatus.Ok;
    }

    // Kicks the device and waits for the one request in flight; the wait is bounded by the
    // wait limit and the waiter, and a device that never answers is reset (IoError).
    private StorageStatus WaitFor(int slot, Span<byte> data)
    {
        Kick();
        for (int i = 0; i < _waitLimit; i++)
        {
            if (TryComplete(out VirtioBlkCompletion c))
            {
                StorageStatus status = c.Status;
                if (status == StorageStatus.Ok && !data.IsEmpty)
                {
                    CopyData(c.Slot, data);
                }

                Release(c.Slot);
                if (c.Slot == slot)
                {
                    return status;
                }

                continue;
            }

            if (!_waiter.Wait())
            {
                break;
            }
        }

        EnterBroken();
        while (TryComplete(out VirtioBlkCompletion c))
        {
            Release(c.Slot);
        }

        return StorageStatus.IoError;
    }
}

using NexOS.Storage;

namespace NexOS.Drivers.Virtio;

/// <summary>Transfers straight between the request slots and a sink or source
/// (<see cref="IDirectTransfer"/>): one copy fewer than Read and Write with a buffer.</summary>
public sealed partial class VirtioBlkDevice : IDirectTransfer
{
    /// <summary>Reads under the <see cref="IDirectTransfer.ReadTo"/> contract, one request of
    /// at most <see cref="MaxTransferBytes"/> at a time; each request's data goes to the sink
    /// from its slot, after the request completed and before the next one is submitted.</summary>
    public StorageStatus ReadTo(ulong block, int length, IBlockSink sink)
    {
        StorageStatus status = CheckDirect(block, length);
        for (int done = 0; status == StorageStatus.Ok && done < length;)
        {
            int bytes = Math.Min(MaxTransferBytes / BlockSize * BlockSize, length - done);
            status = SubmitRead(block + (ulong)(done / BlockSize), bytes / BlockSize, 0, out int slot);
            status = status == StorageStatus.Ok ? WaitFor(slot, Span<byte>.Empty) : status;

            // WaitFor has given the slot back, but nothing reuses it before the next submission.
            if (status == StorageStatus.Ok && !sink.Accept(done, _dma.Span.Slice(SlotBase(slot) + DataOffset, bytes)))
            {
                status = StorageStatus.BadArgument;
            }

            done += bytes;
        }

        return status;
    }

    /// <summary>Writes under the <see cref="IDirectTransfer.WriteFrom"/> contract: the source
    /// fills each request's slot, then the request goes to the device and is waited for.</summary>
    public StorageStatus WriteFrom(ulong block, int length, IBlockSource source)
    {
        StorageStatus status = ReadOnly ? StorageStatus.ReadOnly : CheckDirect(block, length);
        for (int done = 0; status == StorageStatus.Ok && done < length;)
        {
            int bytes = Math.Min(MaxTransferBytes / BlockSize * BlockSize, length - done);
            status = Submit(TypeOut, block + (ulong)(done / BlockSize), bytes / BlockSize, ReadOnlySpan<byte>.Empty, 0, out int slot, source, done);
            status = status == StorageStatus.Ok ? WaitFor(slot, Span<byte>.Empty) : status;
            done += bytes;
        }

        return status;
    }

    private StorageStatus CheckDirect(ulong block, int length)
    {
        if (length <= 0 || length % BlockSize != 0 || block >= BlockCount || (ulong)(length / BlockSize) > BlockCount - block)
        {
            return StorageStatus.BadArgument;
        }

        return InFlight != 0 ? StorageStatus.LimitReached : StorageStatus.Ok;
    }
}

using NexOS.Storage;

namespace NexOS.Drivers.Virtio;

/// <summary>Batches of reads with every slot in flight at once (<see cref="IBatchReader"/>).</summary>
public sealed partial class VirtioBlkDevice : IBatchReader
{
    /// <summary>
    /// Reads a batch under the <see cref="IBatchReader.ReadBatch"/> contract, each range one
    /// request of at most <see cref="MaxTransferBytes"/> (SubmitRead refuses a larger one, so
    /// the batch stops at its first range with BadArgument). As many requests as there are slots
    /// go to the device behind one notification; each slot that completes is refilled with
    /// the next range, so the device always has the rest of the batch queued. After a failure
    /// nothing more is submitted, the requests in flight are collected, and the first failure
    /// is returned. A device that stops answering is reset (IoError), as for a single request.
    /// LimitReached while asynchronous requests of someone else are outstanding.
    /// </summary>
    public StorageStatus ReadBatch(ReadOnlySpan<ulong> firstBlocks, Span<byte> into)
    {
        int slice = BatchReads.SliceBytes(this, firstBlocks, into.Length);
        if (slice == 0)
        {
            return StorageStatus.BadArgument;
        }

        if (InFlight != 0)
        {
            return StorageStatus.LimitReached;
        }

        int blocks = slice / BlockSize;
        int next = 0;
        StorageStatus result = StorageStatus.Ok;
        while (InFlight > 0 || (next < firstBlocks.Length && result == StorageStatus.Ok))
        {
            int submitted = 0;
            while (next < firstBlocks.Length && result == StorageStatus.Ok)
            {
                StorageStatus status = SubmitRead(firstBlocks[next], blocks, next, out _);
                if (status == StorageStatus.LimitReached && InFlight > 0)
                {
                    break;
                }

                result = status;
                next += status == StorageStatus.Ok ? 1 : 0;
                submitted += status == StorageStatus.Ok ? 1 : 0;
            }

            if (submitted > 0)
            {
                Kick();
            }

            if (InFlight > 0)
            {
                StorageStatus collected = CollectSome(into, slice);
                result = result == StorageStatus.Ok ? collected : result;
            }
        }

        return result;
    }

    // Waits for at least one request of the batch to finish and takes every finished one,
    // copying its data into its slice (the tag is the range's index). Bounded like WaitFor: a
    // device silent for the whole wait limit is reset and what it held fails with IoError.
    private StorageStatus CollectSome(Span<byte> into, int slice)
    {
        StorageStatus result = StorageStatus.Ok;
        bool any = false;
        for (int i = 0; i < _waitLimit && !any; i++)
        {
            while (TryComplete(out VirtioBlkCompletion c))
            {
                any = true;
                if (c.Status == StorageStatus.Ok)
                {
                    CopyData(c.Slot, into.Slice(c.Tag * slice, slice));
                }

                result = result == StorageStatus.Ok ? c.Status : result;
                Release(c.Slot);
            }

            if (!any && !_waiter.Wait())
            {
                break;
            }
        }

        if (any)
        {
            return result;
        }

        EnterBroken();
        while (TryComplete(out VirtioBlkCompletion c))
        {
            Release(c.Slot);
        }

        return StorageStatus.IoError;
    }
}

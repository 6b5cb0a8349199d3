namespace NexOS.Storage;

/// <summary>
/// A block device that can have several reads in flight at once (a queue depth above one), so
/// their latencies overlap instead of adding up. A caller checks for it with a type test and
/// falls back to one <see cref="IBlockDevice.Read"/> after another (<see cref="BatchReads"/>).
/// </summary>
public interface IBatchReader
{
    /// <summary>Reads <paramref name="firstBlocks"/>.Length ranges of
    /// <paramref name="into"/>.Length / firstBlocks.Length bytes each (whole blocks): range i
    /// from firstBlocks[i] into the i-th slice of <paramref name="into"/>. Every range is checked
    /// before any is read (BadArgument, nothing read); the first failure is returned, and then
    /// what the slices hold is unspecified.</summary>
    StorageStatus ReadBatch(ReadOnlySpan<ulong> firstBlocks, Span<byte> into);
}

/// <summary>Batches over any block device.</summary>
public static class BatchReads
{
    /// <summary>Checks a batch under <see cref="IBatchReader.ReadBatch"/>'s rules: at least one
    /// range, data that splits into equal slices of whole blocks, every range on the device.
    /// Returns the bytes of one slice, or 0 for a batch to refuse.</summary>
    public static int SliceBytes(IBlockDevice device, ReadOnlySpan<ulong> firstBlocks, int dataBytes)
    {
        if (firstBlocks.IsEmpty || dataBytes <= 0 || dataBytes % firstBlocks.Length != 0)
        {
            return 0;
        }

        int slice = dataBytes / firstBlocks.Length;
        if (slice % device.BlockSize != 0)
        {
            return 0;
        }

        ulong blocks = (ulong)(slice / device.BlockSize);
        foreach (ulong first in firstBlocks)
        {
            if (first >= device.BlockCount || blocks > device.BlockCount - first)
            {
                return 0;
            }
        }

        return slice;
    }

    /// <summary>Reads a batch on <paramref name="device"/>: at once when it is an
    /// <see cref="IBatchReader"/>, else one range after another.</summary>
    public static StorageStatus Read(IBlockDevice device, ReadOnlySpan<ulong> firstBlocks, Span<byte> into)
    {
        if (device is IBatchReader batch)
        {
            return batch.ReadBatch(firstBlocks, into);
        }

        int slice = SliceBytes(device, firstBlocks, into.Length);
        if (slice == 0)
        {
            return StorageStatus.BadArgument;
        }

        for (int i = 0; i < firstBlocks.Length; i++)
        {
            StorageStatus status = device.Read(firstBlocks[i], into.Slice(i * slice, slice));
            if (status != StorageStatus.Ok)
            {
                return status;
            }
        }

        return StorageStatus.Ok;
    }
}

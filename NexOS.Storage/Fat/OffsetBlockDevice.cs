namespace NexOS.Storage.Fat;

/// <summary>A window of another block device (a partition): block 0 here is
/// <c>first</c> there, and nothing outside the window can be reached.</summary>
public sealed class OffsetBlockDevice : IBlockDevice
{
    private readonly IBlockDevice _inner;
    private readonly ulong _first;
    private readonly ulong _count;

    /// <summary>A view of <paramref name="count"/> blocks of <paramref name="inner"/> from block
    /// <paramref name="first"/>. A window that does not fit on the device is cut to what does.</summary>
    public OffsetBlockDevice(IBlockDevice inner, ulong first, ulong count)
    {
        _inner = inner;
        _first = Math.Min(first, inner.BlockCount);
        _count = Math.Min(count, inner.BlockCount - _first);
    }

    /// <inheritdoc/>
    public int BlockSize => _inner.BlockSize;

    /// <inheritdoc/>
    public ulong BlockCount => _count;

    /// <inheritdoc/>
    public bool ReadOnly => _inner.ReadOnly;

    /// <inheritdoc/>
    public StorageStatus Read(ulong block, Span<byte> buffer) =>
        InRange(block, buffer.Length) ? _inner.Read(_first + block, buffer) : StorageStatus.BadArgument;

    /// <inheritdoc/>
    public StorageStatus Write(ulong block, ReadOnlySpan<byte> buffer) =>
        InRange(block, buffer.Length) ? _inner.Write(_first + block, buffer) : StorageStatus.BadArgument;

    /// <inheritdoc/>
    public StorageStatus Flush() => _inner.Flush();

    private bool InRange(ulong block, int length)
    {
        int size = BlockSize;
        if (size <= 0 || length % size != 0)
        {
            return false;
        }
        ulong blocks = (ulong)(length / size);
        return block <= _count && blocks <= _count - block;
    }
}

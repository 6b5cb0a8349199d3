using NexOS.Storage;

namespace NexOS.Tests.Storage.Fat;

/// <summary>A block device over a byte array, with an optional copy-on-write overlay so that
/// fuzz cases can change a shared base image without copying it.</summary>
internal sealed class MemoryBlockDevice : IBlockDevice
{
    private readonly byte[] _image;
    private readonly Dictionary<ulong, byte[]>? _overlay;

    public MemoryBlockDevice(byte[] image, int blockSize = 512, bool copyOnWrite = false, bool readOnly = false)
    {
        _image = image;
        BlockSize = blockSize;
        BlockCount = (ulong)(image.Length / blockSize);
        ReadOnly = readOnly;
        _overlay = copyOnWrite ? new Dictionary<ulong, byte[]>() : null;
    }

    public int BlockSize { get; }

    public ulong BlockCount { get; }

    public bool ReadOnly { get; }

    public long Reads { get; private set; }

    public long Writes { get; private set; }

    /// <summary>Read and write calls (a multi-block call counts once).</summary>
    public long Requests { get; private set; }

    public StorageStatus Read(ulong block, Span<byte> buffer)
    {
        if (!Valid(block, buffer.Length))
        {
            return StorageStatus.BadArgument;
        }
        Requests++;
        for (int i = 0; i < buffer.Length / BlockSize; i++)
        {
            Block(block + (ulong)i).CopyTo(buffer.Slice(i * BlockSize, BlockSize));
            Reads++;
        }
        return StorageStatus.Ok;
    }

    public StorageStatus Write(ulong block, ReadOnlySpan<byte> buffer)
    {
        if (!Valid(block, buffer.Length))
        {
            return StorageStatus.BadArgument;
        }
        if (ReadOnly)
        {
            return StorageStatus.ReadOnly;
        }
        Requests++;
        for (int i = 0; i < buffer.Length / BlockSize; i++)
        {
            buffer.Slice(i * BlockSize, BlockSize).CopyTo(WritableBlock(block + (ulong)i));
            Writes++;
        }
        return StorageStatus.Ok;
    }

    public StorageStatus Flush() => StorageStatus.Ok;

    /// <summary>Changes one byte as a hostile disk would (through the overlay when there is one).</summary>
    public void Poke(long offset, byte value) => WritableBlock((ulong)(offset / BlockSize))[(int)(offset % BlockSize)] = value;

    public byte Peek(long offset) => Block((ulong)(offset / BlockSize))[(int)(offset % BlockSize)];

    private Span<byte> Block(ulong block) =>
        _overlay != null && _overlay.TryGetValue(block, out byte[]? copy) ? copy : _image.AsSpan((int)block * BlockSize, BlockSize);

    private Span<byte> WritableBlock(ulong block)
    {
        if (_overlay == null)
        {
            return _image.AsSpan((int)block * BlockSize, BlockSize);
        }
        if (!_overlay.TryGetValue(block, out byte[]? copy))
        {
            copy = _image.AsSpan((int)block * BlockSize, BlockSize).ToArray();
            _overlay[block] = copy;
        }
        return copy;
    }

    private bool Valid(ulong block, int length) =>
        length % BlockSize == 0 && block <= BlockCount && (ulong)(length / BlockSize) <= BlockCount - block;
}

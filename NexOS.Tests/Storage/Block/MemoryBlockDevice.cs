using NexOS.Storage;
using NexOS.Storage.Block;

namespace NexOS.Tests.Storage.Block;

/// <summary>An in-memory disk with a volatile write cache (writes are durable only after
/// Flush; <see cref="Crash"/> throws the rest away) and fault injection.</summary>
internal sealed class MemoryBlockDevice : IBlockDevice
{
    private readonly byte[] _durable;
    private readonly byte[] _current;

    public MemoryBlockDevice(int blockSize, ulong blocks)
    {
        BlockSize = blockSize;
        BlockCount = blocks;
        _durable = new byte[blockSize * (int)blocks];
        _current = new byte[_durable.Length];
    }

    public int BlockSize { get; }

    public ulong BlockCount { get; }

    public bool ReadOnly { get; set; }

    public int Reads { get; private set; }

    public int Writes { get; private set; }

    public int Flushes { get; private set; }

    public List<(bool Write, ulong Block, int Count)> Log { get; } = new();

    /// <summary>Blocks whose reads fail with IoError.</summary>
    public HashSet<ulong> FailReads { get; } = new();

    /// <summary>Blocks whose writes fail with IoError.</summary>
    public HashSet<ulong> FailWrites { get; } = new();

    public bool FailFlush { get; set; }

    public byte[] Current => _current;

    public byte[] Durable => _durable;

    public StorageStatus Read(ulong block, Span<byte> buffer)
    {
        if (!InRange(block, buffer.Length))
        {
            return StorageStatus.BadArgument;
        }

        int count = buffer.Length / BlockSize;
        for (int i = 0; i < count; i++)
        {
            if (FailReads.Contains(block + (ulong)i))
            {
                return StorageStatus.IoError;
            }
        }

        Reads++;
        Log.Add((false, block, count));
        _current.AsSpan((int)block * BlockSize, buffer.Length).CopyTo(buffer);
        return StorageStatus.Ok;
    }

    public StorageStatus Write(ulong block, ReadOnlySpan<byte> buffer)
    {
        if (!InRange(block, buffer.Length))
        {
            return StorageStatus.BadArgument;
        }

        if (ReadOnly)
        {
            return StorageStatus.ReadOnly;
        }

        int count = buffer.Length / BlockSize;
        for (int i = 0; i < count; i++)
        {
            if (FailWrites.Contains(block + (ulong)i))
            {
                return StorageStatus.IoError;
            }
        }

        Writes++;
        Log.Add((true, block, count));
        buffer.CopyTo(_current.AsSpan((int)block * BlockSize));
        return StorageStatus.Ok;
    }

    public StorageStatus Flush()
    {
        if (FailFlush)
        {
            return StorageStatus.IoError;
        }

        Flushes++;
        _current.CopyTo(_durable, 0);
        return StorageStatus.Ok;
    }

    /// <summary>Power loss: whatever was not flushed reverts to the durable contents.</summary>
    public void Crash() => _durable.CopyTo(_current, 0);

    private bool InRange(ulong block, int length) =>
        length % BlockSize == 0 && block < BlockCount && (ulong)(length / BlockSize) <= BlockCount - block;
}

/// <summary>A clock the test moves.</summary>
internal sealed class ManualClock : IClock
{
    public ulong NowNanoseconds { get; set; }
}

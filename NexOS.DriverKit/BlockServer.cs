using NexOS.Abi;
using NexOS.Storage;
using NexOS.UserLib;

namespace NexOS.DriverKit;

/// <summary>
/// Serves the block protocol (NexOS.Abi.BlockProtocol) for one disk: every disk driver runs
/// this loop over its <see cref="IBlockDevice"/>. A request is checked whole before the device
/// is touched (a grant of a whole number of blocks, inside the disk, at most one transfer),
/// and data moves between the caller's grant and one buffer of the server's, or, for a device
/// that transfers directly (<see cref="IDirectTransfer"/>), straight between the device's DMA
/// buffers and the grant. A batch of reads
/// (ReadBatch) goes to the device at once when it can keep several in flight
/// (<see cref="IBatchReader"/>), else one read after another. Counters say what it served.
/// </summary>
public sealed class BlockServer
{
    private static readonly GrantBridge s_grant = new();
    private readonly IBlockDevice _device;
    private readonly int _endpoint;
    private readonly int _maxTransfer;
    private readonly BlockProtocol.Flags _flags;
    private readonly byte[] _buffer;
    private readonly ulong[] _batchBlocks = new ulong[BlockProtocol.MaxBatch];
    private byte[]? _batchBuffer;

    /// <summary>Serves <paramref name="device"/> on the endpoint in <paramref name="endpoint"/>;
    /// <paramref name="maxTransfer"/> is the most bytes the device moves in one request
    /// (clipped to the protocol's).</summary>
    public BlockServer(IBlockDevice device, int endpoint, int maxTransfer, bool volatileCache)
    {
        _device = device;
        _endpoint = endpoint;
        _maxTransfer = Math.Min(BlockProtocol.MaxTransfer, maxTransfer) / device.BlockSize * device.BlockSize;
        _flags = (device.ReadOnly ? BlockProtocol.Flags.ReadOnly : 0) | (volatileCache ? BlockProtocol.Flags.VolatileCache : 0);
        _buffer = new byte[_maxTransfer];
    }

    /// <summary>Requests answered, and those answered with an error.</summary>
    public ulong Served { get; private set; }

    /// <inheritdoc cref="Served"/>
    public ulong Failed { get; private set; }

    /// <summary>Serves until receiving fails; returns that status.</summary>
    public SyscallStatus Run()
    {
        SyscallStatus status = Ipc.Receive(_endpoint, out Message request, out _);
        while (status == SyscallStatus.Ok)
        {
            Message answer = Answer(in request);
            Served++;
            Failed += answer.Label != 0 ? 1UL : 0;
            status = Ipc.ReplyReceive(_endpoint, ref answer, out _);
            if (status != SyscallStatus.Ok)
            {
                // A one-way message has no reply capability to answer: drop it and go on.
                status = Ipc.Receive(_endpoint, out answer, out _);
            }

            request = answer;
        }

        return status;
    }

    private Message Answer(in Message request)
    {
        int granted = Ipc.GrantedLength(in request);
        return (request.Label & ~UserAbi.GrantFlag) switch
        {
            BlockProtocol.Info => new Message { W0 = (ulong)_device.BlockSize, W1 = _device.BlockCount, W2 = (ulong)_flags, W3 = (ulong)_maxTransfer },
            BlockProtocol.Read => Transfer(request.W0, granted, write: false),
            BlockProtocol.Write => Transfer(request.W0, granted, write: true),
            BlockProtocol.Flush => Status(_device.Flush()),
            BlockProtocol.ReadBatch => Batch(request.W0, request.W1, granted),
            _ => Status(StorageStatus.BadArgument),
        };
    }

    private Message Transfer(ulong block, int length, bool write)
    {
        if (length == 0 || length > _maxTransfer || length % _device.BlockSize != 0)
        {
            return Status(StorageStatus.BadArgument);
        }

        ulong blocks = (ulong)(length / _device.BlockSize);
        if (block >= _device.BlockCount || blocks > _device.BlockCount - block)
        {
            return Status(StorageStatus.BadArgument);
        }

        if (_device is IDirectTransfer direct)
        {
            StorageStatus moved = write ? direct.WriteFrom(block, length, s_grant) : direct.ReadTo(block, length, s_grant);
            return moved == StorageStatus.Ok ? new Message { W0 = (ulong)length } : Status(moved);
        }

        Span<byte> data = _buffer.AsSpan(0, length);
        if (write)
        {
            if (Ipc.ReadGrant(0, data) != SyscallStatus.Ok)
            {
                return Status(StorageStatus.BadArgument);
            }

            StorageStatus written = _device.Write(block, data);
            return written == StorageStatus.Ok ? new Message { W0 = (ulong)length } : Status(written);
        }

        StorageStatus read = _device.Read(block, data);
        if (read != StorageStatus.Ok)
        {
            return Status(read);
        }

        return Ipc.WriteGrant(0, data) == SyscallStatus.Ok ? new Message { W0 = (ulong)length } : Status(StorageStatus.BadArgument);
    }

    // A batch: W0 reads of W1 bytes, their first blocks at the start of a read-write grant
    // and their data after BatchDataOffset. Everything is checked before the device is asked.
    private Message Batch(ulong count, ulong sliceBytes, int granted)
    {
        if (count == 0 || count > BlockProtocol.MaxBatch || sliceBytes == 0 || sliceBytes > (ulong)_maxTransfer
            || count * sliceBytes > BlockProtocol.MaxBatchBytes)
        {
            return Status(StorageStatus.BadArgument);
        }

        int n = (int)count;
        int dataBytes = n * (int)sliceBytes;
        if (granted < BlockProtocol.BatchDataOffset + dataBytes)
        {
            return Status(StorageStatus.BadArgument);
        }

        Span<byte> list = stackalloc byte[BlockProtocol.BatchDataOffset];
        if (Ipc.ReadGrant(0, list[..(n * sizeof(ulong))]) != SyscallStatus.Ok)
        {
            return Status(StorageStatus.BadArgument);
        }

        Span<ulong> firsts = _batchBlocks.AsSpan(0, n);
        for (int i = 0; i < n; i++)
        {
            firsts[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(list.Slice(i * sizeof(ulong)));
        }

        _batchBuffer ??= new byte[BlockProtocol.MaxBatchBytes];
        Span<byte> data = _batchBuffer.AsSpan(0, dataBytes);
        if (BatchReads.SliceBytes(_device, firsts, dataBytes) == 0)
        {
            return Status(StorageStatus.BadArgument);
        }

        StorageStatus read = BatchReads.Read(_device, firsts, data);
        if (read != StorageStatus.Ok)
        {
            return Status(read);
        }

        return Ipc.WriteGrant(BlockProtocol.BatchDataOffset, data) == SyscallStatus.Ok ? new Message { W0 = (ulong)dataBytes } : Status(StorageStatus.BadArgument);
    }

    private static Message Status(StorageStatus status) => new() { Label = (ulong)status };

    /// <summary>The grant of the call being served as a sink and a source: a device that
    /// transfers directly (<see cref="IDirectTransfer"/>) copies between its DMA buffers and
    /// the caller's memory through the kernel, with no buffer of the server's in between.</summary>
    private sealed class GrantBridge : IBlockSink, IBlockSource
    {
        public bool Accept(int offset, ReadOnlySpan<byte> data) => Ipc.WriteGrant((ulong)offset, data) == SyscallStatus.Ok;

        public bool Fill(int offset, Span<byte> data) => Ipc.ReadGrant((ulong)offset, data) == SyscallStatus.Ok;
    }
}

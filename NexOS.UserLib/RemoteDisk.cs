using NexOS.Abi;
using NexOS.Storage;

namespace NexOS.UserLib;

/// <summary>
/// A disk served by a driver process, as an <see cref="IBlockDevice"/>: each Read or Write is
/// one or more calls of the block protocol (NexOS.Abi.BlockProtocol) lending the driver the
/// caller's buffer, and a batch of reads is one ReadBatch call, which the driver may keep in
/// flight together. A driver that dies mid-call makes the call fail with IoError; the next
/// call reaches the driver the device manager started in its place. The endpoint capability
/// needs the Grant right.
/// </summary>
public sealed class RemoteDisk : IBlockDevice, IBatchReader
{
    private readonly int _endpoint;
    private readonly int _maxTransfer;
    private byte[]? _batch;

    private RemoteDisk(int endpoint, int blockSize, ulong blocks, BlockProtocol.Flags flags, int maxTransfer)
    {
        _endpoint = endpoint;
        BlockSize = blockSize;
        BlockCount = blocks;
        ReadOnly = (flags & BlockProtocol.Flags.ReadOnly) != 0;
        _maxTransfer = maxTransfer;
    }

    /// <inheritdoc/>
    public int BlockSize { get; }

    /// <inheritdoc/>
    public ulong BlockCount { get; }

    /// <inheritdoc/>
    public bool ReadOnly { get; }

    /// <summary>Asks the driver behind <paramref name="endpoint"/> what the disk is; null with
    /// a reason when the answer is unusable.</summary>
    public static RemoteDisk? Connect(int endpoint, out string reason)
    {
        var info = new Message { Label = BlockProtocol.Info };
        SyscallStatus status = Ipc.Call(endpoint, ref info);
        int blockSize = (int)info.W0;
        int max = (int)Math.Min(info.W3, BlockProtocol.MaxTransfer);
        reason = status != SyscallStatus.Ok ? $"the disk driver did not answer (status {(int)status})"
            : info.Label != 0 ? $"the disk driver refused ({(StorageStatus)info.Label})"
            : (blockSize != 512 && blockSize != 4096) || info.W1 == 0 || max < blockSize ? "the disk driver's answer is not a usable disk"
            : "";
        return reason.Length == 0 ? new RemoteDisk(endpoint, blockSize, info.W1, (BlockProtocol.Flags)info.W2, max / blockSize * blockSize) : null;
    }

    /// <inheritdoc/>
    public StorageStatus Read(ulong block, Span<byte> buffer) => Transfer(block, buffer, write: false);

    /// <inheritdoc/>
    public StorageStatus Write(ulong block, ReadOnlySpan<byte> buffer)
    {
        // The grant only reads the buffer on a write; the span is not changed.
        Span<byte> data = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(buffer), buffer.Length);
        return ReadOnly ? StorageStatus.ReadOnly : Transfer(block, data, write: true);
    }

    /// <inheritdoc/>
    public StorageStatus Flush()
    {
        var request = new Message { Label = BlockProtocol.Flush };
        SyscallStatus status = Ipc.Call(_endpoint, ref request);
        return status != SyscallStatus.Ok ? StorageStatus.IoError : (StorageStatus)request.Label;
    }

    /// <summary>Reads the batch under the <see cref="IBatchReader.ReadBatch"/> contract, up to
    /// <see cref="BlockProtocol.MaxBatch"/> ranges and <see cref="BlockProtocol.MaxBatchBytes"/>
    /// per call (a larger batch is split), each range at most one transfer.</summary>
    public StorageStatus ReadBatch(ReadOnlySpan<ulong> firstBlocks, Span<byte> into)
    {
        int slice = BatchReads.SliceBytes(this, firstBlocks, into.Length);
        if (slice == 0 || slice > _maxTransfer)
        {
            return StorageStatus.BadArgument;
        }

        _batch ??= new byte[BlockProtocol.BatchDataOffset + BlockProtocol.MaxBatchBytes];
        int perCall = Math.Min(BlockProtocol.MaxBatch, BlockProtocol.MaxBatchBytes / slice);
        for (int done = 0; done < firstBlocks.Length;)
        {
            int n = Math.Min(perCall, firstBlocks.Length - done);
            for (int i = 0; i < n; i++)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(_batch.AsSpan(i * sizeof(ulong)), firstBlocks[done + i]);
            }

            int bytes = n * slice;
            var request = new Message { Label = BlockProtocol.ReadBatch, W0 = (ulong)n, W1 = (ulong)slice };
            SyscallStatus status = Ipc.CallGranting(_endpoint, ref request, _batch.AsSpan(0, BlockProtocol.BatchDataOffset + bytes), GrantAccess.ReadWrite);
            if (status != SyscallStatus.Ok || request.Label != 0 || request.W0 != (ulong)bytes)
            {
                return status != SyscallStatus.Ok ? StorageStatus.IoError : request.Label != 0 ? (StorageStatus)request.Label : StorageStatus.IoError;
            }

            _batch.AsSpan(BlockProtocol.BatchDataOffset, bytes).CopyTo(into.Slice(done * slice, bytes));
            done += n;
        }

        return StorageStatus.Ok;
    }

    private StorageStatus Transfer(ulong block, Span<byte> buffer, bool write)
    {
        if (buffer.Length % BlockSize != 0 || block >= BlockCount || (ulong)(buffer.Length / BlockSize) > BlockCount - block)
        {
            return StorageStatus.BadArgument;
        }

        for (int done = 0; done < buffer.Length;)
        {
            int length = Math.Min(_maxTransfer, buffer.Length - done);
            var request = new Message { Label = write ? BlockProtocol.Write : BlockProtocol.Read, W0 = block + (ulong)(done / BlockSize) };
            SyscallStatus status = Ipc.CallGranting(_endpoint, ref request, buffer.Slice(done, length), write ? GrantAccess.Read : GrantAccess.Write);
            if (status != SyscallStatus.Ok)
            {
                return StorageStatus.IoError;
            }

            if (request.Label != 0 || request.W0 != (ulong)length)
            {
                return request.Label != 0 ? (StorageStatus)request.Label : StorageStatus.IoError;
            }

            done += length;
        }

        return StorageStatus.Ok;
    }
}

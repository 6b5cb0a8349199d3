using System.IO;
using Microsoft.Win32.SafeHandles;
using NexOS.Storage;

namespace NexOS.Tests.Storage.Fat;

/// <summary>A block device over a host image file (tests only: it uses host file APIs).</summary>
internal sealed class FileBlockDevice : IBlockDevice, IDisposable
{
    private readonly SafeFileHandle _file;

    public FileBlockDevice(string path, int blockSize = 512)
    {
        _file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
        BlockSize = blockSize;
        BlockCount = (ulong)(RandomAccess.GetLength(_file) / blockSize);
    }

    public int BlockSize { get; }

    public ulong BlockCount { get; }

    public bool ReadOnly => false;

    public StorageStatus Read(ulong block, Span<byte> buffer)
    {
        if (!Valid(block, buffer.Length))
        {
            return StorageStatus.BadArgument;
        }
        return RandomAccess.Read(_file, buffer, (long)block * BlockSize) == buffer.Length ? StorageStatus.Ok : StorageStatus.IoError;
    }

    public StorageStatus Write(ulong block, ReadOnlySpan<byte> buffer)
    {
        if (!Valid(block, buffer.Length))
        {
            return StorageStatus.BadArgument;
        }
        RandomAccess.Write(_file, buffer, (long)block * BlockSize);
        return StorageStatus.Ok;
    }

    public StorageStatus Flush()
    {
        RandomAccess.FlushToDisk(_file);
        return StorageStatus.Ok;
    }

    public void Dispose() => _file.Dispose();

    private bool Valid(ulong block, int length) =>
        length % BlockSize == 0 && block <= BlockCount && (ulong)(length / BlockSize) <= BlockCount - block;
}

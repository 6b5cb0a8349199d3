using NexOS.Storage;
using NexOS.Storage.Block;

namespace NexOS.Tests.Storage.Block;

[TestFixture]
public sealed class BlockCacheTests
{
    private const int Bs = 512;

    private static byte[] Fill(byte value, int blocks = 1)
    {
        byte[] b = new byte[blocks * Bs];
        Array.Fill(b, value);
        return b;
    }

    [Test]
    public void EvictionWritesDirtyBlocksBackAndTheyReadBackCorrectly()
    {
        var disk = new MemoryBlockDevice(Bs, 32);
        var cache = new BlockCache(disk, 4, 0);
        for (byte i = 0; i < 6; i++)
        {
            Assert.That(cache.Write(i, Fill((byte)(i + 1))), Is.EqualTo(StorageStatus.Ok));
        }

        Assert.That(cache.DirtyBlocks, Is.EqualTo(4));
        Assert.That(disk.Writes, Is.EqualTo(2), "the two least recently used blocks were written back");
        Assert.That(disk.Current[0], Is.EqualTo(1));
        Assert.That(disk.Current[Bs], Is.EqualTo(2));
        Assert.That(disk.Current[2 * Bs], Is.Zero, "block 2 is still only in the cache");
        byte[] back = new byte[Bs];
        for (byte i = 0; i < 6; i++)
        {
            Assert.That(cache.Read(i, back), Is.EqualTo(StorageStatus.Ok));
            Assert.That(back[0], Is.EqualTo(i + 1));
        }
    }

    [Test]
    public void FlushWritesDirtyBlocksBeforeFlushingTheDevice()
    {
        var disk = new MemoryBlockDevice(Bs, 32);
        var cache = new BlockCache(disk, 16, 0);
        cache.Write(7, Fill(7));
        cache.Write(5, Fill(5));
        cache.Write(6, Fill(6));
        Assert.That(disk.Writes, Is.Zero);
        Assert.That(cache.Flush(), Is.EqualTo(StorageStatus.Ok));
        Assert.That(disk.Log, Is.EqualTo(new[] { (true, 5UL, 3) }), "one merged write of the run 5-7");
        Assert.That(disk.Flushes, Is.EqualTo(1));
        Assert.That(disk.Durable[5 * Bs], Is.EqualTo(5));
        Assert.That(disk.Durable[7 * Bs], Is.EqualTo(7));
        Assert.That(cache.DirtyBlocks, Is.Zero);
    }

    [Test]
    public void FailedWriteBackKeepsBlocksDirtySkipsDeviceFlushAndRetries()
    {
        var disk = new MemoryBlockDevice(Bs, 32);
        var cache = new BlockCache(disk, 16, 0);
        cache.Write(3, Fill(3));
        cache.Write(9, Fill(9));
        disk.FailWrites.Add(9);
        Assert.That(cache.Flush(), Is.EqualTo(StorageStatus.IoError));
        Assert.That(disk.Flushes, Is.Zero, "the device is not flushed after a failed write-back");
        Assert.That(cache.IsDirty(9), Is.True);
        Assert.That(cache.IsDirty(3), Is.False);
        disk.FailWrites.Clear();
        Assert.That(cache.Flush(), Is.EqualTo(StorageStatus.Ok));
        Assert.That(disk.Durable[9 * Bs], Is.EqualTo(9));
    }

    [Test]
    public void FailedWriteBackThroughTheSchedulerKeepsBlocksDirty()
    {
        var disk = new MemoryBlockDevice(Bs, 32);
        var cache = new BlockCache(new IoScheduler(disk, new FifoIoPolicy(), new ManualClock()), 16, 0);
        cache.Write(3, Fill(3));
        cache.Write(9, Fill(9));
        disk.FailWrites.Add(3);
        Assert.That(cache.Flush(), Is.EqualTo(StorageStatus.IoError));
        Assert.That(cache.IsDirty(3), Is.True);
        Assert.That(cache.IsDirty(9), Is.False);
    }

    [Test]
    public void DeviceFlushErrorIsReturned()
    {
        var disk = new MemoryBlockDevice(Bs, 32) { FailFlush = true };
        var cache = new BlockCache(disk, 16, 0);
        cache.Write(1, Fill(1));
        Assert.That(cache.Flush(), Is.EqualTo(StorageStatus.IoError));
    }

    [Test]
    public void EvictionFailureIsAnErrorAndTheDirtyBlockSurvives()
    {
        var disk = new MemoryBlockDevice(Bs, 32);
        var cache = new BlockCache(disk, 4, 0);
        for (byte i = 0; i < 4; i++)
        {
            cache.Write(i, Fill((byte)(i + 10)));
        }

        disk.FailWrites.Add(0);
        Assert.That(cache.Write(20, Fill(1)), Is.EqualTo(StorageStatus.IoError));
        Assert.That(cache.Read(21, new byte[Bs]), Is.EqualTo(StorageStatus.IoError));
        Assert.That(cache.IsDirty(0), Is.True);
        disk.FailWrites.Clear();
        byte[] back = new byte[Bs];
        Assert.That(cache.Read(0, back), Is.EqualTo(StorageStatus.Ok));
        Assert.That(back[0], Is.EqualTo(10));
    }

    [Test]
    public void ReadErrorsArePropagated()
    {
        var disk = new MemoryBlockDevice(Bs, 256);
        disk.FailReads.Add(4);
        disk.FailReads.Add(100);
        var cache = new BlockCache(disk, 16, 2);
        Assert.That(cache.Read(4, new byte[Bs]), Is.EqualTo(StorageStatus.IoError));
        Assert.That(cache.Contains(4), Is.False);
        Assert.That(cache.Read(90, new byte[20 * Bs]), Is.EqualTo(StorageStatus.IoError), "bypass path");
    }

    [Test]
    public void BadArgumentsAndReadOnly()
    {
        var disk = new MemoryBlockDevice(Bs, 32);
        var cache = new BlockCache(disk, 8);
        Assert.Multiple(() =>
        {
            Assert.That(cache.Read(0, new byte[Bs + 1]), Is.EqualTo(StorageStatus.BadArgument));
            Assert.That(cache.Read(32, new byte[Bs]), Is.EqualTo(StorageStatus.BadArgument));
            Assert.That(cache.Read(31, new byte[2 * Bs]), Is.EqualTo(StorageStatus.BadArgument));
            Assert.That(cache.Write(ulong.MaxValue, new byte[Bs]), Is.EqualTo(StorageStatus.BadArgument));
            Assert.That(cache.Write(30, new byte[3 * Bs]), Is.EqualTo(StorageStatus.BadArgument));
        });
        disk.ReadOnly = true;
        Assert.That(cache.Write(0, new byte[Bs]), Is.EqualTo(StorageStatus.ReadOnly));
        Assert.That(cache.DirtyBlocks, Is.Zero);
    }

    [Test]
    public void SequentialReadsReadAheadInOneDeviceCall()
    {
        var disk = new MemoryBlockDevice(Bs, 256);
        var cache = new BlockCache(disk, 32, readAheadBlocks: 7);
        byte[] one = new byte[Bs];
        for (ulong b = 0; b < 16; b++)
        {
            Assert.That(cache.Read(b, one), Is.EqualTo(StorageStatus.Ok));
        }

        // The first read is not known to be sequential; every later miss fetches 1 + 7.
        Assert.That(disk.Reads, Is.EqualTo(3));
        Assert.That(disk.Log[1], Is.EqualTo((false, 1UL, 8)));
    }

    [Test]
    public void RandomReadsDoNotReadAhead()
    {
        var disk = new MemoryBlockDevice(Bs, 256);
        var cache = new BlockCache(disk, 32, readAheadBlocks: 7);
        cache.Read(10, new byte[Bs]);
        cache.Read(50, new byte[Bs]);
        Assert.That(disk.Log, Is.EqualTo(new[] { (false, 10UL, 1), (false, 50UL, 1) }));
    }

    [Test]
    public void LargeTransfersBypassTheCacheButSeeAndUpdateCachedBlocks()
    {
        var disk = new MemoryBlockDevice(Bs, 256);
        var cache = new BlockCache(disk, 16, 0);
        Assert.That(cache.BypassBlocks, Is.EqualTo(8));
        cache.Write(12, Fill(0x12));
        byte[] big = new byte[10 * Bs];
        Assert.That(cache.Read(10, big), Is.EqualTo(StorageStatus.Ok));
        Assert.That(big[2 * Bs], Is.EqualTo(0x12), "the dirty cached block wins over the device");
        Assert.That(cache.CachedBlocks, Is.EqualTo(1), "a bypass read caches nothing");
        Assert.That(cache.Write(10, Fill(0x77, 10)), Is.EqualTo(StorageStatus.Ok));
        Assert.That(cache.IsDirty(12), Is.False, "the cached copy now matches the device");
        byte[] one = new byte[Bs];
        cache.Read(12, one);
        Assert.That(one[0], Is.EqualTo(0x77));
    }
}

using NexOS.Core.Metrics;
using NexOS.Storage;
using NexOS.Storage.Block;

namespace NexOS.Tests.Storage.Block;

[TestFixture]
public sealed class BlockCacheModelTests
{
    private const int Bs = 512;
    private const int Blocks = 256;

    public enum Stack
    {
        Direct,
        Fifo,
        Deadline,
    }

    private static IBlockDevice Under(MemoryBlockDevice disk, Stack stack, BlockMetrics? metrics = null) => stack switch
    {
        Stack.Fifo => new IoScheduler(disk, new FifoIoPolicy(), new ManualClock(), 16, metrics),
        Stack.Deadline => new IoScheduler(disk, new DeadlineIoPolicy(), new ManualClock(), 16, metrics),
        _ => disk,
    };

    [Test]
    public void RandomOperationsMatchAPlainArray([Values(1, 2, 3)] int seed, [Values] Stack stack)
    {
        var rng = new Random(seed);
        var disk = new MemoryBlockDevice(Bs, Blocks);
        var cache = new BlockCache(Under(disk, stack), 24, readAheadBlocks: 4);
        byte[] model = new byte[Bs * Blocks];
        byte[] flushed = new byte[model.Length];
        for (int op = 0; op < 3000; op++)
        {
            int kind = rng.Next(100);
            int count = rng.Next(8) == 0 ? rng.Next(12, 40) : rng.Next(1, 5);
            ulong block = (ulong)rng.Next(Blocks - count + 1);
            if (rng.Next(4) == 0)
            {
                // Favour sequential runs so read-ahead is exercised.
                block = (ulong)((op * 3) % (Blocks - count));
            }

            byte[] buffer = new byte[count * Bs];
            if (kind < 45)
            {
                Assert.That(cache.Read(block, buffer), Is.EqualTo(StorageStatus.Ok));
                Assert.That(buffer.AsSpan().SequenceEqual(model.AsSpan((int)block * Bs, buffer.Length)), Is.True, $"op {op}: read {block}+{count}");
            }
            else if (kind < 95)
            {
                rng.NextBytes(buffer);
                Assert.That(cache.Write(block, buffer), Is.EqualTo(StorageStatus.Ok));
                buffer.CopyTo(model, (int)block * Bs);
            }
            else
            {
                Assert.That(cache.Flush(), Is.EqualTo(StorageStatus.Ok));
                Assert.That(cache.DirtyBlocks, Is.Zero);
                Assert.That(disk.Durable.AsSpan().SequenceEqual(model), Is.True, $"op {op}: flushed data is durable");
                model.CopyTo(flushed, 0);
            }

            Assert.That(cache.CachedBlocks, Is.LessThanOrEqualTo(cache.Capacity));
        }

        // A crash now keeps exactly what the last flush made durable.
        disk.Crash();
        Assert.That(disk.Current.AsSpan().SequenceEqual(flushed), Is.True);
    }

    [Test]
    public void CrashKeepsEveryFlushedWriteAndOnlyThose([Range(10, 29)] int seed)
    {
        var rng = new Random(seed);
        var disk = new MemoryBlockDevice(Bs, 64);
        var cache = new BlockCache(new IoScheduler(disk, new DeadlineIoPolicy(), new ManualClock()), 8);
        byte[] model = new byte[Bs * 64];
        byte[] atFlush = new byte[model.Length];
        int ops = rng.Next(50, 400);
        for (int op = 0; op < ops; op++)
        {
            ulong block = (ulong)rng.Next(64);
            byte[] data = new byte[Bs];
            rng.NextBytes(data);
            Assert.That(cache.Write(block, data), Is.EqualTo(StorageStatus.Ok));
            data.CopyTo(model, (int)block * Bs);
            if (rng.Next(20) == 0)
            {
                Assert.That(cache.Flush(), Is.EqualTo(StorageStatus.Ok));
                model.CopyTo(atFlush, 0);
            }
        }

        int lost = cache.DiscardAll();
        Assert.That(cache.DirtyBlocks, Is.Zero);
        Assert.That(lost, Is.LessThanOrEqualTo(8));
        disk.Crash();
        Assert.That(disk.Current.AsSpan().SequenceEqual(atFlush), Is.True);
    }

    [Test]
    public void MetricsCountHitsMissesAndBytes()
    {
        var registry = new MetricsRegistry();
        var metrics = new BlockMetrics(registry, "blk0");
        var disk = new MemoryBlockDevice(Bs, 64);
        var cache = new BlockCache(new IoScheduler(disk, new DeadlineIoPolicy(), new ManualClock(), 16, metrics), 16, 0, metrics);
        byte[] one = new byte[Bs];
        Assert.That(cache.Read(3, one), Is.EqualTo(StorageStatus.Ok));
        Assert.That(cache.Read(3, one), Is.EqualTo(StorageStatus.Ok));
        Assert.That(cache.Read(3, one), Is.EqualTo(StorageStatus.Ok));
        Assert.Multiple(() =>
        {
            Assert.That(metrics.CacheMisses.Value, Is.EqualTo(1));
            Assert.That(metrics.CacheHits.Value, Is.EqualTo(2));
            Assert.That(metrics.HitRatioPercent, Is.EqualTo(200.0 / 3).Within(0.01));
            Assert.That(metrics.BytesRead.Value, Is.EqualTo(Bs));
            Assert.That(registry.Find("blk0.queue_depth"), Is.SameAs(metrics.QueueDepth));
        });
    }
}

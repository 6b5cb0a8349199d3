using NexOS.Core.Metrics;
using NexOS.Drivers.Virtio;
using NexOS.Storage;
using NexOS.Storage.Block;
using NexOS.Tests.Drivers.Virtio;

namespace NexOS.Tests.Storage.Block;

/// <summary>The per-request paths of the block layer and the virtio-blk driver allocate
/// nothing once warmed up.</summary>
[TestFixture]
[NonParallelizable]
public sealed class BlockAllocationTests
{
    [Test]
    public void CacheSchedulerAndFlushPathsDoNotAllocate()
    {
        var metrics = new BlockMetrics(new MetricsRegistry(), "alloc");
        var disk = new MemoryBlockDevice(512, 512);
        var cache = new BlockCache(new IoScheduler(disk, new DeadlineIoPolicy(), new ManualClock(), 64, metrics), 64, 4, metrics);
        byte[] one = new byte[512];
        byte[] big = new byte[40 * 512];
        void Work()
        {
            for (ulong b = 0; b < 200; b++)
            {
                cache.Write(b % 100, one);
                cache.Read((b * 7) % 300, one);
            }

            cache.Read(10, big);
            cache.Write(200, big);
            cache.Flush();
        }

        Work();
        disk.Log.Clear();
        disk.Log.Capacity = 10_000;
        Assert.That(AllocationMeter.Measure(Work), Is.Zero);
    }

    [Test]
    public void VirtioRequestsDoNotAllocate()
    {
        (_, VirtioBlkDevice dev) = VirtioTestRig.CreateOk();
        byte[] data = new byte[24 * 512];
        void Work()
        {
            for (ulong b = 0; b < 50; b++)
            {
                dev.Write(b * 3, data);
                dev.Read(b * 3, data);
            }

            dev.Flush();
        }

        Work();
        Assert.That(AllocationMeter.Measure(Work), Is.Zero);
    }
}

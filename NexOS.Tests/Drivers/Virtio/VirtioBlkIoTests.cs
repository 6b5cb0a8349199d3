using System.Linq;
using NexOS.Drivers.Virtio;
using NexOS.Storage;
using NexOS.Storage.Block;

namespace NexOS.Tests.Drivers.Virtio;

[TestFixture]
public sealed class VirtioBlkIoTests
{
    [Test]
    public void WritesAndReadsRoundTripIncludingMultiRequestTransfers()
    {
        (FakeVirtioBlk fake, VirtioBlkDevice dev) = VirtioTestRig.CreateOk();
        var rng = new Random(3);
        byte[] data = new byte[40 * 512];
        rng.NextBytes(data);
        Assert.That(dev.Write(100, data), Is.EqualTo(StorageStatus.Ok));
        Assert.That(fake.Disk.AsSpan(100 * 512, data.Length).SequenceEqual(data), Is.True);
        Assert.That(fake.Processed, Is.EqualTo(3), "8 KiB slots: 16 + 16 + 8 blocks");
        byte[] back = new byte[data.Length];
        Assert.That(dev.Read(100, back), Is.EqualTo(StorageStatus.Ok));
        Assert.That(back.AsSpan().SequenceEqual(data), Is.True);
        Assert.That(dev.InFlight, Is.Zero);
        Assert.That(dev.Queue.FreeCount, Is.EqualTo(dev.Queue.Size));
    }

    [Test]
    public void BadArgumentsAreRefusedWithoutTouchingTheDevice()
    {
        (FakeVirtioBlk fake, VirtioBlkDevice dev) = VirtioTestRig.CreateOk();
        Assert.Multiple(() =>
        {
            Assert.That(dev.Read(0, new byte[100]), Is.EqualTo(StorageStatus.BadArgument));
            Assert.That(dev.Read(4096, new byte[512]), Is.EqualTo(StorageStatus.BadArgument));
            Assert.That(dev.Write(4095, new byte[1024]), Is.EqualTo(StorageStatus.BadArgument));
            Assert.That(dev.SubmitRead(0, 17, 0, out _), Is.EqualTo(StorageStatus.BadArgument), "more than one slot holds");
            Assert.That(dev.SubmitRead(ulong.MaxValue, 1, 0, out _), Is.EqualTo(StorageStatus.BadArgument));
        });
        Assert.That(fake.Notifies, Is.Zero);
    }

    [Test]
    public void FlushSendsAFlushRequestOnlyWhenNegotiated()
    {
        (FakeVirtioBlk fake, VirtioBlkDevice dev) = VirtioTestRig.CreateOk();
        Assert.That(dev.Flush(), Is.EqualTo(StorageStatus.Ok));
        Assert.That(fake.Flushes, Is.EqualTo(1));
        (FakeVirtioBlk f2, VirtioBlkDevice d2) = VirtioTestRig.CreateOk(f => f.OfferedFeatures &= ~(1UL << 9));
        Assert.That(d2.Flush(), Is.EqualTo(StorageStatus.Ok));
        Assert.That(f2.Processed, Is.Zero);
        Assert.That(d2.SubmitFlush(0, out _), Is.EqualTo(StorageStatus.Unsupported));
    }

    [Test]
    public void ReadOnlyDevicesRefuseWrites()
    {
        (_, VirtioBlkDevice dev) = VirtioTestRig.CreateOk(f => f.OfferedFeatures |= 1UL << 5);
        Assert.That(dev.ReadOnly, Is.True);
        Assert.That(dev.Write(0, new byte[512]), Is.EqualTo(StorageStatus.ReadOnly));
    }

    [Test]
    public void GetIdReturnsTheSerial()
    {
        (FakeVirtioBlk fake, VirtioBlkDevice dev) = VirtioTestRig.CreateOk();
        byte[] id = new byte[20];
        Assert.That(dev.ReadId(id), Is.EqualTo(StorageStatus.Ok));
        Assert.That(id, Is.EqualTo(fake.Id));
        Assert.That(dev.ReadId(new byte[19]), Is.EqualTo(StorageStatus.BadArgument));
    }

    [Test]
    public void QueueFullThenEverythingCompletesWithItsTag()
    {
        (FakeVirtioBlk fake, VirtioBlkDevice dev) = VirtioTestRig.CreateOk(f => f.AutoProcess = false);
        for (int i = 0; i < dev.Slots; i++)
        {
            Assert.That(dev.SubmitWrite((ulong)i, new byte[512], 100 + i, out _), Is.EqualTo(StorageStatus.Ok));
        }

        Assert.That(dev.SubmitRead(0, 1, 0, out _), Is.EqualTo(StorageStatus.LimitReached));
        Assert.That(dev.Read(0, new byte[512]), Is.EqualTo(StorageStatus.LimitReached), "no synchronous call while requests are outstanding");
        Assert.That(dev.TryComplete(out _), Is.False);
        dev.Kick();
        fake.Process();
        var tags = new List<int>();
        while (dev.TryComplete(out VirtioBlkCompletion c))
        {
            Assert.That(c.Status, Is.EqualTo(StorageStatus.Ok));
            tags.Add(c.Tag);
            Assert.That(dev.Release(c.Slot), Is.True);
            Assert.That(dev.Release(c.Slot), Is.False, "a slot is released once");
        }

        Assert.That(tags, Is.EquivalentTo(Enumerable.Range(100, dev.Slots)));
        Assert.That(dev.InFlight, Is.Zero);
    }

    [Test]
    public void ManyOutstandingRequestsCompleteInBatchesAndMatchAModel([Values(1, 2)] int seed)
    {
        (FakeVirtioBlk fake, VirtioBlkDevice dev) = VirtioTestRig.CreateOk(f => f.AutoProcess = false);
        var rng = new Random(seed);
        byte[] model = new byte[fake.Disk.Length];
        var pendingReads = new Dictionary<int, (ulong Block, int Count, byte[] Expected)>();
        var busy = new HashSet<ulong>();
        int submitted = 0;
        for (int step = 0; step < 3000; step++)
        {
            if (rng.Next(3) > 0 && submitted < 2000)
            {
                int count = rng.Next(1, 5);
                ulong block = (ulong)rng.Next(200);
                bool clash = false;
                for (ulong b = block; b < block + (ulong)count; b++)
                {
                    clash |= busy.Contains(b);
                }

                if (clash)
                {
                    continue;
                }

                StorageStatus status;
                int slot;
                int tag = step;
                if (rng.Next(2) == 0)
                {
                    byte[] data = new byte[count * 512];
                    rng.NextBytes(data);
                    status = dev.SubmitWrite(block, data, tag, out slot);
                    if (status == StorageStatus.Ok)
                    {
                        data.CopyTo(model, (int)block * 512);
                    }
                }
                else
                {
                    status = dev.SubmitRead(block, count, tag, out slot);
                    if (status == StorageStatus.Ok)
                    {
                        pendingReads[tag] = (block, count, model.AsSpan((int)block * 512, count * 512).ToArray());
                    }
                }

                Assert.That(status, Is.EqualTo(StorageStatus.Ok).Or.EqualTo(StorageStatus.LimitReached));
                if (status == StorageStatus.Ok)
                {
                    submitted++;
                    for (ulong b = block; b < block + (ulong)count; b++)
                    {
                        busy.Add(b);
                    }

                    dev.Kick();
                }

                continue;
            }

            fake.Process(rng.Next(1, 4));
            while (dev.TryComplete(out VirtioBlkCompletion c))
            {
                Assert.That(c.Status, Is.EqualTo(StorageStatus.Ok));
                if (pendingReads.Remove(c.Tag, out (ulong Block, int Count, byte[] Expected) read))
                {
                    byte[] got = new byte[read.Count * 512];
                    Assert.That(dev.CopyData(c.Slot, got), Is.EqualTo(got.Length));
                    Assert.That(got.AsSpan().SequenceEqual(read.Expected), Is.True);
                }

                busy.Clear();
                dev.Release(c.Slot);
            }

            if (dev.InFlight == 0)
            {
                busy.Clear();
            }
        }

        Assert.That(submitted, Is.GreaterThan(500));
    }

    [Test]
    public void InterruptStatusIsReadAndAcknowledged()
    {
        (FakeVirtioBlk fake, VirtioBlkDevice dev) = VirtioTestRig.CreateOk();
        Assert.That(dev.Write(0, new byte[512]), Is.EqualTo(StorageStatus.Ok));
        Assert.That(dev.AcknowledgeInterrupt(), Is.EqualTo(1));
        Assert.That(dev.AcknowledgeInterrupt(), Is.Zero, "reading the ISR clears it");
    }

    [Test]
    public void TheBlockCacheRunsOnTheDriver()
    {
        (FakeVirtioBlk fake, VirtioBlkDevice dev) = VirtioTestRig.CreateOk();
        var cache = new BlockCache(new IoScheduler(dev, new DeadlineIoPolicy(), new ManualClockForVirtio()), 32);
        byte[] block = new byte[512];
        for (int i = 0; i < 10; i++)
        {
            block[0] = (byte)i;
            Assert.That(cache.Write((ulong)(i * 2), block), Is.EqualTo(StorageStatus.Ok));
        }

        Assert.That(fake.Processed, Is.Zero);
        Assert.That(cache.Flush(), Is.EqualTo(StorageStatus.Ok));
        Assert.That(fake.Flushes, Is.EqualTo(1));
        Assert.That(fake.Disk[18 * 512], Is.EqualTo(9));
    }

    private sealed class ManualClockForVirtio : IClock
    {
        public ulong NowNanoseconds => 0;
    }
}

using System.Linq;
using NexOS.Drivers.Virtio;
using NexOS.Storage;

namespace NexOS.Tests.Drivers.Virtio;

/// <summary>ReadBatch: a batch of reads with the device's slots all in flight at once.</summary>
[TestFixture]
public sealed class VirtioBatchReadTests
{
    [Test]
    public void EveryRangeLandsInItsSliceAndTheSlotsGoOutInWaves()
    {
        (FakeVirtioBlk fake, VirtioBlkDevice dev) = VirtioTestRig.CreateOk();
        new Random(5).NextBytes(fake.Disk);
        var rng = new Random(6);
        ulong[] firsts = Enumerable.Range(0, 20).Select(_ => (ulong)rng.Next(4000)).ToArray();
        byte[] into = new byte[firsts.Length * 1024];
        Assert.That(dev.ReadBatch(firsts, into), Is.EqualTo(StorageStatus.Ok));
        for (int i = 0; i < firsts.Length; i++)
        {
            Assert.That(into.AsSpan(i * 1024, 1024).SequenceEqual(fake.Disk.AsSpan((int)firsts[i] * 512, 1024)), Is.True, $"range {i}");
        }

        // 8 slots: 20 reads go to the device in three notifications, not twenty.
        Assert.That(fake.Notifies, Is.EqualTo(3));
        Assert.That(fake.Processed, Is.EqualTo(20));
        Assert.That(dev.InFlight, Is.Zero);
        Assert.That(dev.Queue.FreeCount, Is.EqualTo(dev.Queue.Size));
    }

    [Test]
    public void ABadBatchIsRefusedBeforeTheDeviceHearsOfIt()
    {
        (FakeVirtioBlk fake, VirtioBlkDevice dev) = VirtioTestRig.CreateOk();
        Assert.Multiple(() =>
        {
            Assert.That(dev.ReadBatch(ReadOnlySpan<ulong>.Empty, new byte[512]), Is.EqualTo(StorageStatus.BadArgument), "no ranges");
            Assert.That(dev.ReadBatch(new ulong[] { 1, 2, 3 }, new byte[1000]), Is.EqualTo(StorageStatus.BadArgument), "unequal slices");
            Assert.That(dev.ReadBatch(new ulong[] { 1, 2 }, new byte[600]), Is.EqualTo(StorageStatus.BadArgument), "not whole blocks");
            Assert.That(dev.ReadBatch(new ulong[] { 1, 4095 }, new byte[2048]), Is.EqualTo(StorageStatus.BadArgument), "the last range runs off the disk");
            Assert.That(dev.ReadBatch(new ulong[] { 1, ulong.MaxValue }, new byte[1024]), Is.EqualTo(StorageStatus.BadArgument), "a block past any disk");
            Assert.That(dev.ReadBatch(new ulong[] { 0 }, new byte[dev.MaxTransferBytes + 512]), Is.EqualTo(StorageStatus.BadArgument), "more than a slot holds");
        });
        Assert.That(fake.Notifies, Is.Zero);
        Assert.That(fake.Processed, Is.Zero);
    }

    [Test]
    public void AFailedReadFailsTheBatchAndTheRestIsCollected()
    {
        int served = 0;
        (FakeVirtioBlk fake, VirtioBlkDevice dev) = VirtioTestRig.CreateOk(f => f.StatusOverride = s => ++served == 5 ? (byte)1 : s);
        byte[] into = new byte[20 * 512];
        Assert.That(dev.ReadBatch(Enumerable.Range(0, 20).Select(i => (ulong)i).ToArray(), into), Is.EqualTo(StorageStatus.IoError));
        Assert.That(dev.InFlight, Is.Zero, "every request in flight was taken back");
        Assert.That(fake.Processed, Is.EqualTo(8), "nothing was submitted after the wave that failed");
        Assert.That(dev.Read(0, new byte[512]), Is.EqualTo(StorageStatus.Ok), "the device still serves");
    }

    [Test]
    public void ASilentDeviceFailsTheBatchInsteadOfHanging()
    {
        (FakeVirtioBlk fake, VirtioBlkDevice dev) = VirtioTestRig.CreateOk(f => f.Silent = true);
        Assert.That(dev.ReadBatch(new ulong[] { 0, 8, 16 }, new byte[3 * 512]), Is.EqualTo(StorageStatus.IoError));
        Assert.That(dev.InFlight, Is.Zero);
        Assert.That(dev.Broken, Is.True);
    }

    [Test]
    public void BatchReadsFallsBackToOneReadAfterAnotherOnAPlainDevice()
    {
        var disk = new Storage.Block.MemoryBlockDevice(512, 64);
        byte[] pattern = new byte[512];
        for (ulong b = 0; b < 64; b++)
        {
            Array.Fill(pattern, (byte)b);
            Assert.That(disk.Write(b, pattern), Is.EqualTo(StorageStatus.Ok));
        }

        byte[] into = new byte[3 * 1024];
        Assert.That(BatchReads.Read(disk, new ulong[] { 10, 3, 62 }, into), Is.EqualTo(StorageStatus.Ok));
        Assert.That(new[] { into[0], into[600], into[1024], into[1600], into[2048], into[2600] }, Is.EqualTo(new byte[] { 10, 11, 3, 4, 62, 63 }));
        Assert.That(BatchReads.Read(disk, new ulong[] { 10, 63 }, new byte[2048]), Is.EqualTo(StorageStatus.BadArgument));
        disk.FailReads.Add(3);
        Assert.That(BatchReads.Read(disk, new ulong[] { 10, 3 }, new byte[1024]), Is.EqualTo(StorageStatus.IoError));
    }
}

/// <summary>ReadTo and WriteFrom: transfers straight between the slots and a sink or source.</summary>
[TestFixture]
public sealed class VirtioDirectTransferTests
{
    [Test]
    public void ReadToHandsEachRequestsDataOverInOrder()
    {
        (FakeVirtioBlk fake, VirtioBlkDevice dev) = VirtioTestRig.CreateOk();
        new Random(7).NextBytes(fake.Disk);
        var sink = new Sink();
        Assert.That(dev.ReadTo(100, 40 * 512, sink), Is.EqualTo(StorageStatus.Ok));
        Assert.That(sink.Offsets, Is.EqualTo(new[] { 0, 8192, 16384 }), "8 KiB slots: 16 + 16 + 8 blocks");
        Assert.That(sink.Data.ToArray(), Is.EqualTo(fake.Disk.AsSpan(100 * 512, 40 * 512).ToArray()));
    }

    [Test]
    public void WriteFromFillsTheSlotsFromTheSource()
    {
        (FakeVirtioBlk fake, VirtioBlkDevice dev) = VirtioTestRig.CreateOk();
        byte[] data = new byte[40 * 512];
        new Random(8).NextBytes(data);
        Assert.That(dev.WriteFrom(7, data.Length, new Source(data)), Is.EqualTo(StorageStatus.Ok));
        Assert.That(fake.Disk.AsSpan(7 * 512, data.Length).SequenceEqual(data), Is.True);
        Assert.That(fake.Processed, Is.EqualTo(3));
    }

    [Test]
    public void ARefusingSinkOrSourceStopsTheTransferAndTheDeviceCarriesOn()
    {
        (FakeVirtioBlk fake, VirtioBlkDevice dev) = VirtioTestRig.CreateOk();
        Assert.That(dev.ReadTo(0, 40 * 512, new Sink { RefuseAt = 8192 }), Is.EqualTo(StorageStatus.BadArgument));
        Assert.That(fake.Processed, Is.EqualTo(2), "nothing was read after the refused piece");
        byte[] before = fake.Disk.ToArray();
        Assert.That(dev.WriteFrom(0, 40 * 512, new Source(new byte[40 * 512]) { FailAt = 8192 }), Is.EqualTo(StorageStatus.BadArgument));
        Assert.That(fake.Processed, Is.EqualTo(3), "the first piece went out, the one the source could not fill did not");
        Assert.That(fake.Disk.AsSpan(8192).SequenceEqual(before.AsSpan(8192)), Is.True);
        Assert.That(dev.InFlight, Is.Zero);
        Assert.That(dev.Read(0, new byte[512]), Is.EqualTo(StorageStatus.Ok));
    }

    [Test]
    public void BadRangesAreRefusedBeforeTheDeviceHearsOfThem()
    {
        (FakeVirtioBlk fake, VirtioBlkDevice dev) = VirtioTestRig.CreateOk();
        Assert.Multiple(() =>
        {
            Assert.That(dev.ReadTo(0, 0, new Sink()), Is.EqualTo(StorageStatus.BadArgument));
            Assert.That(dev.ReadTo(0, 100, new Sink()), Is.EqualTo(StorageStatus.BadArgument));
            Assert.That(dev.ReadTo(4095, 1024, new Sink()), Is.EqualTo(StorageStatus.BadArgument));
            Assert.That(dev.WriteFrom(ulong.MaxValue, 512, new Source(new byte[512])), Is.EqualTo(StorageStatus.BadArgument));
        });
        Assert.That(fake.Notifies, Is.Zero);
        (_, VirtioBlkDevice readOnly) = VirtioTestRig.CreateOk(f => f.OfferedFeatures |= 1UL << 5);
        Assert.That(readOnly.WriteFrom(0, 512, new Source(new byte[512])), Is.EqualTo(StorageStatus.ReadOnly));
    }

    private sealed class Sink : IBlockSink
    {
        public List<int> Offsets { get; } = new();

        public List<byte> Data { get; } = new();

        public int RefuseAt { get; init; } = -1;

        public bool Accept(int offset, ReadOnlySpan<byte> data)
        {
            Offsets.Add(offset);
            Data.AddRange(data.ToArray());
            return offset != RefuseAt;
        }
    }

    private sealed class Source(byte[] bytes) : IBlockSource
    {
        public int FailAt { get; init; } = -1;

        public bool Fill(int offset, Span<byte> data)
        {
            bytes.AsSpan(offset, data.Length).CopyTo(data);
            return offset != FailAt;
        }
    }
}

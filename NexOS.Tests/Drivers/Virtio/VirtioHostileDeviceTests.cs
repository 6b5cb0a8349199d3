using NexOS.Drivers.Virtio;
using NexOS.Storage;

namespace NexOS.Tests.Drivers.Virtio;

[TestFixture]
public sealed class VirtioHostileDeviceTests
{
    [Test]
    public void UsedIdOutOfRangeBreaksTheQueueAndFailsTheRequest()
    {
        (FakeVirtioBlk fake, VirtioBlkDevice dev) = VirtioTestRig.CreateOk(f => f.UsedIdOverride = (_, _) => 5000);
        Assert.That(dev.Read(0, new byte[512]), Is.EqualTo(StorageStatus.IoError));
        Assert.That(dev.Broken, Is.True);
        Assert.That(dev.Queue.Broken, Is.True);
        Assert.That(dev.InFlight, Is.Zero);
        Assert.That(fake.StatusWrites[^1] == 0 || (fake.Status & 128) != 0, Is.True, "the device was reset or failed");
        Assert.That(dev.Read(0, new byte[512]), Is.EqualTo(StorageStatus.IoError), "a broken device keeps failing");
    }

    [Test]
    public void UsedIdOfADescriptorThatIsNotAnOutstandingHeadIsRefused()
    {
        // Descriptor 1 is the data descriptor of the first chain, not a head.
        (_, VirtioBlkDevice dev) = VirtioTestRig.CreateOk(f => f.UsedIdOverride = (_, head) => head + 1);
        Assert.That(dev.Read(0, new byte[512]), Is.EqualTo(StorageStatus.IoError));
        Assert.That(dev.Broken, Is.True);
    }

    [TestCase(0u)]
    [TestCase(2u)]
    [TestCase(514u)]
    [TestCase(uint.MaxValue)]
    public void WrongReadLengthsAreErrors(uint length)
    {
        (_, VirtioBlkDevice dev) = VirtioTestRig.CreateOk(f => f.UsedLengthOverride = _ => length);
        Assert.That(dev.Read(0, new byte[512]), Is.EqualTo(StorageStatus.IoError));
        Assert.That(dev.Broken, Is.False, "a bad length fails the request, not the queue");
    }

    [Test]
    public void WriteClaimingToHaveWrittenDataIsAnError()
    {
        (_, VirtioBlkDevice dev) = VirtioTestRig.CreateOk(f => f.UsedLengthOverride = _ => 513);
        Assert.That(dev.Write(0, new byte[512]), Is.EqualTo(StorageStatus.IoError));
    }

    [Test]
    public void UsedIndexRacingAheadBreaksTheQueue()
    {
        (_, VirtioBlkDevice dev) = VirtioTestRig.CreateOk(f => f.UsedIndexExtra = 7);
        Assert.That(dev.Read(0, new byte[512]), Is.EqualTo(StorageStatus.IoError));
        Assert.That(dev.Broken, Is.True);
    }

    [TestCase((byte)1, StorageStatus.IoError)]
    [TestCase((byte)2, StorageStatus.Unsupported)]
    [TestCase((byte)3, StorageStatus.IoError)]
    [TestCase((byte)0xFF, StorageStatus.IoError)]
    [TestCase((byte)0x80, StorageStatus.IoError)]
    public void StatusBytesOtherThanOkAreErrors(byte status, StorageStatus expected)
    {
        (_, VirtioBlkDevice dev) = VirtioTestRig.CreateOk(f => f.StatusOverride = _ => status);
        Assert.That(dev.Write(0, new byte[512]), Is.EqualTo(expected));
        Assert.That(dev.Broken, Is.False);
    }

    [Test]
    public void ASilentDeviceTimesOutInsteadOfHanging()
    {
        (FakeVirtioBlk fake, VirtioBlkDevice dev) = VirtioTestRig.CreateOk(f => f.Silent = true);
        Assert.That(dev.Read(0, new byte[512]), Is.EqualTo(StorageStatus.IoError));
        Assert.That(dev.Broken, Is.True);
        Assert.That(dev.InFlight, Is.Zero);
        Assert.That(dev.Flush(), Is.EqualTo(StorageStatus.IoError));
    }

    [Test]
    public void RandomHostileBehaviourNeverThrowsOrHangs([Range(1, 8)] int seed)
    {
        var rng = new Random(seed);
        int ok = 0;
        for (int round = 0; round < 60; round++)
        {
            int mode = rng.Next(6);
            (FakeVirtioBlk fake, VirtioBlkDevice dev) = VirtioTestRig.CreateOk(f =>
            {
                // Each knob misbehaves on a random fraction of requests.
                int rate = rng.Next(2, 30);
                f.UsedIdOverride = mode == 0 ? (n, head) => rng.Next(rate) == 0 ? (uint)rng.Next(70) : head : null;
                f.UsedLengthOverride = mode == 1 ? len => rng.Next(rate) == 0 ? (uint)rng.Next() : len : null;
                f.StatusOverride = mode == 2 ? s => rng.Next(rate) == 0 ? (byte)rng.Next(256) : s : null;
                f.UsedIndexExtra = mode == 3 && rng.Next(2) == 0 ? (ushort)rng.Next(1, 65535) : (ushort)0;
            });
            if (mode == 4)
            {
                fake.Silent = rng.Next(2) == 0;
            }

            byte[] model = (byte[])fake.Disk.Clone();
            for (int op = 0; op < 40; op++)
            {
                int count = rng.Next(1, 24);
                ulong block = (ulong)rng.Next(4096 - count);
                byte[] buffer = new byte[count * 512];
                StorageStatus status;
                if (rng.Next(2) == 0)
                {
                    rng.NextBytes(buffer);
                    status = dev.Write(block, buffer);
                }
                else
                {
                    status = dev.Read(block, buffer);
                    if (status == StorageStatus.Ok && mode == 5)
                    {
                        Assert.That(buffer.AsSpan().SequenceEqual(fake.Disk.AsSpan((int)block * 512, buffer.Length)), Is.True);
                    }
                }

                Assert.That(status, Is.AnyOf(StorageStatus.Ok, StorageStatus.IoError, StorageStatus.Unsupported));
                Assert.That(dev.InFlight, Is.Zero, "a synchronous call leaves nothing outstanding");
                ok += status == StorageStatus.Ok ? 1 : 0;
            }

            _ = model;
        }

        Assert.That(ok, Is.GreaterThan(0));
    }
}

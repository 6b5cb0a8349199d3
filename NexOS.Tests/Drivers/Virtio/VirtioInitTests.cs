using System.Buffers.Binary;
using NexOS.Drivers.Hardware;
using NexOS.Drivers.Virtio;

namespace NexOS.Tests.Drivers.Virtio;

[TestFixture]
public sealed class VirtioInitTests
{
    [Test]
    public void CapabilitiesAreFoundInTheConfigSpace()
    {
        Assert.That(VirtioPciLayout.Parse(FakeVirtioBlk.ConfigSpace(), out VirtioPciLayout layout), Is.EqualTo(VirtioStatus.Ok));
        Assert.Multiple(() =>
        {
            Assert.That(layout.Common, Is.EqualTo(new VirtioPciCapability(VirtioCfgType.Common, 0, 0, 0x38, 0)));
            Assert.That(layout.Notify.Offset, Is.EqualTo(0x3000));
            Assert.That(layout.Notify.NotifyOffMultiplier, Is.EqualTo(FakeVirtioBlk.NotifyMultiplier));
            Assert.That(layout.Isr.Offset, Is.EqualTo(0x1000));
            Assert.That(layout.Device.Length, Is.EqualTo(0x40));
        });
    }

    [Test]
    public void MissingOrShortCapabilitiesAreReported()
    {
        byte[] noDevice = FakeVirtioBlk.ConfigSpace();
        noDevice[0x68 + 3] = 5;
        Assert.That(VirtioPciLayout.Parse(noDevice, out _), Is.EqualTo(VirtioStatus.MissingCapability));
        byte[] shortCommon = FakeVirtioBlk.ConfigSpace();
        BinaryPrimitives.WriteUInt32LittleEndian(shortCommon.AsSpan(0x40 + 12), 0x20);
        Assert.That(VirtioPciLayout.Parse(shortCommon, out _), Is.EqualTo(VirtioStatus.BadCapability));
        byte[] noList = FakeVirtioBlk.ConfigSpace();
        noList[0x06] = 0;
        Assert.That(VirtioPciLayout.Parse(noList, out _), Is.EqualTo(VirtioStatus.MissingCapability));
        byte[] loop = FakeVirtioBlk.ConfigSpace();
        loop[0x54 + 1] = 0x40;
        Assert.That(VirtioPciLayout.Parse(loop, out _), Is.EqualTo(VirtioStatus.MissingCapability), "a looping list ends");
    }

    [Test]
    public void RandomConfigSpacesNeverThrow()
    {
        var rng = new Random(7);
        byte[] config = new byte[256];
        for (int i = 0; i < 20_000; i++)
        {
            if (i % 2 == 0)
            {
                rng.NextBytes(config);
            }
            else
            {
                FakeVirtioBlk.ConfigSpace().CopyTo(config, 0);
                config[rng.Next(0x40, 0x90)] = (byte)rng.Next(256);
            }

            config[0x06] |= 0x10;
            VirtioStatus status = VirtioPciLayout.Parse(config, out VirtioPciLayout layout);
            if (status == VirtioStatus.Ok)
            {
                Assert.That(layout.Common.Length, Is.GreaterThanOrEqualTo(VirtioPciTransport.CommonConfigLength));
                Assert.That(layout.Common.Bar, Is.LessThanOrEqualTo(5));
            }
        }
    }

    [Test]
    public void CapabilityOutsideItsBarIsRejected()
    {
        Assert.That(VirtioPciLayout.Parse(FakeVirtioBlk.ConfigSpace(), out VirtioPciLayout layout), Is.EqualTo(VirtioStatus.Ok));
        var big = layout with { Device = layout.Device with { Offset = 0x3FF0 } };
        var fake = new FakeVirtioBlk(new DmaRegion(new byte[4096], 0), 8, 0);
        Assert.That(VirtioPciTransport.Create(big, new IMmioRegion?[] { fake }, out _), Is.EqualTo(VirtioStatus.BadCapability));
        Assert.That(VirtioPciTransport.Create(layout, new IMmioRegion?[] { null }, out _), Is.EqualTo(VirtioStatus.BadCapability));
        Assert.That(VirtioPciTransport.Create(layout, Array.Empty<IMmioRegion?>(), out _), Is.EqualTo(VirtioStatus.BadCapability));
    }

    [Test]
    public void InitialisationFollowsTheSpecificationAndTakesOnlySupportedFeatures()
    {
        (FakeVirtioBlk fake, VirtioBlkDevice dev) = VirtioTestRig.CreateOk();
        Assert.Multiple(() =>
        {
            Assert.That(fake.StatusWrites, Is.EqualTo(new byte[] { 0, 1, 3, 11, 15 }));
            Assert.That(fake.Status, Is.EqualTo(15));
            Assert.That(fake.DriverFeatures, Is.EqualTo((1UL << 32) | (1UL << 9) | (1UL << 6) | (1UL << 2) | (1UL << 1)));
            Assert.That(fake.QueueEnabled, Is.True);
            Assert.That(fake.QueueSize, Is.EqualTo(64));
            Assert.That(fake.DescAddress, Is.EqualTo(dev.Queue.DescriptorAddress));
            Assert.That(fake.AvailAddress, Is.EqualTo(dev.Queue.AvailAddress));
            Assert.That(fake.UsedAddress, Is.EqualTo(dev.Queue.UsedAddress));
            Assert.That(dev.Queue.UsedAddress % 4, Is.Zero);
            Assert.That(dev.Queue.DescriptorAddress % 16, Is.Zero);
            Assert.That(fake.QueueVector, Is.EqualTo(0xFFFF));
            Assert.That(dev.BlockSize, Is.EqualTo(512));
            Assert.That(dev.BlockCount, Is.EqualTo(4096));
            Assert.That(dev.SupportsFlush, Is.True);
            Assert.That(dev.SegMax, Is.EqualTo(126));
            Assert.That(dev.Slots, Is.EqualTo(8));
        });
    }

    [Test]
    public void MsixVectorsAreProgrammedOrRefused()
    {
        var options = new VirtioBlkOptions { QueueSize = 64, Slots = 8, SlotDataBytes = 8192, QueueVector = 1, ConfigVector = 0 };
        (FakeVirtioBlk fake, _) = VirtioTestRig.CreateOk(null, options);
        Assert.That(fake.QueueVector, Is.EqualTo(1));
        Assert.That(fake.ConfigVector, Is.EqualTo(0));
        var tooHigh = new VirtioBlkOptions { QueueSize = 64, Slots = 8, SlotDataBytes = 8192, QueueVector = 9 };
        Assert.That(VirtioTestRig.Create(out FakeVirtioBlk f2, out _, null, tooHigh), Is.EqualTo(VirtioStatus.VectorRefused));
        Assert.That(f2.Status & VirtioPciTransport.StatusFailed, Is.Not.Zero);
    }

    [Test]
    public void BlockSize4096IsUsedAndOddBlockSizesFallBackTo512()
    {
        (_, VirtioBlkDevice dev) = VirtioTestRig.CreateOk(f => f.BlkSize = 4096);
        Assert.That(dev.BlockSize, Is.EqualTo(4096));
        Assert.That(dev.BlockCount, Is.EqualTo(4096 / 8));
        (_, VirtioBlkDevice odd) = VirtioTestRig.CreateOk(f => f.BlkSize = 1000);
        Assert.That(odd.BlockSize, Is.EqualTo(512));
    }

    [Test]
    public void InitialisationFailuresAreStatusValues()
    {
        Assert.Multiple(() =>
        {
            Assert.That(VirtioTestRig.Create(out FakeVirtioBlk f1, out VirtioBlkDevice? d1, f => f.RefuseFeaturesOk = true), Is.EqualTo(VirtioStatus.FeaturesRefused));
            Assert.That(d1, Is.Null);
            Assert.That(f1.Status & VirtioPciTransport.StatusFailed, Is.Not.Zero);
            Assert.That(VirtioTestRig.Create(out _, out _, f => f.OfferedFeatures &= ~(1UL << 32)), Is.EqualTo(VirtioStatus.Version1Missing));
            Assert.That(VirtioTestRig.Create(out _, out _, f => { f.ResetHangs = true; f.Write8(0x14, 1); }), Is.EqualTo(VirtioStatus.ResetTimeout));
            Assert.That(VirtioTestRig.Create(out _, out _, f => f.MaxQueueSize = 0), Is.EqualTo(VirtioStatus.QueueUnavailable));
            Assert.That(VirtioTestRig.Create(out _, out _, f => f.MaxQueueSize = 2), Is.EqualTo(VirtioStatus.QueueUnavailable));
            Assert.That(VirtioTestRig.Create(out _, out _, null, null, dmaBytes: 4096), Is.EqualTo(VirtioStatus.DmaTooSmall));
            Assert.That(VirtioTestRig.Create(out _, out _, f => f.Capacity = 0), Is.EqualTo(VirtioStatus.DeviceFailed));
            Assert.That(VirtioTestRig.Create(out _, out _, f => f.SizeMax = 100), Is.EqualTo(VirtioStatus.DeviceFailed));
            Assert.That(VirtioTestRig.Create(out _, out _, f => f.GenerationAlwaysChanges = true), Is.EqualTo(VirtioStatus.DeviceFailed));
            Assert.That(VirtioTestRig.Create(out _, out _, null, new VirtioBlkOptions { SlotDataBytes = 1000 }), Is.EqualTo(VirtioStatus.BadArgument));
        });
    }

    [Test]
    public void OddDeviceQueueMaximumGivesAPowerOfTwo()
    {
        (FakeVirtioBlk fake, VirtioBlkDevice dev) = VirtioTestRig.CreateOk(f => f.MaxQueueSize = 48);
        Assert.That(dev.Queue.Size, Is.EqualTo(32));
        Assert.That(fake.QueueSize, Is.EqualTo(32));
    }
}

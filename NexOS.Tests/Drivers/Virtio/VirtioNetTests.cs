using NexOS.Drivers.Hardware;
using NexOS.Drivers.Network;
using NexOS.Drivers.Virtio;

namespace NexOS.Tests.Drivers.Virtio;

[TestFixture]
public sealed class VirtioNetTests
{
    private const ulong Features = (1UL << 32) | (1UL << 5) | (1UL << 16) | (1UL << 0) | (1UL << 15);

    private static VirtioStatus Create(out FakeVirtioNet fake, out VirtioNetDevice? device, Action<FakeVirtioNet>? tweak = null, int dmaBytes = 1 << 20, ushort queueSize = 16)
    {
        var dma = new DmaRegion(new byte[dmaBytes], VirtioTestRig.PhysicalBase);
        fake = new FakeVirtioNet(dma, Features);
        tweak?.Invoke(fake);
        Assert.That(VirtioPciLayout.Parse(FakeVirtioBlk.ConfigSpace(), out VirtioPciLayout layout), Is.EqualTo(VirtioStatus.Ok));
        Assert.That(VirtioPciTransport.Create(layout, new IMmioRegion?[] { fake }, out VirtioPciTransport? transport), Is.EqualTo(VirtioStatus.Ok));
        return VirtioNetDevice.Create(transport!, dma, new VirtioNetOptions { QueueSize = queueSize, Vector = 0, AddressSeed = 0xA1B2C3D4E5 }, new PumpWaiter(), out device);
    }

    private static (FakeVirtioNet Fake, VirtioNetDevice Device) CreateOk(Action<FakeVirtioNet>? tweak = null)
    {
        Assert.That(Create(out FakeVirtioNet fake, out VirtioNetDevice? device, tweak), Is.EqualTo(VirtioStatus.Ok));
        return (fake, device!);
    }

    private static byte[] Frame(int length, byte fill)
    {
        byte[] frame = new byte[length];
        Array.Fill(frame, fill);
        return frame;
    }

    [Test]
    public void SetUpNegotiatesNoOffloadsPostsEveryBufferAndReadsTheMacAndLink()
    {
        (FakeVirtioNet fake, VirtioNetDevice device) = CreateOk();
        Assert.That(device.Features, Is.EqualTo((1UL << 32) | (1UL << 5) | (1UL << 16)), "checksum and GSO features are declined");
        Assert.That(device.MacAddress.ToArray(), Is.EqualTo(fake.Mac));
        Assert.That(device.LinkUp, Is.True);
        Assert.That(fake.ReceiveBuffersAvailable, Is.EqualTo(16));
        Assert.That((fake.QueueSize(0), fake.QueueSize(1), fake.QueueVector(0), fake.QueueVector(1), fake.ConfigVector), Is.EqualTo(((ushort)16, (ushort)16, (ushort)0, (ushort)0, (ushort)0)));
        Assert.That(fake.Status & 4, Is.EqualTo(4), "DRIVER_OK");
    }

    [Test]
    public void FramesComeInOrderAndBuffersGoBackOnRelease()
    {
        (FakeVirtioNet fake, VirtioNetDevice device) = CreateOk();
        for (int i = 0; i < 40; i++)
        {
            byte[] frame = Frame(60 + i, (byte)i);
            Assert.That(fake.Inject(frame), Is.True, $"frame {i} found a buffer");
            ReadOnlySpan<byte> got = device.PeekReceived();
            Assert.That(got.ToArray(), Is.EqualTo(frame));
            Assert.That(device.PeekReceived().Length, Is.EqualTo(frame.Length), "a peek without release returns the same frame");
            device.ReleaseReceived();
            device.Kick();
        }

        Assert.That(device.PeekReceived().IsEmpty, Is.True);
        Assert.That((device.Counters.FramesReceived, fake.ReceiveBuffersAvailable), Is.EqualTo((40UL, 16)));
    }

    [Test]
    public void WithoutReleaseTheRingFillsAndFurtherFramesAreLostNotCorrupting()
    {
        (FakeVirtioNet fake, VirtioNetDevice device) = CreateOk();
        for (int i = 0; i < 16; i++)
        {
            Assert.That(fake.Inject(Frame(100, (byte)i)), Is.True);
        }

        Assert.That(fake.Inject(Frame(100, 0xFF)), Is.False, "no buffer left: the device drops it");
        for (int i = 0; i < 16; i++)
        {
            Assert.That(device.PeekReceived()[0], Is.EqualTo((byte)i));
            device.ReleaseReceived();
        }

        device.Kick();
        Assert.That(fake.ReceiveBuffersAvailable, Is.EqualTo(16));
    }

    [Test]
    public void FramesGoOutWithAZeroHeaderAndBuffersAreReclaimed()
    {
        (FakeVirtioNet fake, VirtioNetDevice device) = CreateOk();
        for (int i = 0; i < 100; i++)
        {
            byte[] frame = Frame(14 + (i * 15 % 1500), (byte)i);
            Span<byte> buffer = device.ReserveTransmit(frame.Length);
            Assert.That(buffer.Length, Is.EqualTo(frame.Length), $"frame {i}");
            buffer.Fill(0xEE);
            frame.CopyTo(buffer);
            device.SubmitTransmit();
            device.Kick();
        }

        Assert.That(fake.Sent.Count, Is.EqualTo(100));
        Assert.That(fake.Sent[99], Is.EqualTo(Frame(14 + (99 * 15 % 1500), 99)));
        Assert.That(fake.SentHeaders.TrueForAll(h => Array.TrueForAll(h, b => b == 0)), Is.True);
        Assert.That(device.Counters.FramesSent, Is.EqualTo(100UL));
    }

    [Test]
    public void AFullTransmitRingRefusesUntilTheDeviceUsesBuffers()
    {
        (FakeVirtioNet fake, VirtioNetDevice device) = CreateOk();
        for (int i = 0; i < 16; i++)
        {
            Assert.That(device.ReserveTransmit(60).Length, Is.EqualTo(60));
            device.SubmitTransmit();
        }

        Assert.That(device.ReserveTransmit(60).IsEmpty, Is.True);
        Assert.That(device.Counters.TransmitRingFull, Is.EqualTo(1UL));
        device.Kick();
        Assert.That(device.ReserveTransmit(60).Length, Is.EqualTo(60), "sent buffers were reclaimed");
    }

    [Test]
    public void TransmitLengthsOutsideAFrameAreRefused()
    {
        (_, VirtioNetDevice device) = CreateOk();
        Assert.That(device.ReserveTransmit(13).IsEmpty, Is.True);
        Assert.That(device.ReserveTransmit(1515).IsEmpty, Is.True);
        Assert.That(device.ReserveTransmit(-1).IsEmpty, Is.True);
        Assert.That(device.ReserveTransmit(1514).Length, Is.EqualTo(1514));
    }

    [TestCase(5u)]
    [TestCase(12u + 13u)]
    [TestCase(12u + 1515u)]
    [TestCase(uint.MaxValue)]
    public void ABadReceiveLengthDropsTheFrameAndReusesTheBuffer(uint reported)
    {
        (FakeVirtioNet fake, VirtioNetDevice device) = CreateOk(f => f.ReceiveLengthOverride = _ => reported);
        Assert.That(fake.Inject(Frame(60, 1)), Is.True);
        Assert.That(device.PeekReceived().IsEmpty, Is.True);
        device.Kick();
        Assert.That((device.Counters.ReceiveErrors, fake.ReceiveBuffersAvailable, device.Broken), Is.EqualTo((1UL, 16, false)));
        fake.ReceiveLengthOverride = null;
        Assert.That(fake.Inject(Frame(60, 2)), Is.True);
        Assert.That(device.PeekReceived()[0], Is.EqualTo((byte)2));
    }

    [Test]
    public void AUsedIdThatIsNoOutstandingChainBreaksTheDevice()
    {
        (FakeVirtioNet fake, VirtioNetDevice device) = CreateOk(f => f.UsedIdOverride = (_, _) => 999);
        Assert.That(fake.Inject(Frame(60, 1)), Is.True);
        Assert.That(device.PeekReceived().IsEmpty, Is.True);
        Assert.That(device.Broken, Is.True);
        Assert.That(device.ReserveTransmit(60).IsEmpty, Is.True, "a broken device sends nothing");
    }

    [Test]
    public void LinkChangesAreReportedByService()
    {
        (FakeVirtioNet fake, VirtioNetDevice device) = CreateOk();
        Assert.That(device.Service(), Is.False);
        fake.LinkStatus = 0;
        Assert.That((device.Service(), device.LinkUp), Is.EqualTo((true, false)));
        fake.LinkStatus = 1;
        Assert.That((device.Service(), device.LinkUp, device.Counters.LinkChanges), Is.EqualTo((true, true, 2UL)));
    }

    [Test]
    public void WithoutTheMacFeatureALocallyAdministeredAddressIsMade()
    {
        (_, VirtioNetDevice device) = CreateOk(f => f.OfferedFeatures &= ~(1UL << 5));
        Assert.That(device.MacAddress.ToArray(), Is.EqualTo(new byte[] { 0x02, 0xE5, 0xD4, 0xC3, 0xB2, 0xA1 }));
    }

    [TestCase(new byte[] { 0x01, 0, 0x5E, 0, 0, 1 })]
    [TestCase(new byte[] { 0, 0, 0, 0, 0, 0 })]
    public void AMulticastOrZeroMacIsRefused(byte[] mac)
    {
        Assert.That(Create(out FakeVirtioNet fake, out VirtioNetDevice? device, f => f.Mac = mac), Is.EqualTo(VirtioStatus.DeviceFailed));
        Assert.That((device, fake.Status & 128), Is.EqualTo(((VirtioNetDevice?)null, 128)));
    }

    [Test]
    public void SetUpFailsCleanlyWithoutVersion1TooLittleDmaOrNoQueues()
    {
        Assert.That(Create(out _, out _, f => f.OfferedFeatures &= ~(1UL << 32)), Is.EqualTo(VirtioStatus.Version1Missing));
        Assert.That(Create(out _, out _, dmaBytes: 8192), Is.EqualTo(VirtioStatus.DmaTooSmall));
        Assert.That(Create(out _, out _, f => f.MaxQueueSize = 0), Is.EqualTo(VirtioStatus.QueueUnavailable));
        Assert.That(Create(out _, out _, f => f.VectorsAvailable = 0), Is.EqualTo(VirtioStatus.VectorRefused));
    }

    [Test]
    public void RandomTrafficBothWaysKeepsEveryFrameIntact()
    {
        (FakeVirtioNet fake, VirtioNetDevice device) = CreateOk();
        var random = new Random(17);
        var expected = new Queue<byte[]>();
        int sent = 0;
        for (int step = 0; step < 5000; step++)
        {
            if (random.Next(2) == 0)
            {
                byte[] frame = new byte[random.Next(14, 1515)];
                random.NextBytes(frame);
                if (fake.Inject(frame))
                {
                    expected.Enqueue(frame);
                }
            }
            else if (random.Next(3) == 0)
            {
                ReadOnlySpan<byte> got = device.PeekReceived();
                if (!got.IsEmpty)
                {
                    Assert.That(got.ToArray(), Is.EqualTo(expected.Dequeue()));
                    device.ReleaseReceived();
                }

                device.Kick();
            }
            else
            {
                Span<byte> buffer = device.ReserveTransmit(random.Next(14, 1515));
                if (!buffer.IsEmpty)
                {
                    buffer[0] = (byte)sent++;
                    device.SubmitTransmit();
                }

                if (random.Next(4) == 0)
                {
                    device.Kick();
                }
            }
        }

        device.Kick();
        Assert.That(fake.Sent.Count, Is.EqualTo(sent));
        Assert.That(device.Broken, Is.False);
    }
}

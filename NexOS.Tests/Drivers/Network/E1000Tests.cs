using NexOS.Drivers.Hardware;
using NexOS.Drivers.Network;
using NexOS.Tests.Drivers.Virtio;

namespace NexOS.Tests.Drivers.Network;

[TestFixture]
public sealed class E1000Tests
{
    private static (FakeE1000 Fake, E1000Device? Device, string Why) Create(Action<FakeE1000>? tweak = null, int count = 16, int dmaBytes = 1 << 20)
    {
        var dma = new DmaRegion(new byte[dmaBytes], VirtioTestRig.PhysicalBase);
        var fake = new FakeE1000(dma);
        tweak?.Invoke(fake);
        E1000Device? device = E1000Device.Create(fake, dma, count, new PumpWaiter(), out string why);
        return (fake, device, why);
    }

    private static (FakeE1000 Fake, E1000Device Device) CreateOk(Action<FakeE1000>? tweak = null)
    {
        (FakeE1000 fake, E1000Device? device, string why) = Create(tweak);
        Assert.That(device, Is.Not.Null, why);
        return (fake, device!);
    }

    private static byte[] Frame(int length, byte fill)
    {
        byte[] frame = new byte[length];
        Array.Fill(frame, fill);
        return frame;
    }

    [Test]
    public void SetUpResetsReadsTheAddressAndHandsTheRingToTheDevice()
    {
        (FakeE1000 fake, E1000Device device) = CreateOk();
        Assert.That(device.MacAddress.ToArray(), Is.EqualTo(new byte[] { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }));
        Assert.That(device.LinkUp, Is.True);
        Assert.That(fake.ReceiveBuffersAvailable, Is.EqualTo(15), "all but one descriptor: a full ring stays distinguishable from an empty one");
        Assert.That(fake.InterruptMask, Is.EqualTo((1u << 0) | (1u << 2) | (1u << 4) | (1u << 6) | (1u << 7)));
    }

    [Test]
    public void AHungResetOrAMissingAddressFailsCleanly()
    {
        Assert.That(Create(f => f.ResetHangs = true).Why, Is.EqualTo("the controller did not finish its reset"));
        Assert.That(Create(f => f.Write32(0x5404, 0x5634)).Why, Is.EqualTo("the controller has no station address"), "address valid bit clear");
        Assert.That(Create(f => f.Write32(0x5400, 0x12005453)).Why, Is.EqualTo("the controller has no station address"), "a multicast address");
        Assert.That(Create(count: 12).Why, Is.EqualTo("the DMA region or ring size does not fit"));
        Assert.That(Create(dmaBytes: 4096).Why, Is.EqualTo("the DMA region or ring size does not fit"));
    }

    [Test]
    public void FramesComeInOrderAndDescriptorsGoBackOnRelease()
    {
        (FakeE1000 fake, E1000Device device) = CreateOk();
        for (int i = 0; i < 50; i++)
        {
            byte[] frame = Frame(60 + i, (byte)i);
            Assert.That(fake.Inject(frame), Is.True, $"frame {i}");
            Assert.That(device.PeekReceived().ToArray(), Is.EqualTo(frame));
            Assert.That(device.PeekReceived().Length, Is.EqualTo(frame.Length), "peeking again returns the same frame");
            device.ReleaseReceived();
            device.Kick();
        }

        Assert.That(device.PeekReceived().IsEmpty, Is.True);
        Assert.That((device.Counters.FramesReceived, fake.ReceiveBuffersAvailable), Is.EqualTo((50UL, 15)));
    }

    [Test]
    public void AFullReceiveRingLosesFramesWithoutCorruptingOthers()
    {
        (FakeE1000 fake, E1000Device device) = CreateOk();
        for (int i = 0; i < 15; i++)
        {
            Assert.That(fake.Inject(Frame(100, (byte)i)), Is.True);
        }

        Assert.That(fake.Inject(Frame(100, 0xFF)), Is.False);
        for (int i = 0; i < 15; i++)
        {
            Assert.That(device.PeekReceived()[0], Is.EqualTo((byte)i));
            device.ReleaseReceived();
        }

        device.Kick();
        Assert.That(fake.ReceiveBuffersAvailable, Is.EqualTo(15));
    }

    [TestCase((ushort)13, (byte)3, (byte)0)]
    [TestCase((ushort)1515, (byte)3, (byte)0)]
    [TestCase((ushort)60, (byte)1, (byte)0)]
    [TestCase((ushort)60, (byte)3, (byte)0x80)]
    public void AFrameThatIsShortLongUnfinishedOrInErrorIsDropped(ushort length, byte status, byte errors)
    {
        (FakeE1000 fake, E1000Device device) = CreateOk(f => f.Writeback = _ => (length, status, errors));
        Assert.That(fake.Inject(Frame(60, 1)), Is.True);
        Assert.That(device.PeekReceived().IsEmpty, Is.True);
        Assert.That(device.Counters.ReceiveErrors, Is.EqualTo(1UL));
        fake.Writeback = null;
        Assert.That(fake.Inject(Frame(60, 2)), Is.True);
        Assert.That(device.PeekReceived()[0], Is.EqualTo((byte)2), "the ring carries on");
    }

    [Test]
    public void FramesGoOutAndTheRingIsReclaimed()
    {
        (FakeE1000 fake, E1000Device device) = CreateOk();
        for (int i = 0; i < 100; i++)
        {
            Span<byte> buffer = device.ReserveTransmit(60 + i);
            Assert.That(buffer.Length, Is.EqualTo(60 + i), $"frame {i}");
            buffer.Fill((byte)i);
            device.SubmitTransmit();
            device.Kick();
        }

        Assert.That(fake.Sent.Count, Is.EqualTo(100));
        Assert.That(fake.Sent[42], Is.EqualTo(Frame(102, 42)));
    }

    [Test]
    public void AFullTransmitRingRefusesUntilTheDeviceIsDone()
    {
        (FakeE1000 fake, E1000Device device) = CreateOk();
        for (int i = 0; i < 15; i++)
        {
            Assert.That(device.ReserveTransmit(60).Length, Is.EqualTo(60));
            device.SubmitTransmit();
        }

        Assert.That(device.ReserveTransmit(60).IsEmpty, Is.True);
        Assert.That(device.Counters.TransmitRingFull, Is.EqualTo(1UL));
        device.Kick();
        Assert.That(fake.Sent.Count, Is.EqualTo(15));
        Assert.That(device.ReserveTransmit(60).Length, Is.EqualTo(60));
        Assert.That(device.ReserveTransmit(13).IsEmpty && device.ReserveTransmit(1515).IsEmpty, Is.True);
    }

    [Test]
    public void TheLinkAndAVanishedDeviceAreNoticed()
    {
        (FakeE1000 fake, E1000Device device) = CreateOk();
        fake.LinkUp = false;
        fake.Pending = 1u << 2;
        device.AcknowledgeInterrupt();
        Assert.That(fake.Pending, Is.Zero, "reading ICR acknowledges");
        Assert.That((device.Service(), device.LinkUp), Is.EqualTo((true, false)));
        fake.Write32(0x0008, uint.MaxValue);
        device.Service();
        Assert.That(device.Broken, Is.True);
        Assert.That(device.ReserveTransmit(60).IsEmpty, Is.True);
    }

    [Test]
    public void RandomTrafficBothWaysKeepsEveryFrameIntact()
    {
        (FakeE1000 fake, E1000Device device) = CreateOk();
        var random = new Random(23);
        var expected = new Queue<byte[]>();
        int sent = 0;
        for (int step = 0; step < 5000; step++)
        {
            int what = random.Next(4);
            if (what == 0)
            {
                byte[] frame = new byte[random.Next(14, 1515)];
                random.NextBytes(frame);
                if (fake.Inject(frame))
                {
                    expected.Enqueue(frame);
                }
            }
            else if (what == 1)
            {
                ReadOnlySpan<byte> got = device.PeekReceived();
                if (!got.IsEmpty)
                {
                    Assert.That(got.ToArray(), Is.EqualTo(expected.Dequeue()));
                    device.ReleaseReceived();
                }

                device.Kick();
            }
            else if (!device.ReserveTransmit(random.Next(14, 1515)).IsEmpty)
            {
                device.SubmitTransmit();
                sent++;
                if (random.Next(3) == 0)
                {
                    device.Kick();
                }
            }
        }

        device.Kick();
        Assert.That((fake.Sent.Count, device.Broken), Is.EqualTo((sent, false)));
    }
}

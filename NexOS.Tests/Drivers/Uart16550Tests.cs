using System.Text;
using NexOS.Drivers.Serial;

namespace NexOS.Tests.Drivers;

[TestFixture]
public sealed class Uart16550Tests
{
    private static (FakeUart16550 Device, Uart16550 Driver) Create(int capacity = 4096)
    {
        var device = new FakeUart16550();
        return (device, new Uart16550(device, Uart16550.Com1, capacity));
    }

    [Test]
    public void InitializeProgramsEightN1At115200WithFifoInterruptAndOut2()
    {
        (FakeUart16550 device, Uart16550 uart) = Create();
        Assert.That(uart.Initialize(), Is.True, uart.InitializeError);
        Assert.Multiple(() =>
        {
            Assert.That(uart.InitializeError, Is.Null);
            Assert.That(device.DivisorLow, Is.EqualTo(1));
            Assert.That(device.DivisorHigh, Is.EqualTo(0));
            Assert.That(device.LineControl, Is.EqualTo(0x03), "8N1 with DLAB clear");
            Assert.That(device.FifoEnabled, Is.True);
            Assert.That(device.InterruptEnable, Is.EqualTo(0x01), "received data available only");
            Assert.That(device.ModemControl & 0x08, Is.EqualTo(0x08), "OUT2 routes the IRQ to the PIC");
            Assert.That(device.ModemControl & 0x10, Is.Zero, "loopback is off again");
            Assert.That(device.Transmitted, Is.Empty, "the self test byte never reaches the wire");
            Assert.That(uart.BytesReceived, Is.Zero, "the self test byte is not counted as received");
        });
    }

    [TestCase(9600u, 12, 0)]
    [TestCase(38400u, 3, 0)]
    [TestCase(50u, 0x00, 0x09)]
    public void InitializeProgramsTheDivisorLatch(uint baud, int low, int high)
    {
        (FakeUart16550 device, Uart16550 uart) = Create();
        Assert.That(uart.Initialize(baud), Is.True);
        Assert.That(device.DivisorLow, Is.EqualTo(low));
        Assert.That(device.DivisorHigh, Is.EqualTo(high));
    }

    [TestCase(0u)]
    [TestCase(7u)]
    [TestCase(230400u)]
    [TestCase(uint.MaxValue)]
    public void UnsupportedBaudRateFailsWithoutTouchingTheDevice(uint baud)
    {
        (FakeUart16550 device, Uart16550 uart) = Create();
        Assert.That(uart.Initialize(baud), Is.False);
        Assert.That(uart.InitializeError, Does.Contain("baud"));
        Assert.That(device.InterruptEnable, Is.Zero);
        Assert.That(device.FifoControlWrites, Is.Zero);
    }

    [Test]
    public void MissingDeviceFailsTheSelfTest()
    {
        (FakeUart16550 device, Uart16550 uart) = Create();
        device.Absent = true;
        Assert.That(uart.Initialize(), Is.False);
        Assert.That(uart.InitializeError, Does.Contain("no UART"));
    }

    [Test]
    public void CorruptLoopbackFailsTheSelfTestAndLeavesInterruptsOff()
    {
        (FakeUart16550 device, Uart16550 uart) = Create();
        device.CorruptLoopback = true;
        Assert.That(uart.Initialize(), Is.False);
        Assert.That(uart.InitializeError, Does.Contain("different byte"));
        Assert.That(device.InterruptEnable, Is.Zero);
        Assert.That(device.ModemControl & 0x18, Is.Zero, "neither loopback nor OUT2");
    }

    [Test]
    public void SelfTestCanBeSkipped()
    {
        (FakeUart16550 device, Uart16550 uart) = Create();
        device.CorruptLoopback = true;
        Assert.That(uart.Initialize(selfTest: false), Is.True);
        Assert.That(device.InterruptEnable, Is.EqualTo(1));
    }

    [Test]
    public void StaleInputFromBeforeInitializeIsDiscarded()
    {
        (FakeUart16550 device, Uart16550 uart) = Create();
        device.Receive(1, 2, 3);
        Assert.That(uart.Initialize(selfTest: false), Is.True);
        Assert.That(device.ReceiveCount, Is.Zero);
        Assert.That(uart.Available, Is.Zero);
    }

    [Test]
    public void InterruptDrainsEveryByteInOrder()
    {
        (FakeUart16550 device, Uart16550 uart) = Create();
        uart.Initialize();
        device.Receive("hello"u8.ToArray());
        Assert.That(device.IrqAsserted, Is.True);
        uart.HandleInterrupt();
        Assert.That(device.IrqAsserted, Is.False, "draining clears the interrupt condition");
        Assert.That(uart.Interrupts, Is.EqualTo(1UL));
        Assert.That(uart.BytesReceived, Is.EqualTo(5UL));
        Assert.That(ReadAll(uart), Is.EqualTo("hello"u8.ToArray()));
        Assert.That(uart.TryRead(out byte none), Is.False);
        Assert.That(none, Is.Zero);
    }

    [Test]
    public void PollDrainsWithoutCountingAnInterrupt()
    {
        (FakeUart16550 device, Uart16550 uart) = Create();
        uart.Initialize();
        device.Receive(9, 8);
        uart.Poll();
        Assert.That(uart.Interrupts, Is.Zero);
        Assert.That(ReadAll(uart), Is.EqualTo(new byte[] { 9, 8 }));
    }

    [Test]
    public void FullBufferDropsNewBytesAndCountsThem()
    {
        (FakeUart16550 device, Uart16550 uart) = Create(capacity: 4);
        uart.Initialize();
        device.Receive(1, 2, 3, 4, 5, 6);
        uart.HandleInterrupt();
        device.Receive(7);
        uart.HandleInterrupt();
        Assert.That(uart.DroppedBytes, Is.EqualTo(3UL));
        Assert.That(uart.BytesReceived, Is.EqualTo(7UL));
        Assert.That(ReadAll(uart), Is.EqualTo(new byte[] { 1, 2, 3, 4 }));
    }

    [Test]
    public void RingBufferWrapsAroundWithoutLosingOrder()
    {
        (FakeUart16550 device, Uart16550 uart) = Create(capacity: 5);
        uart.Initialize();
        var expected = new List<byte>();
        var actual = new List<byte>();
        byte next = 0;
        for (int round = 0; round < 50; round++)
        {
            int n = round % 4 + 1;
            for (int i = 0; i < n; i++)
            {
                device.Receive(next);
                expected.Add(next++);
            }

            uart.HandleInterrupt();
            for (int i = 0; i < (round % 3) + 2 && uart.TryRead(out byte b); i++)
            {
                actual.Add(b);
            }

            Assume.That(uart.DroppedBytes, Is.Zero);
        }

        actual.AddRange(ReadAll(uart));
        Assert.That(actual, Is.EqualTo(expected));
    }

    [Test]
    public void CapacityBelowOneIsRaisedToOne()
    {
        Assert.That(new Uart16550(new FakeUart16550(), Uart16550.Com1, 0).Capacity, Is.EqualTo(1));
        Assert.That(new Uart16550(new FakeUart16550(), Uart16550.Com1, -5).Capacity, Is.EqualTo(1));
    }

    [Test]
    public void InterruptOnAFloatingBusIsBounded()
    {
        (FakeUart16550 device, Uart16550 uart) = Create(capacity: 16);
        device.Absent = true;
        uart.HandleInterrupt();
        Assert.That(uart.BytesReceived, Is.EqualTo(256UL));
        Assert.That(uart.DroppedBytes, Is.EqualTo(240UL));
    }

    [Test]
    public void WriteWaitsForTheTransmitter()
    {
        (FakeUart16550 device, Uart16550 uart) = Create();
        uart.Initialize();
        int before = device.LineStatusReads;
        device.BusyReads = 50;
        uart.Write((byte)'x');
        Assert.That(device.LineStatusReads - before, Is.GreaterThan(50));
        Assert.That(uart.TransmitTimeouts, Is.Zero);
        device.BusyReads = 0;
        uart.Write(ReadOnlySpan<byte>.Empty);
        uart.Write((byte)'y');
        Assert.That(Encoding.ASCII.GetString(Flush(device, uart)), Is.EqualTo("xy"));
        Assert.That(uart.BytesSent, Is.EqualTo(2UL));
    }

    [Test]
    public void WriteGivesUpOnAStuckTransmitterAfterABoundedSpin()
    {
        (FakeUart16550 device, Uart16550 uart) = Create();
        uart.Initialize();
        device.NeverReady = true;
        uart.Write((byte)'x');
        Assert.That(uart.TransmitTimeouts, Is.EqualTo(1UL));
        Assert.That(device.LineStatusReads, Is.LessThanOrEqualTo(Uart16550.TransmitSpinLimit + 20));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void LongWritesNeverOverrunTheTransmitFifo(bool noFifo)
    {
        (FakeUart16550 device, Uart16550 uart) = Create();
        device.NoFifo = noFifo;
        uart.Initialize();
        byte[] data = new byte[1000];
        new Random(3).NextBytes(data);
        uart.Write(data);
        Assert.That(device.TransmitOverruns, Is.Zero);
        Assert.That(Flush(device, uart), Is.EqualTo(data));
        Assert.That(uart.BytesSent, Is.EqualTo(1000UL));
    }

    [TestCase("a\nb", "a\r\nb")]
    [TestCase("a\r\nb", "a\r\nb")]
    [TestCase("\n\n", "\r\n\r\n")]
    [TestCase("\r", "\r")]
    [TestCase("", "")]
    public void WriteStringTranslatesLineFeeds(string text, string wire)
    {
        (FakeUart16550 device, Uart16550 uart) = Create();
        uart.Initialize();
        uart.Write(text);
        Assert.That(Encoding.ASCII.GetString(Flush(device, uart)), Is.EqualTo(wire));
    }

    [Test]
    public void WriteStringSendsUtf8AcrossChunkBoundaries()
    {
        (FakeUart16550 device, Uart16550 uart) = Create();
        uart.Initialize();
        var text = new StringBuilder();
        for (int i = 0; i < 40; i++)
        {
            text.Append("é€😀\n");
        }

        uart.Write(text.ToString());
        Assert.That(Encoding.UTF8.GetString(Flush(device, uart)), Is.EqualTo(text.ToString().Replace("\n", "\r\n")));
    }

    [Test]
    public void WriteStringReplacesUnpairedSurrogatesAndIgnoresNull()
    {
        (FakeUart16550 device, Uart16550 uart) = Create();
        uart.Initialize();
        uart.Write((string?)null);
        uart.Write("a\uD800b");
        Assert.That(Flush(device, uart), Is.EqualTo(new byte[] { 0x61, 0xEF, 0xBF, 0xBD, 0x62 }));
    }

    [Test]
    public void InterruptHandlingAndWritingDoNotAllocate()
    {
        (FakeUart16550 device, Uart16550 uart) = Create();
        uart.Initialize();
        for (int warmUp = 0; warmUp < 3; warmUp++)
        {
            device.Receive(1, 2, 3);
            uart.HandleInterrupt();
            uart.TryRead(out _);
            uart.Write("warm up é\n");
        }

        device.Receive(4, 5, 6);
        device.Transmitted.Capacity = 4096; // the fake's own list must not grow while measuring
        long[] allocated =
        {
            AllocationMeter.Measure(() => uart.HandleInterrupt()),
            AllocationMeter.Measure(() => uart.TryRead(out _)),
            AllocationMeter.Measure(() => uart.Write("no allocation here é\n")),
            AllocationMeter.Measure(() => uart.Write((byte)'!')),
        };
        Assert.That(allocated, Is.All.Zero);
    }

    private static byte[] ReadAll(Uart16550 uart)
    {
        var bytes = new List<byte>();
        while (uart.TryRead(out byte b))
        {
            bytes.Add(b);
        }

        return bytes.ToArray();
    }

    private static byte[] Flush(FakeUart16550 device, Uart16550 uart)
    {
        // One more status read lets the fake push out what is still in its FIFO.
        device.ReadByte((ushort)(uart.BasePort + 5));
        return device.Transmitted.ToArray();
    }
}

using System.Text;
using NexOS.Core.Hardware;

namespace NexOS.Drivers.Serial;

/// <summary>
/// Driver for a 16550-compatible UART (the PC's COM ports, and what QEMU emulates).
/// Reception is interrupt driven: <see cref="HandleInterrupt"/> moves received bytes into a
/// fixed ring buffer that <see cref="TryRead"/> empties. Transmission is polled with bounded
/// spins, so a missing or wedged UART slows output down but never hangs the caller.
/// </summary>
public sealed class Uart16550
{
    /// <summary>The base port of COM1.</summary>
    public const ushort Com1 = 0x3F8;

    /// <summary>The rate the UART's divisor latch divides: a divisor of 1 gives 115200 baud.</summary>
    public const uint ClockRate = 115200;

    /// <summary>How many line status polls a write waits for room in the transmitter.</summary>
    public const int TransmitSpinLimit = 100_000;

    // Register offsets from the base port. With DLAB set, offsets 0 and 1 reach the divisor latch.
    private const int Data = 0;
    private const int InterruptEnable = 1;
    private const int FifoControl = 2;
    private const int InterruptId = 2;
    private const int LineControl = 3;
    private const int ModemControl = 4;
    private const int LineStatus = 5;
    private const int ModemStatus = 6;

    private const byte LineControlDlab = 0x80;
    private const byte LineControl8N1 = 0x03;

    // Enable the FIFOs, clear both, and interrupt as soon as one byte waits: a shell wants
    // each keystroke at once, and it spares us from depending on the FIFO timeout interrupt.
    private const byte FifoEnableAndClear = 0x07;
    private const byte FifosPresent = 0xC0;

    private const byte ModemDtr = 0x01;
    private const byte ModemRts = 0x02;
    private const byte ModemOut1 = 0x04;
    private const byte ModemOut2 = 0x08;
    private const byte ModemLoop = 0x10;

    private const byte StatusDataReady = 0x01;
    private const byte StatusTransmitEmpty = 0x20;

    private const byte ReceivedDataInterrupt = 0x01;
    private const byte LoopbackPattern = 0xA5;
    private const int FifoDepth = 16;

    // A floating bus reads 0xFF and would look like endless received data; a real UART cannot
    // hold more than its FIFO, so one interrupt never needs more reads than this.
    private const int MaxDrainPerInterrupt = 256;

    private readonly IPortIo _io;
    private readonly ushort _base;
    private readonly byte[] _buffer;
    private int _head;
    private int _count;
    private int _transmitBurst = 1;

    /// <summary>Creates a driver for the UART at <paramref name="basePort"/>. The receive
    /// buffer holds <paramref name="receiveCapacity"/> bytes; values below 1 are raised to 1.
    /// Nothing touches the hardware until <see cref="Initialize"/>.</summary>
    public Uart16550(IPortIo io, ushort basePort = Com1, int receiveCapacity = 4096)
    {
        _io = io;
        _base = basePort;
        _buffer = new byte[Math.Max(1, receiveCapacity)];
    }

    /// <summary>The base I/O port this driver talks to.</summary>
    public ushort BasePort => _base;

    /// <summary>Bytes the receive buffer can hold.</summary>
    public int Capacity => _buffer.Length;

    /// <summary>Received bytes waiting for <see cref="TryRead"/>.</summary>
    public int Available => _count;

    /// <summary>Bytes taken from the UART, including those dropped because the buffer was full.</summary>
    public ulong BytesReceived { get; private set; }

    /// <summary>Received bytes discarded because the buffer was full.</summary>
    public ulong DroppedBytes { get; private set; }

    /// <summary>Bytes written to the transmitter.</summary>
    public ulong BytesSent { get; private set; }

    /// <summary>Calls of <see cref="HandleInterrupt"/>.</summary>
    public ulong Interrupts { get; private set; }

    /// <summary>Writes that found the transmitter still busy after the bounded spin.</summary>
    public ulong TransmitTimeouts { get; private set; }

    /// <summary>Why the last <see cref="Initialize"/> failed, or null when it succeeded.</summary>
    public string? InitializeError { get; private set; }

    /// <summary>
    /// Programs the UART for <paramref name="baud"/> baud, 8 data bits, no parity, one stop bit,
    /// with the FIFOs enabled and cleared, then enables the received-data interrupt and OUT2
    /// (which gates the UART's interrupt line onto the PIC on PC hardware). With
    /// <paramref name="selfTest"/> the UART first echoes a byte to itself in loopback mode.
    /// Returns false, with the reason in <see cref="InitializeError"/>, when the baud rate is
    /// not one the divisor latch can produce or the self test fails; interrupts then stay off.
    /// </summary>
    public bool Initialize(uint baud = 115200, bool selfTest = true)
    {
        InitializeError = null;
        if (baud == 0 || baud > ClockRate || ClockRate % baud != 0)
        {
            return Fail("unsupported baud rate (must divide 115200)");
        }

        ushort divisor = (ushort)(ClockRate / baud);
        WriteRegister(InterruptEnable, 0);
        WriteRegister(LineControl, LineControlDlab);
        WriteRegister(Data, (byte)divisor);
        WriteRegister(InterruptEnable, (byte)(divisor >> 8));
        WriteRegister(LineControl, LineControl8N1);
        WriteRegister(FifoControl, FifoEnableAndClear);

        // Only a 16550A with working FIFOs reports both FIFO bits; an 8250 or 16450 has none,
        // and then only one byte may be written per transmitter-empty.
        _transmitBurst = (ReadRegister(InterruptId) & FifosPresent) == FifosPresent ? FifoDepth : 1;

        if (selfTest && !LoopbackTest())
        {
            WriteRegister(ModemControl, ModemDtr | ModemRts);
            return false;
        }

        WriteRegister(ModemControl, ModemDtr | ModemRts | ModemOut2);

        // Clear anything pending from before, so the first interrupt reflects new data.
        DrainHardware(countAsReceived: false);
        ReadRegister(InterruptId);
        ReadRegister(ModemStatus);
        WriteRegister(InterruptEnable, ReceivedDataInterrupt);
        return true;
    }

    /// <summary>
    /// Moves every byte the UART holds into the receive buffer. Called from the IRQ handler:
    /// it neither allocates nor throws. When the buffer is full, new bytes are dropped and
    /// counted in <see cref="DroppedBytes"/>, so what is already queued stays in order.
    /// </summary>
    public void HandleInterrupt()
    {
        Interrupts++;
        DrainHardware(countAsReceived: true);
    }

    /// <summary>Does what <see cref="HandleInterrupt"/> does without counting an interrupt: for
    /// callers that poll, such as a loop catching bytes that arrived while interrupts were off.</summary>
    public void Poll() => DrainHardware(countAsReceived: true);

    /// <summary>Takes the oldest received byte. Returns false when none is waiting. The caller
    /// keeps <see cref="HandleInterrupt"/> from running meanwhile (interrupts off).</summary>
    public bool TryRead(out byte value)
    {
        if (_count == 0)
        {
            value = 0;
            return false;
        }

        value = _buffer[_head];
        _head = _head + 1 == _buffer.Length ? 0 : _head + 1;
        _count--;
        return true;
    }

    /// <summary>Sends one byte, first waiting (boundedly) for the transmitter to be empty.</summary>
    public void Write(byte value)
    {
        WaitForTransmitter();
        WriteRegister(Data, value);
        BytesSent++;
    }

    /// <summary>Sends the bytes as they are, filling the transmit FIFO a burst at a time.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            WaitForTransmitter();
            int burst = Math.Min(_transmitBurst, bytes.Length);
            for (int i = 0; i < burst; i++)
            {
                WriteRegister(Data, bytes[i]);
            }

            BytesSent += (ulong)burst;
            bytes = bytes[burst..];
        }
    }

    /// <summary>Sends <paramref name="text"/> as UTF-8, turning each "\n" not already preceded
    /// by "\r" into "\r\n" for terminals. Unpaired surrogates are sent as U+FFFD. A null string
    /// sends nothing. Does not allocate.</summary>
    public void Write(string? text)
    {
        if (text == null)
        {
            return;
        }

        Span<byte> chunk = stackalloc byte[64];
        int used = 0;
        ReadOnlySpan<char> rest = text;
        char previous = '\0';
        while (!rest.IsEmpty)
        {
            Rune.DecodeFromUtf16(rest, out Rune rune, out int consumed);
            rest = rest[consumed..];
            if (used > chunk.Length - 5)
            {
                Write(chunk[..used]);
                used = 0;
            }

            if (rune.Value == '\n' && previous != '\r')
            {
                chunk[used++] = (byte)'\r';
            }

            used += rune.EncodeToUtf8(chunk[used..]);
            previous = rune.Value == '\r' ? '\r' : '\0';
        }

        Write(chunk[..used]);
    }

    private void DrainHardware(bool countAsReceived)
    {
        for (int i = 0; i < MaxDrainPerInterrupt && (ReadRegister(LineStatus) & StatusDataReady) != 0; i++)
        {
            byte b = ReadRegister(Data);
            if (!countAsReceived)
            {
                continue;
            }

            BytesReceived++;
            if (_count == _buffer.Length)
            {
                DroppedBytes++;
                continue;
            }

            int tail = _head + _count;
            _buffer[tail >= _buffer.Length ? tail - _buffer.Length : tail] = b;
            _count++;
        }
    }

    private bool LoopbackTest()
    {
        if (ReadRegister(LineStatus) == 0xFF)
        {
            return Fail("no UART answers at this port (line status reads 0xFF)");
        }

        WriteRegister(ModemControl, ModemLoop | ModemOut1 | ModemOut2 | ModemRts);
        DrainHardware(countAsReceived: false);
        WaitForTransmitter();
        WriteRegister(Data, LoopbackPattern);
        for (int i = 0; i < TransmitSpinLimit; i++)
        {
            if ((ReadRegister(LineStatus) & StatusDataReady) != 0)
            {
                return ReadRegister(Data) == LoopbackPattern || Fail("loopback self test read back a different byte");
            }
        }

        return Fail("loopback self test timed out");
    }

    private void WaitForTransmitter()
    {
        for (int i = 0; i < TransmitSpinLimit; i++)
        {
            if ((ReadRegister(LineStatus) & StatusTransmitEmpty) != 0)
            {
                return;
            }
        }

        // Send anyway: a UART that never reports room is broken, and blocking here forever
        // would take the kernel's only console down with it.
        TransmitTimeouts++;
    }

    private bool Fail(string reason)
    {
        InitializeError = reason;
        return false;
    }

    private byte ReadRegister(int register) => _io.ReadByte((ushort)(_base + register));

    private void WriteRegister(int register, byte value) => _io.WriteByte((ushort)(_base + register), value);
}

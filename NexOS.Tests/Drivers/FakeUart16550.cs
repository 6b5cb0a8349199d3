using NexOS.Core.Hardware;

namespace NexOS.Tests.Drivers;

/// <summary>
/// An emulated 16550A on eight I/O ports: divisor latch behind DLAB, IER, IIR/FCR with 16-byte
/// FIFOs, LCR, MCR with loopback, LSR with DR/OE/THRE/TEMT, MSR and scratch. Bytes written to
/// THR are "transmitted" the next time LSR is read (unless <see cref="BusyReads"/> holds the
/// transmitter busy), and writing into a full transmit FIFO is counted as an overrun.
/// </summary>
internal sealed class FakeUart16550 : IPortIo
{
    private readonly Queue<byte> _rx = new();
    private readonly Queue<byte> _txFifo = new();
    private byte _lcr;
    private byte _mcr;
    private byte _scratch;
    private bool _overrun;

    public FakeUart16550(ushort basePort = 0x3F8)
    {
        Base = basePort;
    }

    public ushort Base { get; }

    /// <summary>When set, the device is missing: every read sees a floating bus (0xFF).</summary>
    public bool Absent { get; set; }

    /// <summary>When set, bytes sent in loopback mode come back with their bits inverted.</summary>
    public bool CorruptLoopback { get; set; }

    /// <summary>When set, the FCR write is ignored, as on an 8250/16450 without FIFOs.</summary>
    public bool NoFifo { get; set; }

    /// <summary>The next this-many LSR reads report the transmitter busy.</summary>
    public int BusyReads { get; set; }

    /// <summary>When set, the transmitter never reports empty.</summary>
    public bool NeverReady { get; set; }

    public byte DivisorLow { get; private set; }

    public byte DivisorHigh { get; private set; }

    public byte InterruptEnable { get; private set; }

    public byte LineControl => _lcr;

    public byte ModemControl => _mcr;

    public bool FifoEnabled { get; private set; }

    public int FifoControlWrites { get; private set; }

    public List<byte> Transmitted { get; } = new();

    public int TransmitOverruns { get; private set; }

    public int LineStatusReads { get; private set; }

    public int ReceiveCount => _rx.Count;

    /// <summary>True when the device would assert its interrupt line towards the PIC.</summary>
    public bool IrqAsserted => (InterruptEnable & 1) != 0 && _rx.Count > 0 && (_mcr & 0x08) != 0;

    private bool Dlab => (_lcr & 0x80) != 0;

    private int FifoDepth => FifoEnabled ? 16 : 1;

    /// <summary>Bytes arriving on the wire; those that do not fit the receive FIFO are lost
    /// and set the overrun bit, as on the real chip.</summary>
    public void Receive(params byte[] bytes)
    {
        foreach (byte b in bytes)
        {
            if (_rx.Count >= FifoDepth)
            {
                _overrun = true;
                continue;
            }

            _rx.Enqueue(b);
        }
    }

    public byte ReadByte(ushort port)
    {
        if (Absent || port < Base || port > Base + 7)
        {
            return 0xFF;
        }

        switch (port - Base)
        {
            case 0:
                return Dlab ? DivisorLow : _rx.Count > 0 ? _rx.Dequeue() : (byte)0;
            case 1:
                return Dlab ? DivisorHigh : InterruptEnable;
            case 2:
                byte fifoBits = FifoEnabled ? (byte)0xC0 : (byte)0;
                return (byte)(fifoBits | ((InterruptEnable & 1) != 0 && _rx.Count > 0 ? 0x04 : 0x01));
            case 3:
                return _lcr;
            case 4:
                return _mcr;
            case 5:
                return LineStatus();
            case 6:
                return 0xB0;
            default:
                return _scratch;
        }
    }

    public void WriteByte(ushort port, byte value)
    {
        if (Absent || port < Base || port > Base + 7)
        {
            return;
        }

        switch (port - Base)
        {
            case 0 when Dlab:
                DivisorLow = value;
                break;
            case 0:
                Transmit(value);
                break;
            case 1 when Dlab:
                DivisorHigh = value;
                break;
            case 1:
                InterruptEnable = (byte)(value & 0x0F);
                break;
            case 2:
                FifoControlWrites++;
                if (NoFifo)
                {
                    break;
                }

                FifoEnabled = (value & 1) != 0;
                if ((value & 2) != 0)
                {
                    _rx.Clear();
                }

                if ((value & 4) != 0)
                {
                    _txFifo.Clear();
                }

                break;
            case 3:
                _lcr = value;
                break;
            case 4:
                _mcr = (byte)(value & 0x1F);
                break;
            case 7:
                _scratch = value;
                break;
        }
    }

    public ushort ReadUInt16(ushort port) => throw new NotSupportedException("a 16550 has only byte registers");

    public void WriteUInt16(ushort port, ushort value) => throw new NotSupportedException("a 16550 has only byte registers");

    public uint ReadUInt32(ushort port) => throw new NotSupportedException("a 16550 has only byte registers");

    public void WriteUInt32(ushort port, uint value) => throw new NotSupportedException("a 16550 has only byte registers");

    private void Transmit(byte value)
    {
        if ((_mcr & 0x10) != 0)
        {
            Receive(CorruptLoopback ? (byte)~value : value);
            return;
        }

        if (_txFifo.Count >= FifoDepth)
        {
            TransmitOverruns++;
            return;
        }

        _txFifo.Enqueue(value);
    }

    private byte LineStatus()
    {
        LineStatusReads++;
        bool busy = NeverReady || BusyReads > 0;
        if (BusyReads > 0)
        {
            BusyReads--;
        }

        if (!busy)
        {
            // The wire is infinitely fast once the transmitter is allowed to run.
            while (_txFifo.Count > 0)
            {
                Transmitted.Add(_txFifo.Dequeue());
            }
        }

        byte status = 0;
        if (_rx.Count > 0)
        {
            status |= 0x01;
        }

        if (_overrun)
        {
            status |= 0x02;
            _overrun = false;
        }

        if (!busy && _txFifo.Count == 0)
        {
            status |= 0x60;
        }

        return status;
    }
}

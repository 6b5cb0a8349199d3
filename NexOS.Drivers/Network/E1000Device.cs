using NexOS.Drivers.Hardware;
using static NexOS.Drivers.Network.E1000Registers;

namespace NexOS.Drivers.Network;

/// <summary>
/// The Intel e1000/e1000e driver (82540EM, QEMU's default NIC; 82545EM, VMware's; 82574L,
/// e1000e) with legacy descriptors: a receive ring and a transmit ring in the DMA region, each
/// descriptor one 2 KiB buffer. Receive descriptors are handed to the device by moving the
/// tail past them; the driver reads a descriptor only once the device set its Done bit, and
/// checks what it wrote: a frame that is not whole (no End-of-Packet), has receive errors, or
/// has a length outside an Ethernet frame is dropped and its buffer handed back. Transmit
/// descriptors are reclaimed once the device reports them done. Interrupt causes are read
/// from ICR, which also lowers the line.
/// </summary>
public sealed class E1000Device : INetworkDevice
{
    /// <summary>Bytes of each buffer (the device's 2048-byte receive buffer size).</summary>
    public const int BufferBytes = 2048;

    /// <summary>How often the reset bit is polled before the device counts as hung.</summary>
    public const int ResetWaitLimit = 10_000;

    private const uint EnabledCauses = IntTxdw | IntLsc | IntRxdmt0 | IntRxo | IntRxt0;

    private readonly IMmioRegion _regs;
    private readonly DmaRegion _dma;
    private readonly int _count;
    private readonly byte[] _mac;
    private int _rxNext;
    private int _txTail;
    private int _txClean;
    private int _txReservedLength = -1;
    private bool _rxPeeked;
    private bool _rxReturned;
    private bool _txQueued;
    private uint _causes;

    private E1000Device(IMmioRegion regs, DmaRegion dma, int count, byte[] mac)
    {
        _regs = regs;
        _dma = dma;
        _count = count;
        _mac = mac;
    }

    /// <inheritdoc/>
    public ReadOnlySpan<byte> MacAddress => _mac;

    /// <inheritdoc/>
    public bool LinkUp { get; private set; }

    /// <inheritdoc/>
    public bool Broken { get; private set; }

    /// <inheritdoc/>
    public NicCounters Counters { get; } = new();

    /// <summary>Descriptors in each ring.</summary>
    public int RingSize => _count;

    /// <summary>DMA bytes a driver with rings of <paramref name="count"/> descriptors needs.</summary>
    public static int RequiredDmaBytes(int count) => 2 * ((count * DescriptorBytes) + (count * BufferBytes));

    /// <summary>
    /// Resets the controller behind <paramref name="regs"/> (BAR 0), masks its interrupts, reads
    /// the MAC from receive address 0 (which the device loads from its EEPROM), lays out rings
    /// of <paramref name="count"/> descriptors (a multiple of 8, 8 to 4096) and their buffers in
    /// <paramref name="dma"/>, starts receiving and transmitting, sets the link up and unmasks
    /// the interrupts the driver handles. Null with the reason in <paramref name="why"/> when the
    /// reset never ends, the address is missing or not a station's, or the DMA is too small.
    /// </summary>
    public static E1000Device? Create(IMmioRegion regs, DmaRegion dma, int count, IWaiter waiter, out string why)
    {
        why = string.Empty;
        if (count < 8 || count > 4096 || count % 8 != 0 || dma.Length < RequiredDmaBytes(count) || (dma.PhysicalBase & 15) != 0)
        {
            why = "the DMA region or ring size does not fit";
            return null;
        }

        regs.Write32(Imc, uint.MaxValue);
        regs.Write32(Ctrl, regs.Read32(Ctrl) | CtrlReset);
        int waits = 0;
        while ((regs.Read32(Ctrl) & CtrlReset) != 0)
        {
            if (++waits > ResetWaitLimit || !waiter.Wait())
            {
                why = "the controller did not finish its reset";
                return null;
            }
        }

        regs.Write32(Imc, uint.MaxValue);
        _ = regs.Read32(Icr);
        uint high = regs.Read32(Rah0), low = regs.Read32(Ral0);
        byte[] mac = [(byte)low, (byte)(low >> 8), (byte)(low >> 16), (byte)(low >> 24), (byte)high, (byte)(high >> 8)];
        bool zero = low == 0 && (high & 0xFFFF) == 0;
        if ((high & RahAddressValid) == 0 || zero || (mac[0] & 1) != 0)
        {
            why = "the controller has no station address";
            return null;
        }

        var device = new E1000Device(regs, dma, count, mac);
        device.Start();
        return device;
    }

    private void Start()
    {
        for (int i = 0; i < MtaEntries; i++)
        {
            _regs.Write32(Mta + (ulong)(4 * i), 0);
        }

        Span<byte> rings = _dma.Span[..(2 * _count * DescriptorBytes)];
        rings.Clear();
        for (int i = 0; i < _count; i++)
        {
            _dma.WriteUInt64(RxDesc(i), _dma.PhysicalAddress(RxBuffer(i)));
        }

        ulong rx = _dma.PhysicalAddress(RxDesc(0)), tx = _dma.PhysicalAddress(TxDesc(0));
        _regs.Write32(Rdbal, (uint)rx);
        _regs.Write32(Rdbah, (uint)(rx >> 32));
        _regs.Write32(Rdlen, (uint)(_count * DescriptorBytes));
        _regs.Write32(Rdh, 0);
        _regs.Write32(Rdt, (uint)(_count - 1));
        _regs.Write32(Tdbal, (uint)tx);
        _regs.Write32(Tdbah, (uint)(tx >> 32));
        _regs.Write32(Tdlen, (uint)(_count * DescriptorBytes));
        _regs.Write32(Tdh, 0);
        _regs.Write32(Tdt, 0);
        _regs.Write32(Tipg, TipgCopper);
        _regs.Write32(Tctl, TctlEnable | TctlPad | TctlCollisionThreshold | TctlCollisionDistance);
        _regs.Write32(Rctl, RctlEnable | RctlBroadcast | RctlStripCrc);
        _regs.Write32(Ctrl, _regs.Read32(Ctrl) | CtrlSetLinkUp);
        _regs.Write32(Ims, EnabledCauses);
        LinkUp = (_regs.Read32(Status) & StatusLinkUp) != 0;
    }

    /// <inheritdoc/>
    public ReadOnlySpan<byte> PeekReceived()
    {
        // Bounded: each pass consumes one descriptor of the ring.
        for (int i = 0; i < _count && !Broken; i++)
        {
            int at = RxDesc(_rxNext);
            byte status = _dma.ReadByte(at + 12);
            if ((status & DescDone) == 0)
            {
                return default;
            }

            DmaRegion.Fence();
            int length = _dma.ReadUInt16(at + 8);
            byte errors = _dma.ReadByte(at + 13);
            if ((status & DescEop) == 0 || errors != 0 || length < NicCounters.MinFrameBytes || length > NicCounters.MaxFrameBytes)
            {
                Counters.ReceiveErrors++;
                Recycle();
                continue;
            }

            if (!_rxPeeked)
            {
                _rxPeeked = true;
                Counters.FramesReceived++;
                Counters.BytesReceived += (ulong)length;
            }

            return _dma.Span.Slice(RxBuffer(_rxNext), length);
        }

        return default;
    }

    /// <inheritdoc/>
    public void ReleaseReceived()
    {
        if (_rxPeeked)
        {
            _rxPeeked = false;
            Recycle();
        }
    }

    /// <inheritdoc/>
    public Span<byte> ReserveTransmit(int length)
    {
        if (Broken || length < NicCounters.MinFrameBytes || length > NicCounters.MaxFrameBytes)
        {
            return default;
        }

        Reclaim();
        if ((_txTail + 1) % _count == _txClean)
        {
            Counters.TransmitRingFull++;
            return default;
        }

        _txReservedLength = length;
        return _dma.Span.Slice(TxBuffer(_txTail), length);
    }

    /// <inheritdoc/>
    public void SubmitTransmit()
    {
        if (_txReservedLength < 0 || Broken)
        {
            return;
        }

        int at = TxDesc(_txTail);
        _dma.WriteUInt64(at, _dma.PhysicalAddress(TxBuffer(_txTail)));
        _dma.WriteUInt16(at + 8, (ushort)_txReservedLength);
        _dma.WriteByte(at + 10, 0);
        _dma.WriteByte(at + 11, CmdEop | CmdIfcs | CmdRs);
        _dma.WriteByte(at + 12, 0);
        Counters.FramesSent++;
        Counters.BytesSent += (ulong)_txReservedLength;
        _txReservedLength = -1;
        _txTail = (_txTail + 1) % _count;
        _txQueued = true;
    }

    /// <inheritdoc/>
    public void Kick()
    {
        // Descriptors must be in memory before the tail that hands them over.
        DmaRegion.Fence();
        if (_rxReturned)
        {
            _rxReturned = false;
            _regs.Write32(Rdt, (uint)((_rxNext + _count - 1) % _count));
        }

        if (_txQueued)
        {
            _txQueued = false;
            _regs.Write32(Tdt, (uint)_txTail);
        }
    }

    /// <summary>Reads (and thereby acknowledges, lowering the line) the interrupt causes; they
    /// are kept for <see cref="Service"/>.</summary>
    public void AcknowledgeInterrupt() => _causes |= _regs.Read32(Icr);

    /// <inheritdoc/>
    public bool Service()
    {
        Counters.Interrupts++;
        uint causes = _causes | _regs.Read32(Icr);
        _causes = 0;
        if ((causes & IntRxo) != 0)
        {
            Counters.ReceiveErrors++;
        }

        Reclaim();
        bool was = LinkUp;
        uint status = _regs.Read32(Status);
        if (status == uint.MaxValue)
        {
            // All ones: the device is gone from the bus.
            Broken = true;
        }

        LinkUp = !Broken && (status & StatusLinkUp) != 0;
        if (was == LinkUp)
        {
            return false;
        }

        Counters.LinkChanges++;
        return true;
    }

    private int RxDesc(int i) => i * DescriptorBytes;

    private int TxDesc(int i) => (_count + i) * DescriptorBytes;

    private int RxBuffer(int i) => (2 * _count * DescriptorBytes) + (i * BufferBytes);

    private int TxBuffer(int i) => (2 * _count * DescriptorBytes) + ((_count + i) * BufferBytes);

    // The descriptor at the head of the ring goes back to the device (at the next Kick).
    private void Recycle()
    {
        int at = RxDesc(_rxNext);
        _dma.WriteUInt64(at, _dma.PhysicalAddress(RxBuffer(_rxNext)));
        _dma.WriteUInt64(at + 8, 0);
        _rxNext = (_rxNext + 1) % _count;
        _rxReturned = true;
    }

    private void Reclaim()
    {
        for (int i = 0; i < _count && _txClean != _txTail; i++)
        {
            if ((_dma.ReadByte(TxDesc(_txClean) + 12) & DescDone) == 0)
            {
                return;
            }

            _txClean = (_txClean + 1) % _count;
        }
    }
}

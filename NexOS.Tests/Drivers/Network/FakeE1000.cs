using NexOS.Drivers.Hardware;

namespace NexOS.Tests.Drivers.Network;

/// <summary>
/// A host model of an Intel 8254x's registers and legacy rings: a reset that ends after a few
/// reads, the station address in RAL0/RAH0, a receive ring the test fills with
/// <see cref="Inject"/> (in the buffers the driver posted, up to the tail) and a transmit ring
/// the model drains when the tail moves (<see cref="Sent"/>). Knobs make it hostile.
/// </summary>
internal sealed class FakeE1000 : IMmioRegion
{
    private readonly DmaRegion _dma;
    private readonly Dictionary<ulong, uint> _regs = new();
    private int _resetReads;

    public FakeE1000(DmaRegion dma)
    {
        _dma = dma;
        _regs[0x0008] = 0x2; // STATUS: link up
        _regs[0x5400] = 0x12005452;
        _regs[0x5404] = 0x80005634;
    }

    public ulong Length => 0x20000;

    public List<byte[]> Sent { get; } = new();

    public int ResetReadsNeeded { get; set; } = 3;

    public bool ResetHangs { get; set; }

    public uint InterruptMask => Get(0x00D0);

    public uint Pending { get; set; }

    /// <summary>Overrides the receive descriptor the model writes back: (length, status, errors).</summary>
    public Func<(ushort Length, byte Status, byte Errors), (ushort, byte, byte)>? Writeback { get; set; }

    public bool LinkUp
    {
        get => (Get(0x0008) & 2) != 0;
        set => _regs[0x0008] = value ? 2u : 0u;
    }

    public int ReceiveBuffersAvailable
    {
        get
        {
            int count = (int)(Get(0x2808) / 16);
            return count == 0 ? 0 : (int)((Get(0x2818) - Get(0x2810) + (uint)count) % (uint)count);
        }
    }

    /// <summary>Delivers a frame into the next descriptor the driver owns to the device; false
    /// when the ring has none (the frame is lost).</summary>
    public bool Inject(ReadOnlySpan<byte> frame)
    {
        if ((Get(0x0100) & 2) == 0 || ReceiveBuffersAvailable == 0)
        {
            return false;
        }

        uint head = Get(0x2810);
        int desc = Offset(Ring(0x2800)) + (int)(16 * head);
        int buffer = Offset(_dma.ReadUInt64(desc));
        frame.CopyTo(_dma.Span.Slice(buffer, Math.Min(frame.Length, 2048)));
        (ushort length, byte status, byte errors) = Writeback?.Invoke(((ushort)frame.Length, 3, 0)) ?? ((ushort)frame.Length, (byte)3, (byte)0);
        _dma.WriteUInt16(desc + 8, length);
        _dma.WriteByte(desc + 13, errors);
        _dma.WriteByte(desc + 12, status);
        _regs[0x2810] = (head + 1) % (Get(0x2808) / 16);
        Pending |= 1u << 7;
        return true;
    }

    public byte Read8(ulong offset) => (byte)Read32(offset & ~3UL);

    public ushort Read16(ulong offset) => (ushort)Read32(offset & ~3UL);

    public uint Read32(ulong offset)
    {
        switch (offset)
        {
            case 0x0000 when (Get(0) & (1u << 26)) != 0:
                if (!ResetHangs && ++_resetReads >= ResetReadsNeeded)
                {
                    _regs[0] = Get(0) & ~(1u << 26);
                }

                return Get(0);
            case 0x00C0:
                uint causes = Pending;
                Pending = 0;
                return causes;
            default:
                return Get(offset);
        }
    }

    public ulong Read64(ulong offset) => Read32(offset) | ((ulong)Read32(offset + 4) << 32);

    public void Write8(ulong offset, byte value) => Write32(offset & ~3UL, value);

    public void Write16(ulong offset, ushort value) => Write32(offset & ~3UL, value);

    public void Write32(ulong offset, uint value)
    {
        switch (offset)
        {
            case 0x00D0:
                _regs[0x00D0] = Get(0x00D0) | value;
                return;
            case 0x00D8:
                _regs[0x00D0] = Get(0x00D0) & ~value;
                return;
            case 0x0000 when (value & (1u << 26)) != 0:
                _resetReads = 0;
                break;
        }

        _regs[offset] = value;
        if (offset == 0x3818)
        {
            Transmit();
        }
    }

    public void Write64(ulong offset, ulong value)
    {
        Write32(offset, (uint)value);
        Write32(offset + 4, (uint)(value >> 32));
    }

    private void Transmit()
    {
        uint count = Get(0x3808) / 16;
        if ((Get(0x0400) & 2) == 0 || count == 0)
        {
            return;
        }

        while (Get(0x3810) != Get(0x3818))
        {
            uint head = Get(0x3810);
            int desc = Offset(Ring(0x3800)) + (int)(16 * head);
            int buffer = Offset(_dma.ReadUInt64(desc));
            int length = _dma.ReadUInt16(desc + 8);
            Sent.Add(_dma.Span.Slice(buffer, length).ToArray());
            _dma.WriteByte(desc + 12, 1);
            _regs[0x3810] = (head + 1) % count;
            Pending |= 1;
        }
    }

    private uint Get(ulong offset) => _regs.TryGetValue(offset, out uint v) ? v : 0;

    private ulong Ring(ulong low) => Get(low) | ((ulong)Get(low + 4) << 32);

    private int Offset(ulong physical) => (int)(physical - _dma.PhysicalBase);
}

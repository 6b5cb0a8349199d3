using System.Buffers.Binary;
using NexOS.Drivers.Hardware;

namespace NexOS.Tests.Drivers.Virtio;

/// <summary>
/// A virtio-net device model on the host, with FakeVirtioBlk's register layout: queue 0
/// receives (the test injects frames, which land in the driver's posted buffers after a
/// 12-byte header), queue 1 transmits (each chain's frame is recorded in <see cref="Sent"/>).
/// Knobs make it hostile.
/// </summary>
internal sealed class FakeVirtioNet : IMmioRegion
{
    private const ulong CommonAt = FakeVirtioBlk.CommonAt, IsrAt = FakeVirtioBlk.IsrAt, DeviceAt = FakeVirtioBlk.DeviceAt, NotifyAt = FakeVirtioBlk.NotifyAt;

    private readonly DmaRegion _dma;
    private readonly Queue[] _queues = [new(), new()];
    private uint _deviceFeatureSelect;
    private uint _driverFeatureSelect;
    private ushort _queueSelect;

    public FakeVirtioNet(DmaRegion dma, ulong features)
    {
        _dma = dma;
        OfferedFeatures = features;
    }

    public ulong OfferedFeatures { get; set; }

    public ulong DriverFeatures { get; private set; }

    public byte Status { get; private set; }

    public byte[] Mac { get; set; } = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56];

    public ushort LinkStatus { get; set; } = 1;

    public ushort MaxQueueSize { get; set; } = 256;

    public ushort VectorsAvailable { get; set; } = 8;

    public List<byte[]> Sent { get; } = new();

    public List<byte[]> SentHeaders { get; } = new();

    public byte Isr { get; set; }

    /// <summary>Overrides the used length the device reports for a received frame.</summary>
    public Func<uint, uint>? ReceiveLengthOverride { get; set; }

    /// <summary>Overrides the id the device reports in a used entry (queue, head).</summary>
    public Func<int, uint, uint>? UsedIdOverride { get; set; }

    public ulong Length => 0x4000;

    public ushort QueueSize(int queue) => _queues[queue].Size;

    public ushort QueueVector(int queue) => _queues[queue].Vector;

    public ushort ConfigVector { get; private set; } = 0xFFFF;

    /// <summary>Buffers the driver has posted on the receive queue and the device not used.</summary>
    public int ReceiveBuffersAvailable
    {
        get
        {
            Queue q = _queues[0];
            return q.Enabled ? (ushort)(_dma.ReadUInt16(Offset(q.Avail) + 2) - q.LastAvail) : 0;
        }
    }

    /// <summary>Delivers <paramref name="frame"/> into the next posted receive buffer; false
    /// when the driver has none posted (the frame is lost, as on a real wire).</summary>
    public bool Inject(ReadOnlySpan<byte> frame)
    {
        Queue q = _queues[0];
        if (!q.Enabled || (Status & 4) == 0 || ReceiveBuffersAvailable == 0)
        {
            return false;
        }

        ushort head = _dma.ReadUInt16(Offset(q.Avail) + 4 + (2 * (q.LastAvail % q.Size)));
        q.LastAvail++;
        int at = Offset(q.Desc) + (16 * head);
        int buffer = Offset(_dma.ReadUInt64(at));
        uint capacity = _dma.ReadUInt32(at + 8);
        uint length = (uint)Math.Min(frame.Length + 12, capacity);
        _dma.Span.Slice(buffer, 12).Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(_dma.Span.Slice(buffer + 10), 1);
        frame[..(int)(length - 12)].CopyTo(_dma.Span.Slice(buffer + 12));
        Use(0, head, ReceiveLengthOverride?.Invoke(length) ?? length);
        return true;
    }

    public byte Read8(ulong offset) => offset switch
    {
        CommonAt + 0x14 => Status,
        CommonAt + 0x15 => 0,
        IsrAt => TakeIsr(),
        >= DeviceAt and < DeviceAt + 6 => Mac[(int)(offset - DeviceAt)],
        _ => (byte)Read32(offset & ~3UL),
    };

    public ushort Read16(ulong offset) => offset switch
    {
        CommonAt + 0x10 => ConfigVector,
        CommonAt + 0x12 => 2,
        CommonAt + 0x16 => _queueSelect,
        CommonAt + 0x18 => _queueSelect < 2 ? (_queues[_queueSelect].Size != 0 ? _queues[_queueSelect].Size : MaxQueueSize) : (ushort)0,
        CommonAt + 0x1A => _queueSelect < 2 ? _queues[_queueSelect].Vector : (ushort)0xFFFF,
        CommonAt + 0x1C => _queueSelect < 2 && _queues[_queueSelect].Enabled ? (ushort)1 : (ushort)0,
        CommonAt + 0x1E => _queueSelect,
        DeviceAt + 6 => LinkStatus,
        _ => (ushort)Read32(offset & ~3UL),
    };

    public uint Read32(ulong offset) => offset switch
    {
        CommonAt + 0x04 => _deviceFeatureSelect > 1 ? 0 : (uint)(OfferedFeatures >> (int)(32 * _deviceFeatureSelect)),
        _ => 0,
    };

    public ulong Read64(ulong offset) => Read32(offset) | ((ulong)Read32(offset + 4) << 32);

    public void Write8(ulong offset, byte value)
    {
        if (offset != CommonAt + 0x14)
        {
            return;
        }

        if (value == 0)
        {
            Status = 0;
            DriverFeatures = 0;
            ConfigVector = 0xFFFF;
            _queues[0] = new Queue();
            _queues[1] = new Queue();
            return;
        }

        Status = (value & 8) != 0 && (DriverFeatures & ~OfferedFeatures) != 0 ? (byte)(value & ~8) : value;
    }

    public void Write16(ulong offset, ushort value)
    {
        Queue? q = _queueSelect < 2 ? _queues[_queueSelect] : null;
        switch (offset)
        {
            case CommonAt + 0x10:
                ConfigVector = value == 0xFFFF || value < VectorsAvailable ? value : (ushort)0xFFFF;
                break;
            case CommonAt + 0x16:
                _queueSelect = value;
                break;
            case CommonAt + 0x18 when q != null:
                q.Size = value;
                break;
            case CommonAt + 0x1A when q != null:
                q.Vector = value == 0xFFFF || value < VectorsAvailable ? value : (ushort)0xFFFF;
                break;
            case CommonAt + 0x1C when q != null:
                q.Enabled = value == 1;
                break;
            case >= NotifyAt and < NotifyAt + 0x1000:
                if (value == 1)
                {
                    Transmit();
                }

                break;
        }
    }

    public void Write32(ulong offset, uint value)
    {
        Queue? q = _queueSelect < 2 ? _queues[_queueSelect] : null;
        static ulong Merge(ulong old, uint v, bool hi) => hi ? (old & 0xFFFFFFFFUL) | ((ulong)v << 32) : (old & ~0xFFFFFFFFUL) | v;
        bool high = (offset & 4) != 0;
        switch (offset)
        {
            case CommonAt + 0x00:
                _deviceFeatureSelect = value;
                break;
            case CommonAt + 0x08:
                _driverFeatureSelect = value;
                break;
            case CommonAt + 0x0C:
                DriverFeatures = _driverFeatureSelect == 0 ? (DriverFeatures & ~0xFFFFFFFFUL) | value : (DriverFeatures & 0xFFFFFFFFUL) | ((ulong)value << 32);
                break;
            case >= CommonAt + 0x20 and < CommonAt + 0x28 when q != null:
                q.Desc = Merge(q.Desc, value, high);
                break;
            case >= CommonAt + 0x28 and < CommonAt + 0x30 when q != null:
                q.Avail = Merge(q.Avail, value, high);
                break;
            case >= CommonAt + 0x30 and < CommonAt + 0x38 when q != null:
                q.Used = Merge(q.Used, value, high);
                break;
        }
    }

    public void Write64(ulong offset, ulong value)
    {
        Write32(offset, (uint)value);
        Write32(offset + 4, (uint)(value >> 32));
    }

    /// <summary>Consumes every queued transmit chain.</summary>
    public void Transmit()
    {
        Queue q = _queues[1];
        if (!q.Enabled || (Status & 4) == 0)
        {
            return;
        }

        ushort availIdx = _dma.ReadUInt16(Offset(q.Avail) + 2);
        while (q.LastAvail != availIdx)
        {
            ushort head = _dma.ReadUInt16(Offset(q.Avail) + 4 + (2 * (q.LastAvail % q.Size)));
            q.LastAvail++;
            int at = Offset(q.Desc) + (16 * head);
            int buffer = Offset(_dma.ReadUInt64(at));
            int length = (int)_dma.ReadUInt32(at + 8);
            SentHeaders.Add(_dma.Span.Slice(buffer, 12).ToArray());
            Sent.Add(_dma.Span.Slice(buffer + 12, length - 12).ToArray());
            Use(1, head, 0);
        }
    }

    private void Use(int queue, ushort head, uint length)
    {
        Queue q = _queues[queue];
        int at = Offset(q.Used) + 4 + (8 * (q.UsedIdx % q.Size));
        _dma.WriteUInt32(at, UsedIdOverride?.Invoke(queue, head) ?? head);
        _dma.WriteUInt32(at + 4, length);
        q.UsedIdx++;
        DmaRegion.Fence();
        _dma.WriteUInt16(Offset(q.Used) + 2, q.UsedIdx);
        Isr |= 1;
    }

    private int Offset(ulong physical) => (int)(physical - _dma.PhysicalBase);

    private byte TakeIsr()
    {
        byte value = Isr;
        Isr = 0;
        return value;
    }

    private sealed class Queue
    {
        public ushort Size;
        public ushort Vector = 0xFFFF;
        public bool Enabled;
        public ulong Desc;
        public ulong Avail;
        public ulong Used;
        public ushort LastAvail;
        public ushort UsedIdx;
    }
}

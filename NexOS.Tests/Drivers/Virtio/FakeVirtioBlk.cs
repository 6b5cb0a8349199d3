using System.Buffers.Binary;
using NexOS.Drivers.Hardware;

namespace NexOS.Tests.Drivers.Virtio;

/// <summary>
/// A virtio-blk device model on the host: BAR 0 holds the common configuration (0x0000),
/// ISR (0x1000), device configuration (0x2000) and notify (0x3000, multiplier 4) structures;
/// it reads the driver's queue from the shared DMA region, executes requests against an
/// array and writes the used ring. Knobs make it hostile.
/// </summary>
internal sealed partial class FakeVirtioBlk : IMmioRegion
{
    public const ulong CommonAt = 0x0000, IsrAt = 0x1000, DeviceAt = 0x2000, NotifyAt = 0x3000;
    public const uint NotifyMultiplier = 4;

    private readonly DmaRegion _dma;
    private uint _deviceFeatureSelect;
    private uint _driverFeatureSelect;
    private ushort _queueSelect;
    private ushort _lastAvail;
    private ushort _usedIdx;

    public FakeVirtioBlk(DmaRegion dma, ulong sectors, ulong features)
    {
        _dma = dma;
        Disk = new byte[sectors * 512];
        Capacity = sectors;
        OfferedFeatures = features;
    }

    public byte[] Disk { get; }

    public ulong Capacity { get; set; }

    public ulong OfferedFeatures { get; set; }

    public ulong DriverFeatures { get; private set; }

    public byte Status { get; private set; }

    public List<byte> StatusWrites { get; } = new();

    public ushort MaxQueueSize { get; set; } = 256;

    public ushort QueueSize { get; private set; }

    public ushort QueueVector { get; private set; } = 0xFFFF;

    public ushort ConfigVector { get; private set; } = 0xFFFF;

    public ushort VectorsAvailable { get; set; } = 8;

    public bool QueueEnabled { get; private set; }

    public ulong DescAddress { get; private set; }

    public ulong AvailAddress { get; private set; }

    public ulong UsedAddress { get; private set; }

    public uint BlkSize { get; set; } = 512;

    public uint SizeMax { get; set; } = 1 << 20;

    public uint SegMax { get; set; } = 126;

    public byte Generation { get; set; }

    public byte Isr { get; set; }

    public int Flushes { get; private set; }

    public int Notifies { get; private set; }

    public int Processed { get; private set; }

    // Hostile and behavioural knobs.
    public bool AutoProcess { get; set; } = true;

    public bool RefuseFeaturesOk { get; set; }

    public bool ResetHangs { get; set; }

    public bool Silent { get; set; }

    public bool GenerationAlwaysChanges { get; set; }

    public Func<int, uint, uint>? UsedIdOverride { get; set; }

    public Func<uint, uint>? UsedLengthOverride { get; set; }

    public Func<byte, byte>? StatusOverride { get; set; }

    public ushort UsedIndexExtra { get; set; }

    public byte[] Id { get; } = "nexos-fake-serial-01"u8.ToArray();

    public ulong Length => 0x4000;

    public byte Read8(ulong offset) => offset switch
    {
        CommonAt + 0x14 => Status,
        CommonAt + 0x15 => GenerationAlwaysChanges ? Generation++ : Generation,
        IsrAt => TakeIsr(),
        _ => (byte)Read32(offset & ~3UL),
    };

    public ushort Read16(ulong offset) => offset switch
    {
        CommonAt + 0x10 => ConfigVector,
        CommonAt + 0x12 => 1,
        CommonAt + 0x16 => _queueSelect,
        CommonAt + 0x18 => _queueSelect == 0 ? (QueueSize != 0 ? QueueSize : MaxQueueSize) : (ushort)0,
        CommonAt + 0x1A => QueueVector,
        CommonAt + 0x1C => QueueEnabled ? (ushort)1 : (ushort)0,
        CommonAt + 0x1E => 0,
        _ => (ushort)Read32(offset & ~3UL),
    };

    public uint Read32(ulong offset) => offset switch
    {
        CommonAt + 0x04 => (uint)(OfferedFeatures >> (int)(32 * Math.Min(_deviceFeatureSelect, 1))) & (_deviceFeatureSelect > 1 ? 0 : uint.MaxValue),
        DeviceAt + 0 => (uint)Capacity,
        DeviceAt + 4 => (uint)(Capacity >> 32),
        DeviceAt + 8 => SizeMax,
        DeviceAt + 12 => SegMax,
        DeviceAt + 20 => BlkSize,
        _ => 0,
    };

    public ulong Read64(ulong offset) => Read32(offset) | ((ulong)Read32(offset + 4) << 32);

    public void Write8(ulong offset, byte value)
    {
        if (offset != CommonAt + 0x14)
        {
            return;
        }

        StatusWrites.Add(value);
        if (value == 0)
        {
            if (!ResetHangs)
            {
                Reset();
            }

            return;
        }

        if ((value & 8) != 0 && (RefuseFeaturesOk || (DriverFeatures & ~OfferedFeatures) != 0))
        {
            value = (byte)(value & ~8);
        }

        Status = value;
    }

    public void Write16(ulong offset, ushort value)
    {
        switch (offset)
        {
            case CommonAt + 0x10:
                ConfigVector = value == 0xFFFF || value < VectorsAvailable ? value : (ushort)0xFFFF;
                break;
            case CommonAt + 0x16:
                _queueSelect = value;
                break;
            case CommonAt + 0x18:
                QueueSize = value;
                break;
            case CommonAt + 0x1A:
                QueueVector = value == 0xFFFF || value < VectorsAvailable ? value : (ushort)0xFFFF;
                break;
            case CommonAt + 0x1C:
                QueueEnabled = value == 1;
                break;
            case NotifyAt:
                Notifies++;
                if (AutoProcess)
                {
                    Process();
                }

                break;
        }
    }

    public void Write32(ulong offset, uint value)
    {
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
            case >= CommonAt + 0x20 and < CommonAt + 0x38:
                SetAddress(offset, value);
                break;
        }
    }

    public void Write64(ulong offset, ulong value)
    {
        Write32(offset, (uint)value);
        Write32(offset + 4, (uint)(value >> 32));
    }

    /// <summary>PCI configuration space with the four virtio capabilities.</summary>
    public static byte[] ConfigSpace()
    {
        byte[] config = new byte[256];
        config[0x06] = 0x10;
        config[0x34] = 0x40;
        WriteCap(config, 0x40, 0x54, 1, (uint)CommonAt, 0x38, 16);
        WriteCap(config, 0x54, 0x68, 3, (uint)IsrAt, 4, 16);
        WriteCap(config, 0x68, 0x7C, 4, (uint)DeviceAt, 0x40, 16);
        WriteCap(config, 0x7C, 0x00, 2, (uint)NotifyAt, 0x1000, 20);
        BinaryPrimitives.WriteUInt32LittleEndian(config.AsSpan(0x7C + 16), NotifyMultiplier);
        return config;
    }

    public static void WriteCap(byte[] config, int at, int next, byte type, uint offset, uint length, byte capLength)
    {
        config[at] = 0x09;
        config[at + 1] = (byte)next;
        config[at + 2] = capLength;
        config[at + 3] = type;
        config[at + 4] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(config.AsSpan(at + 8), offset);
        BinaryPrimitives.WriteUInt32LittleEndian(config.AsSpan(at + 12), length);
    }

    private byte TakeIsr()
    {
        byte value = Isr;
        Isr = 0;
        return value;
    }

    private void Reset()
    {
        Status = 0;
        DriverFeatures = 0;
        QueueEnabled = false;
        QueueSize = 0;
        _lastAvail = 0;
        _usedIdx = 0;
        QueueVector = 0xFFFF;
        ConfigVector = 0xFFFF;
    }

    private void SetAddress(ulong offset, uint value)
    {
        ulong field = offset & ~7UL;
        bool high = (offset & 4) != 0;
        static ulong Merge(ulong old, uint v, bool hi) => hi ? (old & 0xFFFFFFFFUL) | ((ulong)v << 32) : (old & ~0xFFFFFFFFUL) | v;
        switch (field)
        {
            case CommonAt + 0x20:
                DescAddress = Merge(DescAddress, value, high);
                break;
            case CommonAt + 0x28:
                AvailAddress = Merge(AvailAddress, value, high);
                break;
            default:
                UsedAddress = Merge(UsedAddress, value, high);
                break;
        }
    }

    internal int Offset(ulong physical) => (int)(physical - _dma.PhysicalBase);

    internal DmaRegion Dma => _dma;

    internal ushort LastAvail { get => _lastAvail; set => _lastAvail = value; }

    internal ushort UsedIdx { get => _usedIdx; set => _usedIdx = value; }

    internal void CountProcessed(bool flush)
    {
        Processed++;
        if (flush)
        {
            Flushes++;
        }
    }
}

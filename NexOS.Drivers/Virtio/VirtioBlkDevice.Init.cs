using NexOS.Drivers.Hardware;

namespace NexOS.Drivers.Virtio;

/// <summary>Device initialisation (virtio 1.0, 3.1.1) and the configuration structure.</summary>
public sealed partial class VirtioBlkDevice
{
    private const int ConfigReadTries = 16;

    private VirtioBlkDevice(VirtioPciTransport transport, DmaRegion dma, SplitVirtqueue queue, IWaiter waiter, VirtioBlkOptions options, int slots, ulong features, BlkConfig config)
    {
        _transport = transport;
        _dma = dma;
        _queue = queue;
        _waiter = waiter;
        _waitLimit = Math.Max(1, options.WaitLimit);
        _slotsOffset = SlotsOffset(queue.Size);
        _stride = SlotStride(options.SlotDataBytes);
        _state = new SlotState[slots];
        _tag = new int[slots];
        _type = new uint[slots];
        _bytes = new int[slots];
        _slotOfHead = new int[queue.Size];
        Features = features;
        SegMax = config.SegMax;
        BlockSize = config.BlockSize;
        BlockCount = config.Capacity / (ulong)(config.BlockSize / SectorSize);
        int max = options.SlotDataBytes;
        if ((features & (1UL << FeatureSizeMax)) != 0 && config.SizeMax < (uint)max)
        {
            max = (int)config.SizeMax;
        }

        MaxTransferBytes = max / BlockSize * BlockSize;
    }

    private readonly record struct BlkConfig(ulong Capacity, uint SizeMax, uint SegMax, int BlockSize);

    /// <summary>
    /// Initialises the device behind <paramref name="transport"/>: reset, ACKNOWLEDGE,
    /// DRIVER, feature negotiation (VERSION_1 required; ACCESS_PLATFORM, FLUSH, BLK_SIZE,
    /// SEG_MAX, SIZE_MAX and RO taken when offered), FEATURES_OK, the configuration, queue 0 with its MSI-X vector,
    /// then DRIVER_OK. The queue and the request slots are laid out in
    /// <paramref name="dma"/> from offset 0. Any failure is returned as a status with the
    /// device marked FAILED (or left in reset) and <paramref name="device"/> null:
    /// ResetTimeout, Version1Missing, FeaturesRefused, QueueUnavailable, DmaTooSmall,
    /// VectorRefused, DeviceFailed (unstable or unusable configuration), BadArgument (bad
    /// options).
    /// </summary>
    public static VirtioStatus Create(VirtioPciTransport transport, DmaRegion dma, VirtioBlkOptions options, IWaiter waiter, out VirtioBlkDevice? device)
    {
        device = null;
        if (options.Slots < 1 || options.SlotDataBytes < 4096 || options.SlotDataBytes % 4096 != 0 || options.SlotDataBytes > (1 << 24))
        {
            return VirtioStatus.BadArgument;
        }

        VirtioStatus status = transport.Reset(waiter);
        if (status != VirtioStatus.Ok)
        {
            return status;
        }

        ulong supported = (1UL << VirtioPciTransport.FeatureVersion1) | (1UL << VirtioPciTransport.FeatureAccessPlatform) | (1UL << FeatureFlush) | (1UL << FeatureBlkSize)
            | (1UL << FeatureSegMax) | (1UL << FeatureSizeMax) | (1UL << FeatureReadOnly);
        status = transport.NegotiateFeatures(supported, out ulong features);
        if (status != VirtioStatus.Ok)
        {
            return status;
        }

        status = Setup(transport, dma, options, waiter, features, out device);
        if (status != VirtioStatus.Ok)
        {
            transport.Fail();
        }

        return status;
    }

    private static VirtioStatus Setup(VirtioPciTransport transport, DmaRegion dma, VirtioBlkOptions options, IWaiter waiter, ulong features, out VirtioBlkDevice? device)
    {
        device = null;
        ushort size = QueueSizeFor(transport.MaxQueueSize(0), options.QueueSize);
        if (size < 4)
        {
            return VirtioStatus.QueueUnavailable;
        }

        int slots = Math.Min(options.Slots, size / 3);
        if ((long)SlotsOffset(size) + ((long)slots * SlotStride(options.SlotDataBytes)) > dma.Length)
        {
            return VirtioStatus.DmaTooSmall;
        }

        VirtioStatus status = SplitVirtqueue.Create(dma, 0, size, 0, out SplitVirtqueue? queue);
        if (status != VirtioStatus.Ok)
        {
            return status;
        }

        status = ReadConfig(transport, features, out BlkConfig config);
        if (status != VirtioStatus.Ok)
        {
            return status;
        }

        status = transport.SetConfigVector(options.ConfigVector);
        if (status == VirtioStatus.Ok)
        {
            status = transport.SetupQueue(0, queue!, options.QueueVector);
        }

        if (status == VirtioStatus.Ok)
        {
            status = transport.SetDriverOk();
        }

        if (status == VirtioStatus.Ok)
        {
            device = new VirtioBlkDevice(transport, dma, queue!, waiter, options, slots, features, config);
        }

        return status;
    }

    // The largest power of two at most both the device's maximum and the request (split
    // queues must be a power of two; a device may report any maximum).
    private static ushort QueueSizeFor(ushort deviceMax, ushort wanted)
    {
        int limit = Math.Min(deviceMax, (int)wanted);
        int size = 1;
        while (size * 2 <= limit && size * 2 <= SplitVirtqueue.MaxSize)
        {
            size *= 2;
        }

        return limit == 0 ? (ushort)0 : (ushort)size;
    }

    // Reads the configuration until two generation counts around it agree (the device may
    // change it mid-read), a bounded number of times. A capacity of zero, a block size that
    // is not 512..4096 and a power of two (when offered), or a size_max below one block gives
    // DeviceFailed or falls back as documented.
    private static VirtioStatus ReadConfig(VirtioPciTransport transport, ulong features, out BlkConfig config)
    {
        config = default;
        for (int i = 0; i < ConfigReadTries; i++)
        {
            byte before = transport.Generation;
            Hardware.IMmioRegion c = transport.DeviceConfig;
            ulong capacity = c.Read32(0) | ((ulong)c.Read32(4) << 32);
            uint sizeMax = (features & (1UL << FeatureSizeMax)) != 0 ? c.Read32(8) : 0;
            uint segMax = (features & (1UL << FeatureSegMax)) != 0 ? c.Read32(12) : 0;
            uint blkSize = (features & (1UL << FeatureBlkSize)) != 0 ? c.Read32(20) : SectorSize;
            if (transport.Generation != before)
            {
                continue;
            }

            // Only the two block sizes the storage stack knows; anything else the device
            // claims is ignored in favour of plain sectors, which every device supports.
            int blockSize = blkSize == 4096 ? 4096 : SectorSize;
            if (capacity == 0 || capacity == ulong.MaxValue || capacity / (ulong)(blockSize / SectorSize) == 0)
            {
                return VirtioStatus.DeviceFailed;
            }

            if ((features & (1UL << FeatureSizeMax)) != 0 && sizeMax < (uint)blockSize)
            {
                return VirtioStatus.DeviceFailed;
            }

            config = new BlkConfig(capacity, sizeMax, segMax, blockSize);
            return VirtioStatus.Ok;
        }

        return VirtioStatus.DeviceFailed;
    }
}

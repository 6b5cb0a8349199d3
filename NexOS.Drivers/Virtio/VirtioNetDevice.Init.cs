using NexOS.Drivers.Hardware;

namespace NexOS.Drivers.Virtio;

/// <summary>Device initialisation (virtio 1.0, 3.1.1 and 5.1.5).</summary>
public sealed partial class VirtioNetDevice
{
    private const int ConfigReadTries = 16;

    private VirtioNetDevice(VirtioPciTransport transport, DmaRegion dma, SplitVirtqueue rx, SplitVirtqueue tx, ulong features, byte[] mac)
    {
        _transport = transport;
        _dma = dma;
        _rx = rx;
        _tx = tx;
        _rxBuffers = rx.Size;
        _txBuffers = tx.Size;
        _rxBufferOfHead = new int[rx.Size];
        _txBufferOfHead = new int[tx.Size];
        _txFree = new int[_txBuffers];
        for (int i = 0; i < _txBuffers; i++)
        {
            _txFree[i] = _txBuffers - 1 - i;
        }

        _txFreeCount = _txBuffers;
        Features = features;
        _mac = mac;
    }

    /// <summary>
    /// Initialises the device behind <paramref name="transport"/>: reset, ACKNOWLEDGE, DRIVER,
    /// feature negotiation (VERSION_1 required; ACCESS_PLATFORM, MAC and STATUS taken when
    /// offered, no offloads), FEATURES_OK, the MAC (read until the generation is stable, or a
    /// locally administered one from the options' seed), both queues of the same size with
    /// the options' vector, every receive buffer posted, then DRIVER_OK. Queues and buffers
    /// are laid out in <paramref name="dma"/> from offset 0
    /// (<see cref="VirtioNetOptions.RequiredDmaBytes"/>). Failures come back as a status with
    /// the device marked FAILED or left in reset: ResetTimeout, Version1Missing,
    /// FeaturesRefused, QueueUnavailable, DmaTooSmall, VectorRefused, DeviceFailed.
    /// </summary>
    public static VirtioStatus Create(VirtioPciTransport transport, DmaRegion dma, VirtioNetOptions options, IWaiter waiter, out VirtioNetDevice? device)
    {
        device = null;
        VirtioStatus status = transport.Reset(waiter);
        if (status != VirtioStatus.Ok)
        {
            return status;
        }

        ulong supported = (1UL << VirtioPciTransport.FeatureVersion1) | (1UL << VirtioPciTransport.FeatureAccessPlatform)
            | (1UL << FeatureMac) | (1UL << FeatureStatus);
        status = transport.NegotiateFeatures(supported, out ulong features);
        if (status != VirtioStatus.Ok)
        {
            return status;
        }

        status = Setup(transport, dma, options, features, out device);
        if (status != VirtioStatus.Ok)
        {
            device = null;
            transport.Fail();
        }

        return status;
    }

    private static VirtioStatus Setup(VirtioPciTransport transport, DmaRegion dma, VirtioNetOptions options, ulong features, out VirtioNetDevice? device)
    {
        device = null;
        ushort size = QueueSizeFor(Math.Min(transport.MaxQueueSize(0), transport.MaxQueueSize(1)), options.QueueSize);
        if (size < 2)
        {
            return VirtioStatus.QueueUnavailable;
        }

        if (VirtioNetOptions.RequiredDmaBytes(size) > dma.Length)
        {
            return VirtioStatus.DmaTooSmall;
        }

        VirtioStatus status = SplitVirtqueue.Create(dma, 0, size, 0, out SplitVirtqueue? rx);
        SplitVirtqueue? tx = null;
        if (status == VirtioStatus.Ok)
        {
            status = SplitVirtqueue.Create(dma, TxQueueOffset(size), size, 1, out tx);
        }

        byte[] mac = new byte[6];
        if (status == VirtioStatus.Ok)
        {
            status = ReadMac(transport, features, options.AddressSeed, mac);
        }

        if (status == VirtioStatus.Ok)
        {
            status = transport.SetConfigVector(options.Vector);
        }

        if (status == VirtioStatus.Ok)
        {
            status = transport.SetupQueue(0, rx!, options.Vector);
        }

        if (status == VirtioStatus.Ok)
        {
            status = transport.SetupQueue(1, tx!, options.Vector);
        }

        if (status != VirtioStatus.Ok)
        {
            return status;
        }

        // Receive buffers go on the ring before DRIVER_OK, so the first frame finds one.
        var made = new VirtioNetDevice(transport, dma, rx!, tx!, features, mac);
        for (int i = 0; i < made._rxBuffers && !made.Broken; i++)
        {
            made.Post(i);
        }

        status = made.Broken ? VirtioStatus.Broken : transport.SetDriverOk();
        if (status == VirtioStatus.Ok)
        {
            made.Kick();
            made.LinkUp = made.ReadLink();
            device = made;
        }

        return status;
    }

    private static ushort QueueSizeFor(ushort deviceMax, ushort wanted)
    {
        int limit = Math.Min(deviceMax, (int)wanted);
        int size = 1;
        while (size * 2 <= limit)
        {
            size *= 2;
        }

        return limit == 0 ? (ushort)0 : (ushort)size;
    }

    // The address from the configuration when offered, read until two generation counts
    // around it agree; otherwise a locally administered unicast address from the seed.
    private static VirtioStatus ReadMac(VirtioPciTransport transport, ulong features, ulong seed, byte[] mac)
    {
        if ((features & (1UL << FeatureMac)) == 0)
        {
            mac[0] = 0x02;
            for (int i = 1; i < 6; i++)
            {
                mac[i] = (byte)(seed >> (8 * (i - 1)));
            }

            return VirtioStatus.Ok;
        }

        for (int i = 0; i < ConfigReadTries; i++)
        {
            byte before = transport.Generation;
            for (int b = 0; b < 6; b++)
            {
                mac[b] = transport.DeviceConfig.Read8((ulong)b);
            }

            if (transport.Generation == before)
            {
                // A multicast address cannot be a station's; one of all zeros is no address.
                bool zero = mac[0] == 0 && mac[1] == 0 && mac[2] == 0 && mac[3] == 0 && mac[4] == 0 && mac[5] == 0;
                return (mac[0] & 1) != 0 || zero ? VirtioStatus.DeviceFailed : VirtioStatus.Ok;
            }
        }

        return VirtioStatus.DeviceFailed;
    }
}

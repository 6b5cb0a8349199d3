using NexOS.Drivers.Hardware;

namespace NexOS.Drivers.Virtio;

/// <summary>
/// The modern (virtio 1.0) PCI transport: the common configuration registers, queue
/// notification, the ISR status byte and the device-specific configuration, each reached
/// through a bounds-checked window of the BAR its capability names. Every wait on the device
/// is bounded by a wait count and an <see cref="IWaiter"/>.
/// </summary>
public sealed class VirtioPciTransport
{
    /// <summary>Size of the common configuration structure (virtio 1.0, 4.1.4.3).</summary>
    public const int CommonConfigLength = 0x38;

    /// <summary>The MSI-X vector value meaning "no vector": polling or INTx.</summary>
    public const ushort NoVector = 0xFFFF;

    /// <summary>Device status bits (virtio 1.0, 2.1).</summary>
    public const byte StatusAcknowledge = 1, StatusDriver = 2, StatusDriverOk = 4, StatusFeaturesOk = 8, StatusNeedsReset = 64, StatusFailed = 128;

    /// <summary>Feature bit VIRTIO_F_VERSION_1.</summary>
    public const int FeatureVersion1 = 32;

    /// <summary>VIRTIO_F_ACCESS_PLATFORM: the device's DMA goes through the platform's IOMMU
    /// (QEMU's iommu_platform=on) instead of bypassing it. The driver always accepts it: it
    /// hands the device only addresses of its own DMA memory, which the IOMMU maps.</summary>
    public const int FeatureAccessPlatform = 33;

    /// <summary>How many waits a reset may take before the device counts as dead.</summary>
    public const int ResetWaitLimit = 10_000;

    private const ulong DeviceFeatureSelect = 0x00, DeviceFeature = 0x04, DriverFeatureSelect = 0x08, DriverFeature = 0x0C;
    private const ulong MsixConfig = 0x10, NumQueues = 0x12, DeviceStatusReg = 0x14, ConfigGeneration = 0x15;
    private const ulong QueueSelect = 0x16, QueueSize = 0x18, QueueMsixVector = 0x1A, QueueEnable = 0x1C, QueueNotifyOff = 0x1E;
    private const ulong QueueDesc = 0x20, QueueDriver = 0x28, QueueDevice = 0x30;

    private readonly IMmioRegion _common;
    private readonly IMmioRegion _notify;
    private readonly IMmioRegion _isr;
    private readonly uint _notifyMultiplier;

    private VirtioPciTransport(IMmioRegion common, IMmioRegion notify, IMmioRegion isr, IMmioRegion device, uint notifyMultiplier)
    {
        _common = common;
        _notify = notify;
        _isr = isr;
        DeviceConfig = device;
        _notifyMultiplier = notifyMultiplier;
    }

    /// <summary>The device-specific configuration structure.</summary>
    public IMmioRegion DeviceConfig { get; }

    /// <summary>Creates the transport for <paramref name="layout"/> over the mapped BARs
    /// (<paramref name="bars"/>[n] is BAR n, null when not mapped). BadCapability when a
    /// capability names an unmapped BAR or a structure that does not fit in it.</summary>
    public static VirtioStatus Create(VirtioPciLayout layout, IMmioRegion?[] bars, out VirtioPciTransport? transport)
    {
        transport = null;
        if (!Window(layout.Common, bars, out IMmioRegion? common) || !Window(layout.Notify, bars, out IMmioRegion? notify)
            || !Window(layout.Isr, bars, out IMmioRegion? isr) || !Window(layout.Device, bars, out IMmioRegion? device))
        {
            return VirtioStatus.BadCapability;
        }

        transport = new VirtioPciTransport(common!, notify!, isr!, device!, layout.Notify.NotifyOffMultiplier);
        return VirtioStatus.Ok;
    }

    /// <summary>The device status register.</summary>
    public byte Status
    {
        get => _common.Read8(DeviceStatusReg);
        set => _common.Write8(DeviceStatusReg, value);
    }

    /// <summary>Queues the device offers.</summary>
    public ushort QueueCount => _common.Read16(NumQueues);

    /// <summary>Changes whenever the device changes its configuration structure.</summary>
    public byte Generation => _common.Read8(ConfigGeneration);

    /// <summary>Resets the device (writes 0) and waits until it reads 0, as the specification
    /// requires before anything else. ResetTimeout when it does not.</summary>
    public VirtioStatus Reset(IWaiter waiter)
    {
        Status = 0;
        for (int i = 0; i < ResetWaitLimit; i++)
        {
            if (Status == 0)
            {
                return VirtioStatus.Ok;
            }

            if (!waiter.Wait())
            {
                break;
            }
        }

        return VirtioStatus.ResetTimeout;
    }

    /// <summary>
    /// Steps 2-6 of device initialisation: ACKNOWLEDGE, DRIVER, then offers the device's
    /// features ANDed with <paramref name="supported"/>, sets FEATURES_OK and checks that the
    /// device kept it. Version1Missing when the device lacks VERSION_1 (a legacy device this
    /// driver cannot drive), FeaturesRefused when FEATURES_OK does not stick; the device is
    /// marked FAILED in both cases. Call after <see cref="Reset"/>.
    /// </summary>
    public VirtioStatus NegotiateFeatures(ulong supported, out ulong negotiated)
    {
        Status = StatusAcknowledge;
        Status = StatusAcknowledge | StatusDriver;
        _common.Write32(DeviceFeatureSelect, 0);
        ulong offered = _common.Read32(DeviceFeature);
        _common.Write32(DeviceFeatureSelect, 1);
        offered |= (ulong)_common.Read32(DeviceFeature) << 32;
        negotiated = offered & supported;
        if ((negotiated & (1UL << FeatureVersion1)) == 0)
        {
            Fail();
            return VirtioStatus.Version1Missing;
        }

        _common.Write32(DriverFeatureSelect, 0);
        _common.Write32(DriverFeature, (uint)negotiated);
        _common.Write32(DriverFeatureSelect, 1);
        _common.Write32(DriverFeature, (uint)(negotiated >> 32));
        Status = StatusAcknowledge | StatusDriver | StatusFeaturesOk;
        if ((Status & StatusFeaturesOk) == 0)
        {
            Fail();
            return VirtioStatus.FeaturesRefused;
        }

        return VirtioStatus.Ok;
    }

    /// <summary>The largest size the device allows for queue <paramref name="index"/>;
    /// 0 when the queue does not exist.</summary>
    public ushort MaxQueueSize(ushort index)
    {
        if (index >= QueueCount)
        {
            return 0;
        }

        _common.Write16(QueueSelect, index);
        ushort size = _common.Read16(QueueSize);
        return size == ushort.MaxValue ? (ushort)0 : size;
    }

    /// <summary>
    /// Tells the device where queue <paramref name="index"/> lives, its size and its MSI-X
    /// vector (<see cref="NoVector"/> for polling or INTx), then enables it. VectorRefused when
    /// the device reads back a different vector (it could not allocate it), QueueUnavailable
    /// for a queue the device does not have.
    /// </summary>
    public VirtioStatus SetupQueue(ushort index, SplitVirtqueue queue, ushort msixVector)
    {
        if (MaxQueueSize(index) == 0 || queue.Size > MaxQueueSize(index))
        {
            return VirtioStatus.QueueUnavailable;
        }

        _common.Write16(QueueSelect, index);
        _common.Write16(QueueSize, queue.Size);
        WriteAddress(QueueDesc, queue.DescriptorAddress);
        WriteAddress(QueueDriver, queue.AvailAddress);
        WriteAddress(QueueDevice, queue.UsedAddress);
        _common.Write16(QueueMsixVector, msixVector);
        if (_common.Read16(QueueMsixVector) != msixVector)
        {
            return VirtioStatus.VectorRefused;
        }

        queue.NotifyOffset = (ulong)_common.Read16(QueueNotifyOff) * _notifyMultiplier;
        _common.Write16(QueueEnable, 1);
        return VirtioStatus.Ok;
    }

    /// <summary>Sets the configuration-change MSI-X vector (<see cref="NoVector"/> for
    /// none); VectorRefused when the device does not keep it.</summary>
    public VirtioStatus SetConfigVector(ushort vector)
    {
        _common.Write16(MsixConfig, vector);
        return _common.Read16(MsixConfig) == vector ? VirtioStatus.Ok : VirtioStatus.VectorRefused;
    }

    /// <summary>Step 8: the driver is ready. DeviceFailed when the device then reports
    /// NEEDS_RESET or FAILED.</summary>
    public VirtioStatus SetDriverOk()
    {
        Status = StatusAcknowledge | StatusDriver | StatusFeaturesOk | StatusDriverOk;
        return Healthy ? VirtioStatus.Ok : VirtioStatus.DeviceFailed;
    }

    /// <summary>False when the device reports NEEDS_RESET or FAILED (or reads all ones:
    /// gone from the bus).</summary>
    public bool Healthy => (Status & (StatusNeedsReset | StatusFailed)) == 0;

    /// <summary>Marks the device FAILED: the driver gave up on it.</summary>
    public void Fail() => Status = (byte)(Status | StatusFailed);

    /// <summary>Tells the device that queue <paramref name="queue"/> has new buffers.</summary>
    public void Notify(SplitVirtqueue queue)
    {
        // The available index must be visible in memory before the device sees the
        // notification; the fence keeps compiler and CPU from sinking the index store below
        // this uncached write.
        DmaRegion.Fence();
        _notify.Write16(queue.NotifyOffset, queue.Index);
    }

    /// <summary>Reads and thereby acknowledges the ISR status: bit 0 a queue interrupt,
    /// bit 1 a configuration change. With MSI-X the byte is unused.</summary>
    public byte ReadIsr() => _isr.Read8(0);

    private void WriteAddress(ulong register, ulong address)
    {
        // Two 32-bit halves: the specification allows 64-bit fields to be written that way,
        // and not every bus carries 64-bit MMIO writes.
        _common.Write32(register, (uint)address);
        _common.Write32(register + 4, (uint)(address >> 32));
    }

    private static bool Window(VirtioPciCapability cap, IMmioRegion?[] bars, out IMmioRegion? window)
    {
        window = null;
        IMmioRegion? bar = cap.Bar < bars.Length ? bars[cap.Bar] : null;
        if (bar == null || (ulong)cap.Offset + cap.Length > bar.Length)
        {
            return false;
        }

        window = new MmioWindow(bar, cap.Offset, cap.Length);
        return true;
    }
}

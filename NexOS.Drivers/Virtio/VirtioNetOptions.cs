namespace NexOS.Drivers.Virtio;

/// <summary>How a <see cref="VirtioNetDevice"/> sets itself up.</summary>
public sealed class VirtioNetOptions
{
    /// <summary>Requested size of each queue; the device's maximum and the largest power of
    /// two below both decide. Default 128: 128 receive buffers and 128 transmit buffers.</summary>
    public ushort QueueSize { get; init; } = 128;

    /// <summary>MSI-X vector for both queues and configuration changes, or 0xFFFF for
    /// polling or the interrupt line.</summary>
    public ushort Vector { get; init; } = VirtioPciTransport.NoVector;

    /// <summary>Seeds the locally administered address used when the device offers none.</summary>
    public ulong AddressSeed { get; init; }

    /// <summary>DMA bytes these options need for queues of <paramref name="queueSize"/>.</summary>
    public static int RequiredDmaBytes(ushort queueSize) => VirtioNetDevice.BuffersOffset(queueSize) + (2 * queueSize * VirtioNetDevice.BufferBytes);
}

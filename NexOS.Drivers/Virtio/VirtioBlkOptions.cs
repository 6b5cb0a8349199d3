namespace NexOS.Drivers.Virtio;

/// <summary>How a <see cref="VirtioBlkDevice"/> sets itself up.</summary>
public sealed class VirtioBlkOptions
{
    /// <summary>Requested queue size; the device's maximum and the largest power of two
    /// below both decide. Default 128.</summary>
    public ushort QueueSize { get; init; } = 128;

    /// <summary>Requests in flight at most (each uses three descriptors). Default 32.</summary>
    public int Slots { get; init; } = 32;

    /// <summary>Bounce buffer bytes per request slot, the largest transfer of one request
    /// (a multiple of 4096). Default 64 KiB.</summary>
    public int SlotDataBytes { get; init; } = 64 * 1024;

    /// <summary>MSI-X vector for the request queue, or 0xFFFF for polling/INTx.</summary>
    public ushort QueueVector { get; init; } = VirtioPciTransport.NoVector;

    /// <summary>MSI-X vector for configuration changes, or 0xFFFF for none.</summary>
    public ushort ConfigVector { get; init; } = VirtioPciTransport.NoVector;

    /// <summary>Waits a synchronous request may take before the device counts as hung.</summary>
    public int WaitLimit { get; init; } = 1_000_000;

    /// <summary>DMA bytes these options need: the queue, then the slots.</summary>
    public int RequiredDmaBytes(ushort queueSize, int slots) =>
        VirtioBlkDevice.SlotsOffset(queueSize) + (slots * VirtioBlkDevice.SlotStride(SlotDataBytes));
}

/// <summary>One finished asynchronous request.</summary>
/// <param name="Slot">The slot to read data from and then release.</param>
/// <param name="Tag">The caller's tag given at submission.</param>
/// <param name="Status">Ok, IoError (device error, garbage status, bad length, a broken or
/// hung device) or Unsupported (the device does not know the request type).</param>
/// <param name="Bytes">Data bytes of the request.</param>
public readonly record struct VirtioBlkCompletion(int Slot, int Tag, NexOS.Storage.StorageStatus Status, int Bytes);

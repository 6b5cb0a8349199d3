namespace NexOS.Drivers.Virtio;

/// <summary>What a virtio operation ended with. Nothing in the virtio code throws on what a
/// device does: every violation is one of these values.</summary>
public enum VirtioStatus
{
    Ok = 0,

    /// <summary>An argument from the caller is out of range.</summary>
    BadArgument,

    /// <summary>A required capability (common, notify, ISR or device configuration) is missing.</summary>
    MissingCapability,

    /// <summary>A capability names a missing BAR or is too short for its structure.</summary>
    BadCapability,

    /// <summary>The device did not finish its reset in time.</summary>
    ResetTimeout,

    /// <summary>The device does not offer VIRTIO_F_VERSION_1 (a legacy-only device).</summary>
    Version1Missing,

    /// <summary>The device cleared FEATURES_OK: it refuses the feature subset.</summary>
    FeaturesRefused,

    /// <summary>The device set DEVICE_NEEDS_RESET or FAILED, or changed state under the driver.</summary>
    DeviceFailed,

    /// <summary>The queue does not exist or has size 0.</summary>
    QueueUnavailable,

    /// <summary>The DMA region cannot hold the queues and request buffers.</summary>
    DmaTooSmall,

    /// <summary>The device did not accept the MSI-X vector (it read back as 0xFFFF).</summary>
    VectorRefused,

    /// <summary>Not enough free descriptors or request slots.</summary>
    QueueFull,

    /// <summary>The device has not returned anything (not an error).</summary>
    NothingUsed,

    /// <summary>The used ring's index moved by more than the requests outstanding.</summary>
    BadUsedIndex,

    /// <summary>A used entry names a descriptor that is not the head of an outstanding chain.</summary>
    BadUsedId,

    /// <summary>The queue saw hostile device behaviour and refuses further use until reset.</summary>
    Broken,
}

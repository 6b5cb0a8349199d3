namespace NexOS.Drivers.Hardware;

/// <summary>How a driver waits for its device: a pause instruction, a yield, or sleeping
/// until the device's interrupt arrives. Drivers also bound the number of waits, so a device
/// that never answers costs time, never a hang.</summary>
public interface IWaiter
{
    /// <summary>Waits a little. Returns false when the caller should give up (its deadline
    /// has passed).</summary>
    bool Wait();
}

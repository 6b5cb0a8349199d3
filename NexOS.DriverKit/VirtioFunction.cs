using NexOS.Abi;
using NexOS.Drivers.Hardware;
using NexOS.Drivers.Virtio;
using NexOS.UserLib;

namespace NexOS.DriverKit;

/// <summary>What every virtio driver does first: its transport, found through the
/// configuration space the device manager reads for it, and its interrupt.</summary>
public static class VirtioFunction
{
    /// <summary>
    /// Reads the function's configuration space, finds the modern virtio structures in
    /// <paramref name="bars"/>, and sets up the interrupt: MSI-X table entry
    /// <paramref name="entry"/> when the function has it, otherwise the line (whose ISR read
    /// acknowledges the device). Null, having said why on the log under
    /// <paramref name="driver"/>'s name, when the device is not a usable modern one or there is
    /// no memory to allocate DMA through (<paramref name="dmaSlot"/> 0).
    /// </summary>
    public static VirtioPciTransport? Open(string driver, DeviceResources resources, IMmioRegion?[] bars, int dmaSlot, int entry, out InterruptWaiter? waiter)
    {
        waiter = null;
        Span<byte> config = stackalloc byte[DeviceConfig.Length];
        SyscallStatus read = DeviceConfig.ReadAll(resources.Find(ResourceKind.Config)!.Value.Slot, config);
        VirtioPciLayout layout = default;
        VirtioStatus status = read != SyscallStatus.Ok ? VirtioStatus.DeviceFailed : VirtioPciLayout.Parse(config, out layout);
        VirtioPciTransport? transport = null;
        if (status == VirtioStatus.Ok)
        {
            status = VirtioPciTransport.Create(layout, bars, out transport);
        }

        if (status != VirtioStatus.Ok || dmaSlot == 0)
        {
            Log.WriteLine($"{driver}: not a usable modern virtio device ({(read != SyscallStatus.Ok ? $"configuration read failed, status {(int)read}" : status.ToString())})");
            return null;
        }

        waiter = MessageInterrupts.Enable(resources, bars, config, entry, allowMsi: false, out string why);
        if (waiter == null)
        {
            Log.WriteLine($"{driver}: using the interrupt line: {why}");
            waiter = LineWaiter(driver, resources, transport!);
        }

        return transport;
    }

    /// <summary>A waiter on the function's line, for a device that refused its MSI-X entry
    /// (the driver then puts the function back on its line with MessageInterrupts.Disable).</summary>
    public static InterruptWaiter LineWaiter(string driver, DeviceResources resources, VirtioPciTransport transport) =>
        InterruptWaiter.Create(driver, resources.Find(ResourceKind.Interrupt)?.Slot ?? 0, () => transport.ReadIsr());
}

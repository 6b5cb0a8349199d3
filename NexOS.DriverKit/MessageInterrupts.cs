using NexOS.Abi;
using NexOS.Drivers.Hardware;
using NexOS.Drivers.Pci;
using NexOS.UserLib;

namespace NexOS.DriverKit;

/// <summary>
/// Sets a driver's function up for one message interrupt, MSI-X when it has it and MSI
/// otherwise, in the order that never lets the device signal a message nobody listens for:
/// the kernel gives a vector (MessageInterruptCreate, through one of the function's MMIO
/// capabilities: for MSI-X the BAR that holds the table), the driver binds it to a
/// notification, writes the message into the MSI-X table entry (MSI's lives in configuration
/// space, which the manager writes), and only then asks the device manager to turn messages
/// on. Any step that fails leaves the function on its interrupt line and says why, so the
/// driver can carry on with the line.
/// </summary>
public static class MessageInterrupts
{
    /// <summary>A waiter on MSI-X table entry <paramref name="entry"/>, or on the function's
    /// one MSI vector when it has no MSI-X (entry 0 only); null with the reason in
    /// <paramref name="why"/> when it has neither in <paramref name="config"/>, the MSI-X
    /// table's BAR is not among the driver's mappings <paramref name="bars"/>, or the kernel
    /// or the manager refuses. <paramref name="allowMsi"/> false asks for MSI-X only (virtio
    /// devices signal their queues through MSI-X entries and know nothing of MSI). On success
    /// <paramref name="why"/> says which it is, "MSI-X" or "MSI".</summary>
    public static InterruptWaiter? Enable(DeviceResources resources, IMmioRegion?[] bars, ReadOnlySpan<byte> config, int entry, bool allowMsi, out string why)
    {
        DeviceResource? manager = resources.Find(ResourceKind.Config);
        bool msiX = PciMessageInterrupts.FindMsiX(config, out PciMsiXInfo table);
        bool msi = !msiX && allowMsi && entry == 0 && PciMessageInterrupts.FindCapability(config, PciCapabilityId.Msi) >= 0;
        if (manager == null || (!msiX && !msi))
        {
            why = allowMsi ? "no MSI-X or MSI capability" : "no MSI-X capability";
            return null;
        }

        int mmio = 0;
        foreach (DeviceResource r in resources.Entries)
        {
            bool fits = r.Kind == ResourceKind.Memory && (msi || r.Bar == table.TableBar);
            mmio = fits && mmio == 0 ? r.Slot : mmio;
        }

        IMmioRegion? tableBar = msiX && table.TableBar < bars.Length ? bars[table.TableBar] : null;
        if (mmio == 0 || (msiX && tableBar == null))
        {
            why = msiX ? $"the MSI-X table's BAR {table.TableBar} is not mapped" : "the function has no memory BAR to name it by";
            return null;
        }

        long interrupt = Devices.CreateMessageInterrupt(mmio, entry, out ulong address, out uint data);
        if (interrupt < 0)
        {
            why = $"the kernel gave no vector (status {-interrupt})";
            return null;
        }

        InterruptWaiter? waiter = InterruptWaiter.CreateForMessage((int)interrupt, out SyscallStatus bound);
        PciMsiStatus programmed = waiter != null && msiX ? PciMessageInterrupts.ProgramMsiXEntry(table, tableBar!, entry, address, data) : PciMsiStatus.Ok;
        SyscallStatus enabled = waiter != null && programmed == PciMsiStatus.Ok
            ? DeviceConfig.SetMessages(manager.Value.Slot, on: true, address, data)
            : SyscallStatus.Ok;
        if (waiter == null || programmed != PciMsiStatus.Ok || enabled != SyscallStatus.Ok)
        {
            why = waiter == null ? $"the vector could not be bound (status {(int)bound})"
                : programmed != PciMsiStatus.Ok ? $"table entry {entry} could not be written ({programmed})"
                : $"the device manager did not turn messages on (status {(int)enabled})";
            _ = Children.Close((int)interrupt);
            return null;
        }

        why = msiX ? "MSI-X" : "MSI";
        return waiter;
    }

    /// <summary>Puts the function back on its interrupt line, after the device refused the
    /// message entry (a virtio device reads back NO_VECTOR).</summary>
    public static SyscallStatus Disable(DeviceResources resources)
    {
        DeviceResource? manager = resources.Find(ResourceKind.Config);
        return manager == null ? SyscallStatus.NotFound : DeviceConfig.SetMessages(manager.Value.Slot, on: false);
    }
}

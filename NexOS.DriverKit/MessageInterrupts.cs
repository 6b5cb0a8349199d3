using NexOS.Abi;
using NexOS.Drivers.Hardware;
using NexOS.Drivers.Pci;
using NexOS.UserLib;

namespace NexOS.DriverKit;

/// <summary>
/// Sets a driver's function up for MSI-X with one table entry, in the order that never lets
/// the device signal a message nobody listens for: the kernel gives a vector for the entry
/// (MessageInterruptCreate, through the MMIO capability of the BAR that holds the table), the
/// driver binds it to a notification, writes the message into the table entry, unmasked, and
/// only then asks the device manager to turn MSI-X on. Any step that fails leaves the function
/// on its interrupt line and says why, so the driver can carry on with the line.
/// </summary>
public static class MessageInterrupts
{
    /// <summary>A waiter on MSI-X table entry <paramref name="entry"/>, or null with the
    /// reason in <paramref name="why"/> when the function has no usable MSI-X (none in
    /// <paramref name="config"/>, its table BAR not among the driver's mappings
    /// <paramref name="bars"/>, or a refusal from the kernel or the manager).</summary>
    public static InterruptWaiter? Enable(DeviceResources resources, IMmioRegion?[] bars, ReadOnlySpan<byte> config, int entry, out string why)
    {
        why = "";
        DeviceResource? manager = resources.Find(ResourceKind.Config);
        if (manager == null || !PciMessageInterrupts.FindMsiX(config, out PciMsiXInfo msiX))
        {
            why = "no MSI-X capability";
            return null;
        }

        int mmio = 0;
        foreach (DeviceResource r in resources.Entries)
        {
            mmio = r.Kind == ResourceKind.Memory && r.Bar == msiX.TableBar ? r.Slot : mmio;
        }

        IMmioRegion? table = msiX.TableBar < bars.Length ? bars[msiX.TableBar] : null;
        if (mmio == 0 || table == null)
        {
            why = $"the MSI-X table's BAR {msiX.TableBar} is not mapped";
            return null;
        }

        long interrupt = Devices.CreateMessageInterrupt(mmio, entry, out ulong address, out uint data);
        if (interrupt < 0)
        {
            why = $"the kernel gave no vector (status {-interrupt})";
            return null;
        }

        InterruptWaiter? waiter = InterruptWaiter.CreateForMessage((int)interrupt, out SyscallStatus bound);
        PciMsiStatus programmed = waiter == null ? PciMsiStatus.Ok : PciMessageInterrupts.ProgramMsiXEntry(msiX, table, entry, address, data);
        SyscallStatus enabled = waiter != null && programmed == PciMsiStatus.Ok
            ? DeviceConfig.SetMessages(manager.Value.Slot, on: true)
            : SyscallStatus.Ok;
        if (waiter == null || programmed != PciMsiStatus.Ok || enabled != SyscallStatus.Ok)
        {
            why = waiter == null ? $"the vector could not be bound (status {(int)bound})"
                : programmed != PciMsiStatus.Ok ? $"table entry {entry} could not be written ({programmed})"
                : $"the device manager did not turn MSI-X on (status {(int)enabled})";
            _ = Children.Close((int)interrupt);
            return null;
        }

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

using NexOS.Drivers.Hardware;
using NexOS.UserLib;

namespace NexOS.DriverKit;

/// <summary>The memory BARs the device manager handed a driver, mapped.</summary>
public static class DeviceBars
{
    /// <summary>Maps every memory BAR in <paramref name="resources"/>, indexed by BAR number;
    /// <paramref name="firstMemory"/> is the slot of the first (the capability DMA memory is
    /// allocated through), 0 when there is none. Null, having said why on the log under
    /// <paramref name="driver"/>'s name, when one cannot be mapped.</summary>
    public static IMmioRegion?[]? Map(string driver, DeviceResources resources, out int firstMemory)
    {
        var bars = new IMmioRegion?[6];
        firstMemory = 0;
        foreach (DeviceResource r in resources.Entries)
        {
            if (r.Kind != ResourceKind.Memory)
            {
                continue;
            }

            long mapped = Devices.MapMmio(r.Slot);
            if (mapped < 0)
            {
                Log.WriteLine($"{driver}: BAR {r.Bar} could not be mapped (status {-mapped})");
                return null;
            }

            bars[r.Bar] = new MappedRegisters((ulong)mapped + r.Value, r.Length);
            firstMemory = firstMemory == 0 ? r.Slot : firstMemory;
        }

        return bars;
    }
}

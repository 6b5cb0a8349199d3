using NexOS.Abi;
using NexOS.DriverKit;
using NexOS.Drivers.Hardware;
using NexOS.Drivers.Network;
using NexOS.UserLib;

namespace NexOS.Programs.E1000;

/// <summary>
/// The Intel e1000/e1000e driver service (docs/services.md): 82540EM (QEMU's default NIC),
/// 82545EM (VMware's), 82574L (e1000e) and their kin. The device manager starts it with the
/// function's BARs, interrupt line, configuration endpoint and, for the first network device,
/// the `nic` endpoint and the `netwake` notification. It sets the controller up with the
/// portable NexOS.Drivers.Network code and serves the NIC protocol (NexOS.Abi.NicProtocol)
/// until it is killed. It waits on the interrupt line: the 8254x have no message interrupts,
/// and the 82574's MSI-X would need its cause routing (IVAR) programmed, which the line makes
/// unnecessary. Exit codes: 0 when it had no endpoint to serve (it only checked the device),
/// 2 bad resources, 3 the device could not be set up.
/// </summary>
public static class Program
{
    private const int RingSize = 128;

    public static int Main(string[] args)
    {
        if (!DeviceResources.TryParse(args, out DeviceResources? resources) || resources!.Find(ResourceKind.Config) == null)
        {
            Log.WriteLine("e1000: no device resources (start it with devstart)");
            return 2;
        }

        IMmioRegion?[]? bars = DeviceBars.Map("e1000", resources, out int firstMemory);
        if (bars == null || bars[0] == null || firstMemory == 0)
        {
            Log.WriteLine("e1000: the registers (memory BAR 0) are missing");
            return bars == null ? 3 : 2;
        }

        DmaRegion? dma = DmaMemory.Allocate(firstMemory, E1000Device.RequiredDmaBytes(RingSize), out SyscallStatus allocated);
        if (dma == null)
        {
            Log.WriteLine($"e1000: no DMA memory (status {(int)allocated})");
            return 3;
        }

        E1000Device? device = null;
        DeviceResource? line = resources.Find(ResourceKind.Interrupt);
        InterruptWaiter waiter = InterruptWaiter.Create("e1000", line?.Slot ?? 0, () => device?.AcknowledgeInterrupt());
        device = E1000Device.Create(bars[0]!, dma, RingSize, new PollingWaiter(), out string why);
        if (device == null)
        {
            Log.WriteLine($"e1000: the controller refused to start: {why}");
            return 3;
        }

        ReadOnlySpan<byte> m = device.MacAddress;
        string mode = waiter.UsesInterrupt ? "line interrupts" : "polling";
        Log.WriteLine($"e1000: {m[0]:x2}:{m[1]:x2}:{m[2]:x2}:{m[3]:x2}:{m[4]:x2}:{m[5]:x2}, link {(device.LinkUp ? "up" : "down")}, {device.RingSize} receive buffers, {mode}");
        DeviceResource? served = resources.Find(ResourceKind.Served);
        if (served == null)
        {
            Log.WriteLine("e1000: no endpoint to serve; the device checked out");
            return 0;
        }

        var server = new NicServer(device, served.Value.Slot, resources.Find(ResourceKind.Wake)?.Slot ?? 0, waiter);
        _ = DeviceConfig.ReportReady(resources.Find(ResourceKind.Config)!.Value.Slot);
        SyscallStatus ended = server.Run();
        Log.WriteLine($"e1000: serving ended (status {(int)ended}) after {server.Served} requests");
        return 1;
    }
}

using NexOS.Abi;
using NexOS.DriverKit;
using NexOS.Drivers.Hardware;
using NexOS.Drivers.Virtio;
using NexOS.UserLib;

namespace NexOS.Programs.VirtioNet;

/// <summary>
/// The virtio-net driver service (docs/services.md). The device manager starts it for a virtio
/// network function with the function's BARs, interrupt line, configuration endpoint and, for
/// the first network device, the `nic` endpoint and the `netwake` notification (its `res=`
/// argument says which slot holds what). It sets the device up with the portable
/// NexOS.Drivers.Virtio code, waits on MSI-X entry 0 (or the line), and serves the NIC protocol
/// (NexOS.Abi.NicProtocol) until it is killed, having told the device manager it is ready.
/// Exit codes: 0 when it had no endpoint to serve (it only checked the device), 2 bad
/// resources, 3 the device could not be set up.
/// </summary>
public static class Program
{
    private const ushort Entry = 0;

    public static int Main(string[] args)
    {
        if (!DeviceResources.TryParse(args, out DeviceResources? resources) || resources!.Find(ResourceKind.Config) == null)
        {
            Log.WriteLine("virtionet: no device resources (start it with devstart)");
            return 2;
        }

        IMmioRegion?[]? bars = DeviceBars.Map("virtionet", resources, out int firstMemory);
        InterruptWaiter? waiter = null;
        VirtioNetDevice? device = bars == null ? null : Setup(resources, bars, firstMemory, out waiter);
        if (device == null)
        {
            return 3;
        }

        ReadOnlySpan<byte> m = device.MacAddress;
        string mode = waiter!.UsesMessages ? "MSI-X interrupts" : waiter.UsesInterrupt ? "line interrupts" : "polling";
        Log.WriteLine($"virtionet: {m[0]:x2}:{m[1]:x2}:{m[2]:x2}:{m[3]:x2}:{m[4]:x2}:{m[5]:x2}, link {(device.LinkUp ? "up" : "down")}, {device.ReceiveQueue.Size} receive buffers, {mode}");
        DeviceResource? served = resources.Find(ResourceKind.Served);
        if (served == null)
        {
            Log.WriteLine("virtionet: no endpoint to serve; the device checked out");
            return 0;
        }

        var server = new NicServer(device, served.Value.Slot, resources.Find(ResourceKind.Wake)?.Slot ?? 0, waiter);
        _ = DeviceConfig.ReportReady(resources.Find(ResourceKind.Config)!.Value.Slot);
        SyscallStatus ended = server.Run();
        Log.WriteLine($"virtionet: serving ended (status {(int)ended}) after {server.Served} requests");
        return 1;
    }

    private static VirtioNetDevice? Setup(DeviceResources resources, IMmioRegion?[] bars, int dmaSlot, out InterruptWaiter? waiter)
    {
        VirtioPciTransport? t = VirtioFunction.Open("virtionet", resources, bars, dmaSlot, Entry, out waiter);
        if (t == null)
        {
            return null;
        }

        var options = new VirtioNetOptions
        {
            Vector = waiter!.UsesMessages ? Entry : VirtioPciTransport.NoVector,
            AddressSeed = Time.MonotonicNs,
        };
        DmaRegion? dma = DmaMemory.Allocate(dmaSlot, VirtioNetOptions.RequiredDmaBytes(options.QueueSize), out SyscallStatus allocated);
        if (dma == null)
        {
            Log.WriteLine($"virtionet: no DMA memory (status {(int)allocated})");
            return null;
        }

        VirtioStatus status = VirtioNetDevice.Create(t, dma, options, waiter, out VirtioNetDevice? device);
        if (status == VirtioStatus.VectorRefused && waiter.UsesMessages)
        {
            Log.WriteLine($"virtionet: the device refused MSI-X entry {Entry}; using the interrupt line (status {(int)MessageInterrupts.Disable(resources)})");
            waiter = VirtioFunction.LineWaiter("virtionet", resources, t);
            options = new VirtioNetOptions { AddressSeed = options.AddressSeed };
            status = VirtioNetDevice.Create(t, dma, options, waiter, out device);
        }

        if (status != VirtioStatus.Ok)
        {
            Log.WriteLine($"virtionet: the device refused to start ({status})");
        }

        return device;
    }
}

using NexOS.Abi;
using NexOS.DriverKit;
using NexOS.Drivers.Hardware;
using NexOS.Drivers.Virtio;
using NexOS.UserLib;

namespace NexOS.Programs.VirtioBlk;

/// <summary>
/// The virtio-blk driver service (docs/services.md). The device manager starts it for a
/// virtio block function with the function's BARs, interrupt line, configuration endpoint and,
/// for the system's disk, the `disk` endpoint (its `res=` argument says which slot holds
/// what). It finds the virtio structures through the configuration space, sets the device up
/// with the portable NexOS.Drivers.Virtio code, and serves the block protocol
/// (NexOS.Abi.BlockProtocol) until it is killed, having told the device manager it is ready. Exit codes: 0 when it had no endpoint to
/// serve (it only checked the device), 2 bad resources, 3 the device could not be set up.
/// </summary>
public static class Program
{
    private const ulong RequestTimeoutNs = 10_000_000_000;
    private const ushort QueueEntry = 0;

    public static int Main(string[] args)
    {
        if (!DeviceResources.TryParse(args, out DeviceResources? resources) || resources!.Find(ResourceKind.Config) == null)
        {
            Log.WriteLine("virtioblk: no device resources (start it with devstart)");
            return 2;
        }

        IMmioRegion?[]? bars = DeviceBars.Map("virtioblk", resources, out int firstMemory);
        if (bars == null)
        {
            return 3;
        }

        VirtioBlkDevice? device = Setup(resources, bars, firstMemory, out InterruptWaiter? waiter);
        if (device == null)
        {
            return 3;
        }

        ulong mib = device.BlockCount * (ulong)device.BlockSize >> 20;
        string mode = waiter!.UsesMessages ? "MSI-X interrupts" : waiter.UsesInterrupt ? "line interrupts" : "polling";
        Log.WriteLine($"virtioblk: {device.BlockCount} blocks of {device.BlockSize} bytes ({mib} MiB){(device.ReadOnly ? ", read-only" : "")}, {mode}");
        DeviceResource? served = resources.Find(ResourceKind.Served);
        if (served == null)
        {
            Log.WriteLine("virtioblk: no endpoint to serve; the device checked out");
            return 0;
        }

        var server = new BlockServer(device, served.Value.Slot, device.MaxTransferBytes, device.SupportsFlush);
        _ = DeviceConfig.ReportReady(resources.Find(ResourceKind.Config)!.Value.Slot);
        SyscallStatus ended = server.Run();
        Log.WriteLine($"virtioblk: serving ended (status {(int)ended}) after {server.Served} requests");
        return 1;
    }

    private static VirtioBlkDevice? Setup(DeviceResources resources, IMmioRegion?[] bars, int dmaSlot, out InterruptWaiter? waiter)
    {
        VirtioPciTransport? t = VirtioFunction.Open("virtioblk", resources, bars, dmaSlot, QueueEntry, out waiter);
        if (t == null)
        {
            return null;
        }

        ushort vector = waiter!.UsesMessages ? QueueEntry : VirtioPciTransport.NoVector;
        var options = new VirtioBlkOptions { Slots = BlockProtocol.MaxBatch, WaitLimit = waiter.WaitsFor(RequestTimeoutNs), QueueVector = vector };
        DmaRegion? dma = DmaMemory.Allocate(dmaSlot, options.RequiredDmaBytes(options.QueueSize, options.Slots), out SyscallStatus allocated);
        if (dma == null)
        {
            Log.WriteLine($"virtioblk: no DMA memory (status {(int)allocated})");
            return null;
        }

        VirtioStatus status = VirtioBlkDevice.Create(t, dma, options, waiter, out VirtioBlkDevice? device);
        if (status == VirtioStatus.VectorRefused && waiter.UsesMessages)
        {
            // The device would not take the MSI-X entry: back to the line, and start again
            // (Create resets the device first).
            Log.WriteLine($"virtioblk: the device refused MSI-X entry {QueueEntry}; using the interrupt line (status {(int)MessageInterrupts.Disable(resources)})");
            waiter = VirtioFunction.LineWaiter("virtioblk", resources, t);
            options = new VirtioBlkOptions { Slots = options.Slots, WaitLimit = waiter.WaitsFor(RequestTimeoutNs) };
            status = VirtioBlkDevice.Create(t, dma, options, waiter, out device);
        }

        if (status != VirtioStatus.Ok)
        {
            Log.WriteLine($"virtioblk: the device refused to start ({status})");
        }

        return device;
    }
}

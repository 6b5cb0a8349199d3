using NexOS.Abi;
using NexOS.DriverKit;
using NexOS.Drivers.Ahci;
using NexOS.Drivers.Hardware;
using NexOS.UserLib;

namespace NexOS.Programs.Ahci;

/// <summary>
/// The AHCI driver service (docs/services.md): SATA disks, what real PCs and VMware have. The
/// device manager starts it for an AHCI controller (class 01:06:01) with its BARs (the
/// registers, ABAR, are BAR 5) and, for the system's disk, the `disk` endpoint. It brings up
/// the first port with an ATA disk using the portable NexOS.Drivers.Ahci code, one command at
/// a time, waiting for each on the controller's MSI (its MSI-X when it has one; polled with
/// <see cref="PollingWaiter"/> when it has neither), and serves the block protocol
/// (NexOS.Abi.BlockProtocol) until it is killed, having told the device manager it is ready.
/// Exit codes: 0 when it had no endpoint to serve or found no ATA disk, 2 bad resources.
/// </summary>
public static class Program
{
    private const int AbarIndex = 5;
    private const int TransferBytes = 64 * 1024;
    private const ulong CommandTimeoutNs = 10_000_000_000;

    public static int Main(string[] args)
    {
        if (!DeviceResources.TryParse(args, out DeviceResources? resources))
        {
            Log.WriteLine("ahci: no device resources (start it with devstart)");
            return 2;
        }

        DeviceResource? abar = null;
        foreach (DeviceResource r in resources!.Entries)
        {
            abar = r.Kind == ResourceKind.Memory && r.Bar == AbarIndex ? r : abar;
        }

        long mapped = abar == null ? -(long)SyscallStatus.NotFound : Devices.MapMmio(abar.Value.Slot);
        if (mapped < 0)
        {
            Log.WriteLine($"ahci: the controller's registers (BAR 5) could not be mapped (status {-mapped})");
            return 2;
        }

        var hba = new MappedRegisters((ulong)mapped + abar!.Value.Value, abar.Value.Length);
        InterruptWaiter? completions = Messages(resources, hba);
        AhciPort? disk = FindDisk(hba, abar.Value.Slot, completions, out int port);
        if (disk == null)
        {
            // A controller with only a CD-ROM or nothing attached is no failure: end cleanly,
            // so the device manager does not start the driver again.
            Log.WriteLine("ahci: no ATA disk on any port");
            return 0;
        }

        ulong mib = disk.BlockCount * (ulong)disk.BlockSize >> 20;
        Log.WriteLine($"ahci: port {port}: {disk.BlockCount} blocks of {disk.BlockSize} bytes ({mib} MiB), {(disk.UsesInterrupt ? "MSI interrupts" : "polling")}");
        DeviceResource? served = resources.Find(ResourceKind.Served);
        if (served == null)
        {
            Log.WriteLine("ahci: no endpoint to serve; the disk checked out");
            return 0;
        }

        var server = new BlockServer(disk, served.Value.Slot, TransferBytes, volatileCache: true);
        DeviceResource? config = resources.Find(ResourceKind.Config);
        if (config != null)
        {
            _ = DeviceConfig.ReportReady(config.Value.Slot);
        }

        SyscallStatus ended = server.Run();
        Log.WriteLine($"ahci: serving ended (status {(int)ended}) after {server.Served} requests");
        return 1;
    }

    // The first implemented port with an ATA disk. A port that failed before touching the
    // DMA memory (no device, not ATA) leaves it for the next port; any other failure may have
    // pointed the port at it, so the next port gets fresh memory.
    // The controller's message interrupt (AHCI controllers have MSI, some MSI-X), or null
    // with the reason on the log: commands are then polled.
    private static InterruptWaiter? Messages(DeviceResources resources, IMmioRegion hba)
    {
        DeviceResource? config = resources.Find(ResourceKind.Config);
        Span<byte> space = stackalloc byte[DeviceConfig.Length];
        SyscallStatus read = config == null ? SyscallStatus.NotFound : DeviceConfig.ReadAll(config.Value.Slot, space);
        var bars = new IMmioRegion?[6];
        bars[AbarIndex] = hba;
        string why = $"configuration space unreadable (status {(int)read})";
        InterruptWaiter? waiter = read == SyscallStatus.Ok ? MessageInterrupts.Enable(resources, bars, space, 0, allowMsi: true, out why) : null;
        if (waiter == null)
        {
            Log.WriteLine($"ahci: polling: {why}");
        }

        return waiter;
    }

    private static AhciPort? FindDisk(IMmioRegion hba, int mmio, InterruptWaiter? completions, out int port)
    {
        DmaRegion? dma = null;
        var waiter = new PollingWaiter();
        for (port = 0; port < 32; port++)
        {
            if ((hba.Read32(AhciRegisters.Pi) & (1u << port)) == 0)
            {
                continue;
            }

            dma ??= DmaMemory.Allocate(mmio, AhciPort.RequiredDmaBytes(TransferBytes), out _);
            if (dma == null)
            {
                Log.WriteLine("ahci: no DMA memory");
                return null;
            }

            AhciStatus status = AhciPort.Create(hba, port, dma, waiter, TransferBytes, completions, completions?.WaitsFor(CommandTimeoutNs) ?? 0, out AhciPort? disk);
            if (status == AhciStatus.Ok)
            {
                return disk;
            }

            if (status != AhciStatus.NoDevice && status != AhciStatus.NotAta)
            {
                Log.WriteLine($"ahci: port {port}: {status}");
                dma = null;
            }
        }

        return null;
    }
}

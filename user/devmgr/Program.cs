using System.Text;
using NexOS.Abi;
using NexOS.Drivers.Pci;
using NexOS.UserLib;

namespace NexOS.Programs.DevMgr;

/// <summary>
/// The device manager (docs/services.md): the one process holding the device authority (slot
/// 1). It enumerates PCI through the configuration ports (NexOS.Drivers.Pci, the same code the
/// host tests run against emulated machines), starts the drivers its <see cref="DriverTable"/>
/// names for what it finds, and then serves its endpoint (receive and send rights in slot 2;
/// the `disk`, `disk1`, `disk2` and `disk3` endpoints disk drivers serve in slots 3-6; the
/// `nic` endpoint the network driver serves in slot 7 and the `netwake` notification it
/// signals in slot 8): `lspci` (List), starting a program
/// for a function with exactly that function's resources as capabilities (Start, see
/// <see cref="Resources"/>), configuration-space reads for drivers (ConfigRead), turning a
/// driver's message interrupts on or off (Messages), the number of disks (Disks) and whether
/// the network driver serves (Nics). It reports each program's end on the log, and starts a driver it
/// started by itself again when it fails, a bounded number of times.
/// </summary>
public static class Program
{
    private const int Authority = 1;
    private const int EndpointSlot = 2;
    private static readonly int[] s_diskSlots = [3, 4, 5, 6];
    private const int NicSlot = 7;
    private const int NetWakeSlot = 8;
    private const ulong PollNs = 100_000_000;

    private static IPciConfigSpace? s_config;
    private static Supervision? s_supervision;

    public static int Main()
    {
        long ports = Devices.CreatePorts(Authority, 0xCF8, 8);
        if (ports < 0)
        {
            Log.WriteLine($"devmgr: no PCI configuration ports (status {-ports})");
            return 1;
        }

        var config = new PciPortConfigSpace(new PortIo((int)ports));
        s_config = config;
        var functions = new List<PciFunction>();
        PciScanStatus scan = new PciEnumerator(config).Enumerate(functions);
        if (scan != PciScanStatus.Ok)
        {
            Log.WriteLine($"devmgr: PCI enumeration stopped early ({scan}); {functions.Count} functions found");
        }

        var supervision = new Supervision(functions, Launch);
        s_supervision = supervision;
        supervision.StartDrivers(s_diskSlots, NicSlot);
        while (true)
        {
            SyscallStatus status = Ipc.Receive(EndpointSlot, out Message request, out ulong badge, PollNs);
            if (status == SyscallStatus.TimedOut)
            {
                supervision.Reap();
                continue;
            }

            if (status != SyscallStatus.Ok)
            {
                Log.WriteLine($"devmgr: receive failed (status {(int)status})");
                return 1;
            }

            Message answer = Answer(functions, in request, badge);
            _ = Ipc.Reply(in answer);

            // Busy or idle, ended programs are collected: a client polling Disks must see a
            // driver that ended as gone.
            supervision.Reap();
        }
    }

    private static Message Answer(List<PciFunction> functions, in Message request, ulong badge)
    {
        ulong label = request.Label & ~UserAbi.GrantFlag;
        if (label == DeviceProtocol.ConfigRead)
        {
            return badge == 0 ? Fail(SyscallStatus.NoRights) : ConfigRead(functions, badge, request.W0, request.W1);
        }

        if (label == DeviceProtocol.Ready)
        {
            return badge == 0 ? Fail(SyscallStatus.NoRights) : new Message { Label = (ulong)s_supervision!.MarkReady(badge & 0xFFFF) };
        }

        if (label == DeviceProtocol.Messages)
        {
            return badge == 0 ? Fail(SyscallStatus.NoRights) : Messages(functions, badge, request.W0, request.W1, request.W2);
        }

        if (badge != 0)
        {
            return Fail(SyscallStatus.NoRights);
        }

        return label switch
        {
            DeviceProtocol.List => List(functions, Ipc.GrantedLength(in request)),
            DeviceProtocol.Start => Start(functions, request.W0, Ipc.GrantedLength(in request)),
            DeviceProtocol.Nics => new Message { W0 = s_supervision!.NicState == 1 ? 1UL : 0, W1 = s_supervision.NicState == 2 ? 1UL : 0 },
            DeviceProtocol.Disks => new Message
            {
                W0 = (ulong)s_supervision!.DisksReady,
                W1 = (ulong)s_supervision.DisksStarting,
                W2 = s_supervision.ReadyDiskMask,
                W3 = s_supervision.StartingDiskMask,
            },
            _ => Fail(SyscallStatus.BadArgument),
        };
    }

    private static Message Fail(SyscallStatus status) => new() { Label = (ulong)status };

    private static Message List(List<PciFunction> functions, int capacity)
    {
        var text = new StringBuilder();
        foreach (PciFunction f in functions)
        {
            text.Append(PciFormatter.FormatLine(f));
            text.Append(f.InterruptPin != 0 ? $", irq {f.InterruptLine}\n" : "\n");
        }

        byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());
        int n = Math.Min(bytes.Length, capacity);
        SyscallStatus status = n == 0 ? SyscallStatus.Ok : Ipc.WriteGrant(0, bytes.AsSpan(0, n));
        return new Message { Label = (ulong)status, W0 = (ulong)n, W1 = (ulong)functions.Count };
    }

    // Configuration space of the function the caller's badge names, and only of it: offsets
    // 0-255 aligned to a width of 1, 2 or 4. Reads only: the manager owns the command register
    // and the BARs, which a driver could otherwise point anywhere.
    private static Message ConfigRead(List<PciFunction> functions, ulong badge, ulong offset, ulong width)
    {
        PciFunction? f = Driven(functions, badge);
        if (f == null)
        {
            return Fail(SyscallStatus.NotFound);
        }

        if ((width != 1 && width != 2 && width != 4) || offset > 256 - width || offset % width != 0)
        {
            return Fail(SyscallStatus.BadArgument);
        }

        ulong value = width switch
        {
            1 => s_config!.Read8(f.Address, (int)offset),
            2 => s_config!.Read16(f.Address, (int)offset),
            _ => s_config!.Read32(f.Address, (int)offset),
        };
        return new Message { W0 = value };
    }

    // Message interrupts on (MSI-X, or MSI with the caller's message) or off for the function
    // the caller's badge names. The manager, which owns the configuration space, writes it;
    // an MSI-X table lives in the driver's own BAR, which the driver has written.
    private static Message Messages(List<PciFunction> functions, ulong badge, ulong on, ulong address, ulong data)
    {
        PciFunction? f = Driven(functions, badge);
        if (f == null || (f.MsiX == null && f.Msi == null))
        {
            return Fail(SyscallStatus.NotFound);
        }

        if (on > 1 || (on == 1 && f.MsiX == null && data > ushort.MaxValue))
        {
            return Fail(SyscallStatus.BadArgument);
        }

        if (on == 0)
        {
            PciMessageInterrupts.UseLine(s_config!, f);
            return new Message();
        }

        PciMsiStatus status = f.MsiX != null
            ? PciMessageInterrupts.EnableMsiX(s_config!, f)
            : PciMessageInterrupts.EnableMsi(s_config!, f, address, (ushort)data);
        return status == PciMsiStatus.Ok ? new Message() : Fail(SyscallStatus.BadArgument);
    }

    private static PciFunction? Driven(List<PciFunction> functions, ulong badge)
    {
        PciFunction? f = Find(functions, badge & 0xFFFF);
        return f != null && DeviceProtocol.DriverBadge(Resources.AddressOf(f)) == badge ? f : null;
    }

    private static Message Start(List<PciFunction> functions, ulong address, int commandLength)
    {
        PciFunction? target = Find(functions, address);
        if (target == null || commandLength == 0 || commandLength > DeviceProtocol.MaxCommandLine)
        {
            return Fail(target == null ? SyscallStatus.NotFound : SyscallStatus.BadArgument);
        }

        if (s_supervision!.IsDriven(target))
        {
            return Fail(SyscallStatus.AddressInUse);
        }

        byte[] command = new byte[commandLength];
        SyscallStatus read = Ipc.ReadGrant(0, command);
        if (read != SyscallStatus.Ok)
        {
            return Fail(read);
        }

        long id = s_supervision!.Start(target, Encoding.UTF8.GetString(command), served: 0, restarts: false);
        return id < 0 ? Fail((SyscallStatus)(-id)) : new Message { W0 = (ulong)id };
    }

    private static PciFunction? Find(List<PciFunction> functions, ulong address)
    {
        foreach (PciFunction f in functions)
        {
            if (Resources.AddressOf(f) == address)
            {
                return f;
            }
        }

        return null;
    }

    // Starts COMMAND for the function with its resources; returns the process capability's
    // slot or a negated status. Decoding and bus mastering are turned on first (the driver
    // needs them for its registers and its DMA), with the function on its interrupt line.
    private static long Launch(PciFunction f, string command, int served, int exits, ulong bit)
    {
        var slots = new List<ulong>();
        var text = new StringBuilder();
        SyscallStatus made = Resources.Make(Authority, EndpointSlot, f, served, served == NicSlot ? NetWakeSlot : 0, slots, text);
        if (made == SyscallStatus.Ok)
        {
            // A driver that ended with messages on leaves its successor the line.
            PciMessageInterrupts.UseLine(s_config!, f);
            s_config!.Write16(f.Address, 0x04, (ushort)(s_config.Read16(f.Address, 0x04) | 0x7));
        }

        long child = made == SyscallStatus.Ok
            ? Children.Spawn(command + text.ToString(), slots.ToArray(), exits, bit)
            : -(long)made;
        foreach (ulong slot in slots)
        {
            _ = Children.Close((int)slot);
        }

        return child;
    }
}

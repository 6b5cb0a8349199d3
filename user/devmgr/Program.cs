using System.Text;
using NexOS.Abi;
using NexOS.Drivers.Pci;
using NexOS.UserLib;

namespace NexOS.Programs.DevMgr;

/// <summary>
/// The device manager (docs/services.md): the one process holding the device authority (slot
/// 1). It enumerates PCI through the configuration ports (NexOS.Drivers.Pci, the same code the
/// host tests run against emulated machines), answers `lspci` (List), and starts a
/// driver program for a function with exactly that function's resources as capabilities
/// (Start), enabling its decoding and bus mastering first. Its endpoint's receive side is in
/// slot 2. A started program gets, in slots 1, 2, ...: an MMIO capability per memory BAR
/// (whole pages around it), a port range per I/O BAR, in BAR order, then the interrupt line
/// when the function has one; its last argument is `res=` followed by one entry per
/// capability, comma-separated: `m<hex offset of the BAR in its first page>`, `p<hex first
/// port>` or `q<line>`. The manager reports each program's end on the log.
/// </summary>
public static class Program
{
    private const int Authority = 1;
    private const int EndpointSlot = 2;
    private const ulong PollNs = 100_000_000;

    private static readonly List<(long Slot, string Name, ulong Bit)> s_children = new();
    private static long s_exits;

    public static int Main()
    {
        long ports = Devices.CreatePorts(Authority, 0xCF8, 8);
        if (ports < 0)
        {
            Log.WriteLine($"devmgr: no PCI configuration ports (status {-ports})");
            return 1;
        }

        // Each program it starts raises a bit of its own here when it ends: the manager looks
        // whenever no request came for a while, and waits only for children that have ended.
        s_exits = Ipc.CreateNotification();
        var config = new PciPortConfigSpace(new PortIo((int)ports));
        var functions = new List<PciFunction>();
        PciScanStatus scan = new PciEnumerator(config).Enumerate(functions);
        if (scan != PciScanStatus.Ok)
        {
            Log.WriteLine($"devmgr: PCI enumeration stopped early ({scan}); {functions.Count} functions found");
        }

        while (true)
        {
            SyscallStatus status = Ipc.Receive(EndpointSlot, out Message request, out _, PollNs);
            if (status == SyscallStatus.TimedOut)
            {
                Reap();
                continue;
            }

            if (status != SyscallStatus.Ok)
            {
                Log.WriteLine($"devmgr: receive failed (status {(int)status})");
                return 1;
            }

            Message answer = (request.Label & ~UserAbi.GrantFlag) switch
            {
                DeviceProtocol.List => List(functions, Ipc.GrantedLength(in request)),
                DeviceProtocol.Start => Start(functions, config, request.W0, Ipc.GrantedLength(in request)),
                _ => new Message { Label = (ulong)SyscallStatus.BadArgument },
            };
            _ = Ipc.Reply(in answer);
        }
    }

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

    private static Message Start(List<PciFunction> functions, IPciConfigSpace config, ulong address, int commandLength)
    {
        PciFunction? target = null;
        foreach (PciFunction f in functions)
        {
            if (DeviceProtocol.Address(f.Address.Bus, f.Address.Device, f.Address.Function) == address)
            {
                target = f;
            }
        }

        if (target == null || commandLength == 0 || commandLength > DeviceProtocol.MaxCommandLine)
        {
            return new Message { Label = (ulong)(target == null ? SyscallStatus.NotFound : SyscallStatus.BadArgument) };
        }

        byte[] command = new byte[commandLength];
        SyscallStatus read = Ipc.ReadGrant(0, command);
        if (read != SyscallStatus.Ok)
        {
            return new Message { Label = (ulong)read };
        }

        ulong bit = FreeBit();
        if (bit == 0)
        {
            return new Message { Label = (ulong)SyscallStatus.LimitReached };
        }

        var slots = new List<ulong>();
        var resources = new StringBuilder(" res=");
        SyscallStatus made = MakeResources(target, slots, resources);
        if (made == SyscallStatus.Ok)
        {
            // Memory and I/O decoding and bus mastering, which the driver needs for its
            // registers and its DMA.
            config.Write16(target.Address, 0x04, (ushort)(config.Read16(target.Address, 0x04) | 0x7));
        }

        long child = made == SyscallStatus.Ok
            ? Children.Spawn(Encoding.UTF8.GetString(command) + resources.ToString().TrimEnd(','), slots.ToArray(), (int)s_exits, bit)
            : -(long)made;
        foreach (ulong slot in slots)
        {
            _ = Children.Close((int)slot);
        }

        if (child < 0)
        {
            return new Message { Label = (ulong)(-child) };
        }

        s_children.Add((child, $"{Encoding.UTF8.GetString(command)} for {target.Address.Bus:x2}:{target.Address.Device:x2}.{target.Address.Function}", bit));
        return new Message { W0 = (ulong)Children.ProcessId((int)child) };
    }

    private static SyscallStatus MakeResources(PciFunction f, List<ulong> slots, StringBuilder resources)
    {
        foreach (PciBar bar in f.Bars)
        {
            if (!bar.IsUsable || bar.Address == 0)
            {
                continue;
            }

            ulong start = bar.Address, length = bar.Size;
            bool io = bar.Kind == PciBarKind.Io;
            ulong first = start & ~0xFFFUL;
            ulong pages = ((start + length + 0xFFF) & ~0xFFFUL) - first;
            long slot = io ? Devices.CreatePorts(Authority, (ushort)start, (int)Math.Min(length, 0xFFFF)) : Devices.CreateMmio(Authority, first, pages);
            if (slot < 0)
            {
                return (SyscallStatus)(-slot);
            }

            slots.Add((ulong)slot);
            resources.Append(io ? $"p{start:x}," : $"m{start - first:x},");
        }

        if (f.InterruptPin != 0 && f.InterruptLine < 16)
        {
            long line = Devices.CreateInterrupt(Authority, f.InterruptLine);
            if (line >= 0)
            {
                slots.Add((ulong)line);
                resources.Append($"q{f.InterruptLine},");
            }
        }

        return SyscallStatus.Ok;
    }

    /// <summary>An exit bit no running child uses; 0 when 64 children run.</summary>
    private static ulong FreeBit()
    {
        ulong used = 0;
        foreach ((_, _, ulong bit) in s_children)
        {
            used |= bit;
        }

        return ~used & (used + 1);
    }

    private static void Reap()
    {
        if (s_children.Count == 0 || Ipc.Wait((int)s_exits, out ulong ended, 1) != SyscallStatus.Ok)
        {
            return;
        }

        for (int i = s_children.Count - 1; i >= 0; i--)
        {
            if ((ended & s_children[i].Bit) != 0)
            {
                long code = Children.Wait((int)s_children[i].Slot);
                Log.WriteLine($"devmgr: {s_children[i].Name} ended with code {code}");
                _ = Children.Close((int)s_children[i].Slot);
                s_children.RemoveAt(i);
            }
        }
    }
}

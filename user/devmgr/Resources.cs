using System.Text;
using NexOS.Abi;
using NexOS.Drivers.Pci;
using NexOS.UserLib;

namespace NexOS.Programs.DevMgr;

/// <summary>
/// The capabilities a driver program gets for its function and the `res=` argument that
/// describes them (docs/services.md): in slots 1, 2, ... an MMIO capability per memory BAR
/// (`m<bar>:<hex offset of the BAR in its first page>:<hex length>`) and a port range per
/// I/O BAR (`p<bar>:<hex first port>:<hex count>`) in BAR order, the interrupt line when the function has one
/// (`q<line>`), the manager's endpoint badged for this function, through which it reads its
/// configuration space (`c`), for a disk or network driver the endpoint it serves (`s`), and for
/// a network driver the notification it signals when frames arrive (`w`).
/// </summary>
internal static class Resources
{
    /// <summary>Makes the capabilities into <paramref name="slots"/> (the caller closes them
    /// once the program has its copies) and the text into <paramref name="text"/>.</summary>
    public static SyscallStatus Make(int authority, int endpoint, PciFunction f, int served, int wake, List<ulong> slots, StringBuilder text)
    {
        text.Append(" res=");
        for (int i = 0; i < f.Bars.Length; i++)
        {
            PciBar bar = f.Bars[i];
            if (!bar.IsUsable || bar.Address == 0)
            {
                continue;
            }

            ulong start = bar.Address, length = bar.Size;
            bool io = bar.Kind == PciBarKind.Io;
            ulong first = start & ~0xFFFUL;
            ulong pages = ((start + length + 0xFFF) & ~0xFFFUL) - first;
            long slot = io ? Devices.CreatePorts(authority, (ushort)start, (int)Math.Min(length, 0xFFFF)) : Devices.CreateMmio(authority, first, pages, (int)AddressOf(f));
            if (slot < 0)
            {
                return (SyscallStatus)(-slot);
            }

            slots.Add((ulong)slot);
            text.Append(io ? $"p{i}:{start:x}:{Math.Min(length, 0xFFFF):x}," : $"m{i}:{start - first:x}:{length:x},");
        }

        if (f.InterruptPin != 0 && f.InterruptLine < 16)
        {
            long line = Devices.CreateInterrupt(authority, f.InterruptLine);
            if (line >= 0)
            {
                slots.Add((ulong)line);
                text.Append($"q{f.InterruptLine},");
            }
        }

        long config = Children.Copy(endpoint, (ulong)CapabilityRights.Send, DeviceProtocol.DriverBadge(AddressOf(f)));
        if (config < 0)
        {
            return (SyscallStatus)(-config);
        }

        slots.Add((ulong)config);
        text.Append("c,");
        if (served != 0)
        {
            long copy = Children.Copy(served, (ulong)CapabilityRights.Receive);
            if (copy < 0)
            {
                return (SyscallStatus)(-copy);
            }

            slots.Add((ulong)copy);
            text.Append("s,");
        }

        if (wake != 0)
        {
            long copy = Children.Copy(wake, (ulong)CapabilityRights.Signal);
            if (copy < 0)
            {
                return (SyscallStatus)(-copy);
            }

            slots.Add((ulong)copy);
            text.Append("w,");
        }

        text.Length--;
        return SyscallStatus.Ok;
    }

    /// <summary>The function's address as the protocol writes it.</summary>
    public static ulong AddressOf(PciFunction f) => DeviceProtocol.Address(f.Address.Bus, f.Address.Device, f.Address.Function);
}

using NexOS.UserLib;

namespace NexOS.Programs.DevMgr;

/// <summary>One PCI function as the manager found it: its address, ids, class, interrupt
/// line and its base address registers, sized.</summary>
internal sealed class PciFunction
{
    public int Bus;
    public int Device;
    public int Function;
    public ushort Vendor;
    public ushort DeviceId;
    public uint ClassCode;
    public byte InterruptLine;
    public byte InterruptPin;
    public readonly List<(ulong Base, ulong Length, bool Io)> Bars = new();
}

/// <summary>
/// PCI configuration space through ports 0xCF8/0xCFC (mechanism #1), on a port-range
/// capability the device authority made. Enumerates bus 0 and the buses behind bridges, every
/// device and function (a function 0 without the multi-function bit stops at it), and sizes each BAR the standard
/// way: with the function's decoding off, write all ones, read back, restore.
/// </summary>
internal sealed class PciBus
{
    private const ushort AddressPort = 0xCF8;
    private const ushort DataPort = 0xCFC;
    private readonly int _ports;

    public PciBus(int ports) => _ports = ports;

    /// <summary>Every function on bus 0 and on the buses behind PCI-to-PCI bridges, each bus
    /// scanned at most once (a bridge that names a bus already seen, or a loop, adds nothing).</summary>
    public List<PciFunction> Enumerate()
    {
        var found = new List<PciFunction>();
        var seen = new bool[256];
        var pending = new Queue<int>();
        pending.Enqueue(0);
        seen[0] = true;
        while (pending.Count > 0)
        {
            int bus = pending.Dequeue();
            for (int device = 0; device < 32; device++)
            {
                for (int function = 0; function < 8; function++)
                {
                    uint ids = Read(bus, device, function, 0);
                    if ((ids & 0xFFFF) == 0xFFFF)
                    {
                        if (function == 0)
                        {
                            break;
                        }

                        continue;
                    }

                    PciFunction f = Describe(bus, device, function, ids);
                    found.Add(f);
                    uint header = Read(bus, device, function, 0x0C) >> 16;
                    if ((header & 0x7F) == 1)
                    {
                        int secondary = (int)((Read(bus, device, function, 0x18) >> 8) & 0xFF);
                        if (!seen[secondary])
                        {
                            seen[secondary] = true;
                            pending.Enqueue(secondary);
                        }
                    }

                    if (function == 0 && (header & 0x80) == 0)
                    {
                        break;
                    }
                }
            }
        }

        return found;
    }

    private PciFunction Describe(int bus, int device, int function, uint ids)
    {
        var f = new PciFunction
        {
            Bus = bus,
            Device = device,
            Function = function,
            Vendor = (ushort)ids,
            DeviceId = (ushort)(ids >> 16),
            ClassCode = Read(bus, device, function, 0x08) >> 8,
        };
        uint interrupt = Read(bus, device, function, 0x3C);
        f.InterruptLine = (byte)interrupt;
        f.InterruptPin = (byte)(interrupt >> 8);
        int headerType = (int)((Read(bus, device, function, 0x0C) >> 16) & 0x7F);
        int bars = headerType == 0 ? 6 : headerType == 1 ? 2 : 0;
        for (int i = 0; i < bars; i++)
        {
            i += SizeBar(f, i);
        }

        return f;
    }

    /// <summary>Sizes BAR <paramref name="index"/>; returns 1 when it was the low half of a
    /// 64-bit BAR (the next register is its high half), else 0.</summary>
    private int SizeBar(PciFunction f, int index)
    {
        int offset = 0x10 + (index * 4);
        uint low = Read(f.Bus, f.Device, f.Function, offset);
        bool io = (low & 1) != 0;
        bool wide = !io && ((low >> 1) & 3) == 2;
        uint command = Read(f.Bus, f.Device, f.Function, 0x04);
        Write(f.Bus, f.Device, f.Function, 0x04, command & ~3u);
        Write(f.Bus, f.Device, f.Function, offset, 0xFFFF_FFFF);
        uint sizedLow = Read(f.Bus, f.Device, f.Function, offset);
        Write(f.Bus, f.Device, f.Function, offset, low);
        uint high = 0, sizedHigh = 0xFFFF_FFFF;
        if (wide && index < 5)
        {
            high = Read(f.Bus, f.Device, f.Function, offset + 4);
            Write(f.Bus, f.Device, f.Function, offset + 4, 0xFFFF_FFFF);
            sizedHigh = Read(f.Bus, f.Device, f.Function, offset + 4);
            Write(f.Bus, f.Device, f.Function, offset + 4, high);
        }

        Write(f.Bus, f.Device, f.Function, 0x04, command);
        ulong mask = io ? (sizedLow & ~3u) | 0xFFFF_0000u : ((ulong)sizedHigh << 32) | (sizedLow & ~0xFu);
        ulong length = mask == 0 ? 0 : ~mask + 1;
        if (!wide)
        {
            length &= 0xFFFF_FFFF;
        }

        ulong address = io ? low & ~3u : ((ulong)high << 32) | (low & ~0xFu);
        if (length != 0 && address != 0)
        {
            f.Bars.Add((address, length, io));
        }

        return wide ? 1 : 0;
    }

    /// <summary>Turns on the function's I/O and memory decoding and bus mastering, which its
    /// driver needs for register access and DMA.</summary>
    public void EnableDevice(PciFunction f)
    {
        uint command = Read(f.Bus, f.Device, f.Function, 0x04) & 0xFFFF;
        Write(f.Bus, f.Device, f.Function, 0x04, command | 0x7);
    }

    private uint Read(int bus, int device, int function, int offset)
    {
        _ = Devices.PortWrite(_ports, AddressPort, ConfigAddress(bus, device, function, offset), 4);
        long value = Devices.PortRead(_ports, DataPort, 4);
        return value < 0 ? 0xFFFF_FFFF : (uint)value;
    }

    private void Write(int bus, int device, int function, int offset, uint value)
    {
        _ = Devices.PortWrite(_ports, AddressPort, ConfigAddress(bus, device, function, offset), 4);
        _ = Devices.PortWrite(_ports, DataPort, value, 4);
    }

    private static uint ConfigAddress(int bus, int device, int function, int offset) =>
        0x8000_0000u | ((uint)bus << 16) | ((uint)device << 11) | ((uint)function << 8) | ((uint)offset & 0xFC);
}

using NexOS.Abi;
using NexOS.Core.Ipc;
using NexOS.Core.Memory;
using NexOS.Core.Processes;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Threading;

namespace NexOS.Kernel.Processes;

/// <summary>A range of I/O ports a driver may use: [<see cref="First"/>, +<see cref="Count"/>).</summary>
internal sealed class PortRange
{
    public PortRange(string name, ushort first, ushort count)
    {
        Name = name;
        First = first;
        Count = count;
    }

    public string Name { get; }

    public ushort First { get; }

    public ushort Count { get; }

    /// <summary>True when an access of <paramref name="width"/> bytes (1, 2 or 4) at
    /// <paramref name="port"/> lies wholly inside the range.</summary>
    public bool Allows(ulong port, ulong width) =>
        width is 1 or 2 or 4 && port >= First && port + width <= (ulong)First + Count;

    public KernelObjectHandle ToHandle() => new((uint)CapabilityKind.PortRange, this);
}

/// <summary>A device's register window a driver may map: [<see cref="Physical"/>,
/// +<see cref="Length"/>), page aligned, checked against RAM and the kernel's own devices
/// when it was made (<see cref="DeviceAuthority"/>).</summary>
internal sealed class MmioRange
{
    public MmioRange(ulong physical, ulong length)
    {
        Physical = physical;
        Length = length;
    }

    public ulong Physical { get; }

    public ulong Length { get; }

    public KernelObjectHandle ToHandle() => new((uint)CapabilityKind.Mmio, this);
}

/// <summary>
/// The authority to make device capabilities (MMIO windows, port ranges, interrupt lines):
/// one object, given by the kernel to init and by init to the device manager, which hands
/// each driver only its own device's. Even it cannot name RAM or the kernel's own devices
/// (<see cref="DeviceRanges"/>).
/// </summary>
internal sealed class DeviceAuthority
{
    private static DeviceAuthority? s_instance;

    private DeviceAuthority(DeviceRanges ranges) => Ranges = ranges;

    /// <summary>The one authority, once <see cref="Initialize"/> has run.</summary>
    public static DeviceAuthority? Instance => s_instance;

    public DeviceRanges Ranges { get; }

    /// <summary>Makes the authority from the boot memory map and the physical ranges of the
    /// devices the kernel drives itself. Set-up code, once.</summary>
    public static void Initialize(IReadOnlyList<NexOS.Core.Boot.MemoryRegion> memoryMap, IReadOnlyList<PhysRange> kernelDevices) =>
        s_instance = new DeviceAuthority(new DeviceRanges(memoryMap, kernelDevices));

    public KernelObjectHandle ToHandle() => new((uint)CapabilityKind.DeviceAuthority, this);
}

/// <summary>
/// An interrupt line handed to a driver in user space. When it fires, the kernel masks it and
/// raises the bound notification's bits; the driver handles its device and acknowledges,
/// which unmasks the line. A line is bound to one notification at a time; binding again (a
/// restarted driver) replaces the old one.
/// </summary>
internal sealed unsafe class InterruptLine
{
    private static readonly InterruptLine?[] s_lines = new InterruptLine?[Interrupts.IrqCount];

    private Notification? _bound;
    private ulong _bits;

    private InterruptLine(string name, int irq)
    {
        Name = name;
        Irq = irq;
    }

    public string Name { get; }

    public int Irq { get; }

    /// <summary>Times the line fired while bound.</summary>
    public ulong Delivered { get; private set; }

    /// <summary>The line for <paramref name="irq"/>, registered with the interrupt layer on
    /// first use; null when the kernel keeps that line for itself. Set-up code.</summary>
    public static InterruptLine? For(string name, int irq)
    {
        if ((uint)irq >= (uint)s_lines.Length)
        {
            return null;
        }

        if (s_lines[irq] == null)
        {
            if (!Interrupts.RegisterLine(irq, &OnLine))
            {
                return null;
            }

            s_lines[irq] = new InterruptLine(name, irq);
        }

        return s_lines[irq];
    }

    public KernelObjectHandle ToHandle() => new((uint)CapabilityKind.Interrupt, this);

    /// <summary>Delivers the line as <paramref name="bits"/> on <paramref name="notification"/>
    /// and unmasks it.</summary>
    public void Bind(Notification notification, ulong bits)
    {
        ulong flags = InterruptState.Disable();
        _bound = notification;
        _bits = bits;
        Interrupts.SetMasked(Irq, false);
        InterruptState.Restore(flags);
    }

    /// <summary>The driver has handled the device: the line may fire again.</summary>
    public void Acknowledge()
    {
        ulong flags = InterruptState.Disable();
        if (_bound != null)
        {
            Interrupts.SetMasked(Irq, false);
        }

        InterruptState.Restore(flags);
    }

    /// <summary>The interrupt layer's handler: interrupts off, no allocation.</summary>
    private static void OnLine(int irq)
    {
        InterruptLine? line = s_lines[irq];
        Interrupts.SetMasked(irq, true);
        if (line?._bound == null)
        {
            return;
        }

        line.Delivered++;
        IpcResult result = line._bound.Raise(line._bits);
        if (result.Woken != null)
        {
            Scheduler.WakeIpc(result.Woken);
        }
    }
}

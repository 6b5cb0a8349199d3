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
/// when it was made (<see cref="DeviceAuthority"/>), and the PCI function it belongs to, whose
/// DMA the IOMMU lets reach the buffers allocated through it.</summary>
internal sealed class MmioRange
{
    public MmioRange(ulong physical, ulong length, int sourceId = -1)
    {
        Physical = physical;
        Length = length;
        SourceId = sourceId;
    }

    public ulong Physical { get; }

    public ulong Length { get; }

    /// <summary>The PCI function's requester ID (bus, device, function), or -1 for a window
    /// that is no PCI function's (the boot framebuffer).</summary>
    public int SourceId { get; }

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
/// An interrupt handed to a driver in user space, delivered as bits on the notification it
/// is bound to. Two kinds share the capability kind and the calls: an ISA line through the
/// I/O APIC or PIC, which the kernel masks when it fires until the driver has served its
/// device and acknowledges (a level-triggered line would otherwise fire again at once); and a
/// message signalled interrupt (MSI, MSI-X), a vector of its own that the device writes to
/// the local APIC, edge triggered, so there is nothing to mask and acknowledging does
/// nothing. An interrupt is bound to one notification at a time; binding again (a restarted
/// driver) replaces the old binding.
/// </summary>
internal sealed unsafe class InterruptLine
{
    private static readonly InterruptLine?[] s_lines = new InterruptLine?[Interrupts.IrqCount];
    private static readonly InterruptLine?[] s_messages = new InterruptLine?[Interrupts.MessageVectorCount];
    private static readonly MessageVectors s_vectors = new(Interrupts.MessageVectorFirst, Interrupts.MessageVectorCount);

    private Notification? _bound;
    private ulong _bits;

    private InterruptLine(string name, int irq, bool message)
    {
        Name = name;
        Irq = irq;
        IsMessage = message;
    }

    public string Name { get; }

    /// <summary>The ISA line, or for a message interrupt its CPU vector.</summary>
    public int Irq { get; }

    /// <summary>True for a message signalled interrupt.</summary>
    public bool IsMessage { get; }

    /// <summary>Times the interrupt fired while bound.</summary>
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

            s_lines[irq] = new InterruptLine(name, irq, message: false);
        }

        return s_lines[irq];
    }

    /// <summary>
    /// The message interrupt for entry <paramref name="index"/> of the device whose register
    /// window starts at <paramref name="device"/> (physical): the same vector every time it is
    /// asked for (MessageVectors). BadIndex for an index out of range, Exhausted when every
    /// vector is taken. Interrupts may be on; the pool is updated with them off.
    /// </summary>
    public static MessageVectorStatus ForMessage(ulong device, int index, out InterruptLine? line)
    {
        line = null;
        ulong flags = InterruptState.Disable();
        MessageVectorStatus status = s_vectors.Claim(device, index, out int vector);
        Interrupts.SetMessageHandler(&OnMessage);
        InterruptState.Restore(flags);
        if (status != MessageVectorStatus.Ok)
        {
            return status;
        }

        int slot = vector - Interrupts.MessageVectorFirst;
        var made = s_messages[slot] == null ? new InterruptLine("msi", vector, message: true) : null;
        flags = InterruptState.Disable();
        s_messages[slot] ??= made;
        line = s_messages[slot];
        InterruptState.Restore(flags);
        return MessageVectorStatus.Ok;
    }

    /// <summary>What the `irq` command says about message vector <paramref name="vector"/>.</summary>
    public static string DescribeMessage(int vector) =>
        s_vectors.Owner(vector, out ulong device, out int index)
            ? $"message interrupt: device at 0x{device:x}, entry {index}"
            : "message interrupt (not given)";

    public KernelObjectHandle ToHandle() => new((uint)CapabilityKind.Interrupt, this);

    /// <summary>Delivers the interrupt as <paramref name="bits"/> on
    /// <paramref name="notification"/>; a line is unmasked.</summary>
    public void Bind(Notification notification, ulong bits)
    {
        ulong flags = InterruptState.Disable();
        _bound = notification;
        _bits = bits;
        if (!IsMessage)
        {
            Interrupts.SetMasked(Irq, false);
        }

        InterruptState.Restore(flags);
    }

    /// <summary>The driver has handled the device: a line may fire again. Nothing for a
    /// message interrupt, which is never masked by the kernel.</summary>
    public void Acknowledge()
    {
        if (IsMessage)
        {
            return;
        }

        ulong flags = InterruptState.Disable();
        if (_bound != null)
        {
            Interrupts.SetMasked(Irq, false);
        }

        InterruptState.Restore(flags);
    }

    /// <summary>The interrupt layer's handler for lines: interrupts off, no allocation.</summary>
    private static void OnLine(int irq)
    {
        InterruptLine? line = s_lines[irq];
        Interrupts.SetMasked(irq, true);
        line?.Deliver();
    }

    /// <summary>The interrupt layer's handler for message vectors: interrupts off, no
    /// allocation. A vector not given, or not bound yet, is dropped.</summary>
    private static void OnMessage(int vector)
    {
        int slot = vector - Interrupts.MessageVectorFirst;
        if ((uint)slot < (uint)s_messages.Length)
        {
            s_messages[slot]?.Deliver();
        }
    }

    private void Deliver()
    {
        if (_bound == null)
        {
            return;
        }

        Delivered++;
        IpcResult result = _bound.Raise(_bits);
        if (result.Woken != null)
        {
            Scheduler.WakeIpc(result.Woken);
        }
    }
}

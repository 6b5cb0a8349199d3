using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Arch.X64;

/// <summary>
/// The pair of 8259 interrupt controllers, remapped above the CPU exception vectors with
/// every line masked until a driver registers for it.
/// Device interrupts move to the I/O APIC when the MADT describes one
/// (<see cref="Interrupts.SwitchToIoApic"/>, which masks every line here); this stays the
/// route on machines without it.
/// </summary>
internal static class Pic
{
    private const ushort MasterCommand = 0x20;
    private const ushort MasterData = 0x21;
    private const ushort SlaveCommand = 0xA0;
    private const ushort SlaveData = 0xA1;
    private const byte EndOfInterruptCommand = 0x20;
    private const byte ReadInServiceCommand = 0x0B;

    public static void Initialize(int vectorBase)
    {
        Native.OutB(MasterCommand, 0x11); // ICW1: edge triggered, cascade, ICW4 follows
        Native.OutB(SlaveCommand, 0x11);
        Native.OutB(MasterData, (byte)vectorBase); // ICW2: vector offsets
        Native.OutB(SlaveData, (byte)(vectorBase + 8));
        Native.OutB(MasterData, 0x04); // ICW3: slave on line 2
        Native.OutB(SlaveData, 0x02);
        Native.OutB(MasterData, 0x01); // ICW4: 8086 mode
        Native.OutB(SlaveData, 0x01);
        Native.OutB(MasterData, 0xFF & ~(1 << 2)); // all masked but the cascade line
        Native.OutB(SlaveData, 0xFF);
    }

    /// <summary>Masks every line (the I/O APIC took over).</summary>
    public static void MaskAll()
    {
        Native.OutB(MasterData, 0xFF);
        Native.OutB(SlaveData, 0xFF);
    }

    public static void Unmask(int irq)
    {
        ushort port = irq < 8 ? MasterData : SlaveData;
        Native.OutB(port, (byte)(Native.InB(port) & ~(1 << (irq & 7))));
    }

    public static void Mask(int irq)
    {
        ushort port = irq < 8 ? MasterData : SlaveData;
        Native.OutB(port, (byte)(Native.InB(port) | (1 << (irq & 7))));
    }

    /// <summary>IRQ 7 and 15 also fire spuriously; the in-service register tells them apart.
    /// A spurious IRQ 15 still needs an EOI on the master for the cascade line.</summary>
    public static bool IsSpurious(int irq)
    {
        if (irq != 7 && irq != 15)
        {
            return false;
        }

        ushort command = irq == 7 ? MasterCommand : SlaveCommand;
        Native.OutB(command, ReadInServiceCommand);
        bool inService = (Native.InB(command) & 0x80) != 0;
        if (!inService && irq == 15)
        {
            Native.OutB(MasterCommand, EndOfInterruptCommand);
        }

        return !inService;
    }

    public static void EndOfInterrupt(int irq)
    {
        if (irq >= 8)
        {
            Native.OutB(SlaveCommand, EndOfInterruptCommand);
        }

        Native.OutB(MasterCommand, EndOfInterruptCommand);
    }
}

namespace NexOS.Drivers.Pci;

/// <summary>Offsets and bits of the configuration header the drivers use.</summary>
public static class PciRegisters
{
    /// <summary>Vendor id (16 bits); 0xFFFF means no function answers.</summary>
    public const int VendorId = 0x00;

    /// <summary>Device id (16 bits).</summary>
    public const int DeviceId = 0x02;

    /// <summary>Command register (16 bits).</summary>
    public const int Command = 0x04;

    /// <summary>Status register (16 bits, some bits write-one-to-clear).</summary>
    public const int Status = 0x06;

    /// <summary>Revision id (8 bits); prog-if, sub-class and class follow.</summary>
    public const int Revision = 0x08;

    /// <summary>Header type (8 bits, bit 7 = multi-function).</summary>
    public const int HeaderType = 0x0E;

    /// <summary>First base address register.</summary>
    public const int Bar0 = 0x10;

    /// <summary>Bridges: primary, secondary and subordinate bus numbers (8 bits each).</summary>
    public const int PrimaryBus = 0x18;

    /// <summary>Device headers: subsystem vendor id (16 bits), subsystem id after it.</summary>
    public const int SubsystemVendorId = 0x2C;

    /// <summary>Capabilities pointer of header types 0 and 1.</summary>
    public const int CapabilityPointer = 0x34;

    /// <summary>Capabilities pointer of a CardBus bridge (header type 2).</summary>
    public const int CardBusCapabilityPointer = 0x14;

    /// <summary>Interrupt line (8 bits); the interrupt pin follows.</summary>
    public const int InterruptLine = 0x3C;

    /// <summary>Command: respond to I/O space accesses.</summary>
    public const ushort CommandIoSpace = 0x0001;

    /// <summary>Command: respond to memory space accesses.</summary>
    public const ushort CommandMemorySpace = 0x0002;

    /// <summary>Command: the function may master the bus (needed for DMA and for MSI writes).</summary>
    public const ushort CommandBusMaster = 0x0004;

    /// <summary>Command: INTx is not asserted.</summary>
    public const ushort CommandInterruptDisable = 0x0400;

    /// <summary>Status: a capability list exists.</summary>
    public const ushort StatusCapabilityList = 0x0010;
}

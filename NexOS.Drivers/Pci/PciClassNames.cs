namespace NexOS.Drivers.Pci;

/// <summary>Names of PCI class codes, as lspci words them.</summary>
public static class PciClassNames
{
    /// <summary>The name of the sub-class <paramref name="subclass"/> of
    /// <paramref name="classCode"/>, falling back to the base class name, then to "Unknown class".</summary>
    public static string Describe(byte classCode, byte subclass) => ((classCode << 8) | subclass) switch
    {
        0x0000 => "Non-VGA unclassified device",
        0x0001 => "VGA compatible unclassified device",
        0x0100 => "SCSI storage controller",
        0x0101 => "IDE interface",
        0x0104 => "RAID bus controller",
        0x0105 => "ATA controller",
        0x0106 => "SATA controller",
        0x0107 => "Serial Attached SCSI controller",
        0x0108 => "Non-Volatile memory controller",
        0x0200 => "Ethernet controller",
        0x0280 => "Network controller",
        0x0300 => "VGA compatible controller",
        0x0302 => "3D controller",
        0x0380 => "Display controller",
        0x0401 => "Multimedia audio controller",
        0x0403 => "Audio device",
        0x0500 => "RAM memory",
        0x0600 => "Host bridge",
        0x0601 => "ISA bridge",
        0x0604 => "PCI bridge",
        0x0607 => "CardBus bridge",
        0x0680 => "Bridge",
        0x0700 => "Serial controller",
        0x0780 => "Communication controller",
        0x0800 => "PIC",
        0x0801 => "DMA controller",
        0x0802 => "Timer",
        0x0803 => "RTC",
        0x0880 => "System peripheral",
        0x0900 => "Keyboard controller",
        0x0902 => "Mouse controller",
        0x0C03 => "USB controller",
        0x0C05 => "SMBus",
        0x0C80 => "Serial bus controller",
        0x0D80 => "Wireless controller",
        0x1080 => "Encryption controller",
        0x1180 => "Signal processing controller",
        0xFF00 => "Unassigned class",
        _ => DescribeBase(classCode),
    };

    /// <summary>The name of base class <paramref name="classCode"/>, or "Unknown class".</summary>
    public static string DescribeBase(byte classCode) => classCode switch
    {
        0x00 => "Unclassified device",
        0x01 => "Mass storage controller",
        0x02 => "Network controller",
        0x03 => "Display controller",
        0x04 => "Multimedia controller",
        0x05 => "Memory controller",
        0x06 => "Bridge",
        0x07 => "Communication controller",
        0x08 => "Generic system peripheral",
        0x09 => "Input device controller",
        0x0A => "Docking station",
        0x0B => "Processor",
        0x0C => "Serial bus controller",
        0x0D => "Wireless controller",
        0x0E => "Intelligent controller",
        0x0F => "Satellite communications controller",
        0x10 => "Encryption controller",
        0x11 => "Signal processing controller",
        0x12 => "Processing accelerators",
        0x13 => "Non-Essential Instrumentation",
        0x40 => "Coprocessor",
        _ => "Unknown class",
    };

    /// <summary>The name of a programming interface worth showing, or null.</summary>
    public static string? DescribeProgIf(byte classCode, byte subclass, byte progIf) => ((classCode << 16) | (subclass << 8) | progIf) switch
    {
        0x010601 => "AHCI",
        0x010802 => "NVM Express",
        0x0C0300 => "UHCI",
        0x0C0310 => "OHCI",
        0x0C0320 => "EHCI",
        0x0C0330 => "XHCI",
        0x070002 => "16550",
        0x060401 => "Subtractive decode",
        _ => null,
    };

    /// <summary>The name of capability <paramref name="id"/>, or null when unknown.</summary>
    public static string? DescribeCapability(byte id) => id switch
    {
        0x01 => "Power Management",
        0x05 => "MSI",
        0x09 => "Vendor Specific",
        0x0D => "Subsystem",
        0x10 => "Express",
        0x11 => "MSI-X",
        0x12 => "SATA HBA",
        0x13 => "PCI Advanced Features",
        _ => null,
    };
}

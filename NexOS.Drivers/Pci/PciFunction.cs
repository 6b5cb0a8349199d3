namespace NexOS.Drivers.Pci;

/// <summary>Everything enumeration learnt about one PCI function.</summary>
public sealed class PciFunction
{
    internal PciFunction(PciAddress address)
    {
        Address = address;
    }

    /// <summary>Where the function is.</summary>
    public PciAddress Address { get; }

    /// <summary>Vendor id.</summary>
    public ushort VendorId { get; internal set; }

    /// <summary>Device id.</summary>
    public ushort DeviceId { get; internal set; }

    /// <summary>Subsystem vendor id (0 for bridges, which have none).</summary>
    public ushort SubsystemVendorId { get; internal set; }

    /// <summary>Subsystem id (0 for bridges).</summary>
    public ushort SubsystemId { get; internal set; }

    /// <summary>Base class code.</summary>
    public byte ClassCode { get; internal set; }

    /// <summary>Sub-class code.</summary>
    public byte Subclass { get; internal set; }

    /// <summary>Programming interface.</summary>
    public byte ProgIf { get; internal set; }

    /// <summary>Revision id.</summary>
    public byte Revision { get; internal set; }

    /// <summary>Header layout (0 device, 1 PCI-to-PCI bridge, 2 CardBus bridge), without the
    /// multi-function bit.</summary>
    public byte HeaderType { get; internal set; }

    /// <summary>Bit 7 of the header type register (of function 0: the device has more functions).</summary>
    public bool IsMultiFunction { get; internal set; }

    /// <summary>The legacy IRQ the firmware routed the pin to (0xFF: none).</summary>
    public byte InterruptLine { get; internal set; }

    /// <summary>The INTx pin: 0 none, 1..4 INTA..INTD.</summary>
    public byte InterruptPin { get; internal set; }

    /// <summary>Bridges only: the bus right behind the bridge.</summary>
    public byte SecondaryBus { get; internal set; }

    /// <summary>Bridges only: the highest bus behind the bridge.</summary>
    public byte SubordinateBus { get; internal set; }

    /// <summary>The BARs the header has (6 for a device, 2 for a bridge, none otherwise).</summary>
    public PciBar[] Bars { get; internal set; } = Array.Empty<PciBar>();

    /// <summary>The capability list in the order the list gives.</summary>
    public List<PciCapability> Capabilities { get; } = new();

    /// <summary>The MSI capability, when present and well formed.</summary>
    public PciMsiInfo? Msi { get; internal set; }

    /// <summary>The MSI-X capability, when present and well formed.</summary>
    public PciMsiXInfo? MsiX { get; internal set; }

    /// <summary>Problems found while reading the function.</summary>
    public PciIssues Issues { get; internal set; }

    /// <summary>True for a PCI-to-PCI bridge (header type 1).</summary>
    public bool IsBridge => HeaderType == 1;

    /// <summary>The class code as lspci shows it: base class and sub-class in one value.</summary>
    public ushort ClassAndSubclass => (ushort)((ClassCode << 8) | Subclass);

    /// <summary>The first capability with <paramref name="id"/>, or null.</summary>
    public PciCapability? FindCapability(byte id)
    {
        foreach (PciCapability c in Capabilities)
        {
            if (c.Id == id)
            {
                return c;
            }
        }

        return null;
    }

    /// <summary>The BAR with <paramref name="index"/>, or null when the header has none such.</summary>
    public PciBar? Bar(int index) => index >= 0 && index < Bars.Length ? Bars[index] : null;
}

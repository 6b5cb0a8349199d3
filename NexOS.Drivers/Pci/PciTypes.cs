namespace NexOS.Drivers.Pci;

/// <summary>What a base address register decodes.</summary>
public enum PciBarKind : byte
{
    /// <summary>The BAR is not implemented (reads back 0 after all ones were written).</summary>
    None,

    /// <summary>An I/O port range.</summary>
    Io,

    /// <summary>A memory range below 4 GiB.</summary>
    Memory32,

    /// <summary>A memory range anywhere (this BAR and the next one form the address).</summary>
    Memory64,

    /// <summary>The upper half of the previous 64-bit BAR.</summary>
    Upper64,

    /// <summary>The BAR read back values no real BAR can give (a size that is no power of two,
    /// a reserved memory type, a 64-bit BAR without a next BAR); it must not be used.</summary>
    Invalid,
}

/// <summary>Problems found while reading a function; the rest of its information is still good.</summary>
[Flags]
public enum PciIssues : ushort
{
    /// <summary>Nothing wrong.</summary>
    None = 0,

    /// <summary>The capability list points back at a capability already read.</summary>
    CapabilityLoop = 1 << 0,

    /// <summary>A capability pointer is below 0x40 or past the end of config space.</summary>
    CapabilityPointerInvalid = 1 << 1,

    /// <summary>The capability list is longer than could fit in config space.</summary>
    TooManyCapabilities = 1 << 2,

    /// <summary>At least one BAR is <see cref="PciBarKind.Invalid"/>.</summary>
    BarInvalid = 1 << 3,

    /// <summary>A bridge names a secondary bus already scanned (or bus 0), so it was not followed.</summary>
    BridgeLoop = 1 << 4,

    /// <summary>A bridge's bus numbers are inconsistent (secondary above subordinate, or not
    /// above its own bus), or its secondary bus lies outside the config space.</summary>
    BridgeBusInvalid = 1 << 5,

    /// <summary>An MSI or MSI-X capability is too short or names a BAR that does not exist.</summary>
    MessageCapabilityInvalid = 1 << 6,
}

/// <summary>A decoded base address register. <see cref="Size"/> is in bytes (0 when the BAR
/// is not implemented or invalid).</summary>
public readonly record struct PciBar(int Index, PciBarKind Kind, ulong Address, ulong Size, bool Prefetchable)
{
    /// <summary>True for a BAR that decodes a usable range.</summary>
    public bool IsUsable => (Kind == PciBarKind.Io || Kind == PciBarKind.Memory32 || Kind == PciBarKind.Memory64) && Size != 0;
}

/// <summary>One entry of a function's capability list: its id, where it sits in config
/// space, and a copy of its bytes (id and next pointer included).</summary>
public sealed class PciCapability
{
    /// <summary>Creates a capability record.</summary>
    public PciCapability(byte id, int offset, byte[] bytes)
    {
        Id = id;
        Offset = offset;
        Bytes = bytes;
    }

    /// <summary>The capability id (see <see cref="PciCapabilityId"/>).</summary>
    public byte Id { get; }

    /// <summary>Offset of the capability in config space.</summary>
    public int Offset { get; }

    /// <summary>The capability's bytes as read during enumeration. For a vendor-specific
    /// capability this is its self-declared length (byte 2); for others a fixed length that
    /// covers the structure.</summary>
    public byte[] Bytes { get; }
}

/// <summary>Capability ids the drivers use.</summary>
public static class PciCapabilityId
{
    /// <summary>Power management.</summary>
    public const byte PowerManagement = 0x01;

    /// <summary>Message signalled interrupts.</summary>
    public const byte Msi = 0x05;

    /// <summary>Vendor specific (virtio's structure locations, for example).</summary>
    public const byte VendorSpecific = 0x09;

    /// <summary>PCI Express.</summary>
    public const byte PciExpress = 0x10;

    /// <summary>MSI-X.</summary>
    public const byte MsiX = 0x11;

    /// <summary>SATA index/data pair configuration.</summary>
    public const byte Sata = 0x12;
}

/// <summary>The MSI capability of a function, as read during enumeration.</summary>
public readonly record struct PciMsiInfo(int Offset, bool Is64Bit, bool PerVectorMasking, int MultipleMessageCapable, bool Enabled)
{
    /// <summary>Vectors the function can ask for: 1 &lt;&lt; the MMC field (clamped to 32).</summary>
    public int MaxVectors => 1 << Math.Min(MultipleMessageCapable, 5);
}

/// <summary>The MSI-X capability of a function: table and pending bit array locations.</summary>
public readonly record struct PciMsiXInfo(int Offset, int TableSize, int TableBar, uint TableOffset, int PbaBar, uint PbaOffset, bool Enabled);

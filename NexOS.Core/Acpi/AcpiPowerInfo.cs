namespace NexOS.Core.Acpi;

/// <summary>An ACPI generic address structure (12 bytes in the FADT): which address space a
/// register lives in and where.</summary>
public readonly record struct AcpiGenericAddress(
    byte AddressSpaceId, byte BitWidth, byte BitOffset, byte AccessSize, ulong Address)
{
    /// <summary>Address space 0: physical memory.</summary>
    public const byte SystemMemory = 0;

    /// <summary>Address space 1: the x86 I/O port space.</summary>
    public const byte SystemIo = 1;

    /// <summary>Address space 2: PCI configuration space.</summary>
    public const byte PciConfiguration = 2;

    /// <summary>True when the register is an I/O port (space 1 with an address below 65536).</summary>
    public bool IsIoPort => AddressSpaceId == SystemIo && Address <= ushort.MaxValue;

    /// <inheritdoc/>
    public override string ToString() => $"space {AddressSpaceId} address 0x{Address:x}";
}

/// <summary>
/// What the kernel needs from ACPI to power the machine off (sleep state S5) and to reset it.
/// Port numbers of zero mean "absent". SLP_TYP values are as found in the \_S5 package; only
/// their low three bits reach the hardware.
/// </summary>
/// <param name="Pm1aControlPort">PM1a_CNT_BLK: the I/O port of the PM1a control register.</param>
/// <param name="Pm1bControlPort">PM1b_CNT_BLK: the optional second PM1 control register, or 0.</param>
/// <param name="SlpTypA">The first element of \_S5: SLP_TYP for PM1a.</param>
/// <param name="SlpTypB">The second element of \_S5: SLP_TYP for PM1b.</param>
/// <param name="ResetRegister">RESET_REG, or null when the FADT does not offer one.</param>
/// <param name="ResetValue">RESET_VALUE: the byte to write to the reset register.</param>
/// <param name="HasS5">True when a usable \_S5 package was found in the DSDT.</param>
public sealed record AcpiPowerInfo(
    ushort Pm1aControlPort,
    ushort Pm1bControlPort,
    byte SlpTypA,
    byte SlpTypB,
    AcpiGenericAddress? ResetRegister,
    byte ResetValue,
    bool HasS5)
{
    /// <summary>SMI_CMD: the port that switches the chipset into ACPI mode, or 0 when the
    /// machine is always in ACPI mode.</summary>
    public ushort SmiCommandPort { get; init; }

    /// <summary>ACPI_ENABLE: the value written to <see cref="SmiCommandPort"/> to enter ACPI mode.</summary>
    public byte AcpiEnableValue { get; init; }

    /// <summary>The physical address of the DSDT the FADT points to.</summary>
    public ulong DsdtAddress { get; init; }

    /// <summary>The FADT's revision byte (1 for ACPI 1.0; higher revisions add 64-bit fields).</summary>
    public byte FadtRevision { get; init; }
}

/// <summary>A table listed by the RSDT or XSDT: its signature, where it is, how long it claims
/// to be, and whether its checksum holds.</summary>
public readonly record struct AcpiTableEntry(string Signature, ulong Address, uint Length, bool ChecksumValid);

/// <summary>
/// The outcome of reading the ACPI tables. Either <see cref="Info"/> is set, or
/// <see cref="Error"/> says in one line what was wrong. Problems that still leave usable
/// information (no \_S5 object, a broken table that is not needed) are listed in
/// <see cref="Warnings"/>.
/// </summary>
public sealed class AcpiParseResult
{
    /// <summary>The power information, or null when parsing failed.</summary>
    public AcpiPowerInfo? Info { get; internal set; }

    /// <summary>Why parsing failed, or null when it succeeded.</summary>
    public string? Error { get; internal set; }

    /// <summary>True when <see cref="Info"/> is set.</summary>
    public bool Success => Info != null;

    /// <summary>Non-fatal problems found on the way, one sentence each.</summary>
    public List<string> Warnings { get; } = new();

    /// <summary>The tables the root table listed, in its order.</summary>
    public List<AcpiTableEntry> Tables { get; } = new();

    /// <summary>The ACPI revision the RSDP declares (0 for ACPI 1.0, 2 and above for later).</summary>
    public byte RsdpRevision { get; internal set; }

    /// <summary>True when the XSDT (64-bit entries) was walked rather than the RSDT.</summary>
    public bool UsedXsdt { get; internal set; }

    internal AcpiParseResult Fail(string error)
    {
        Error = error;
        Info = null;
        return this;
    }
}

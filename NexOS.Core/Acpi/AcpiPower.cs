using NexOS.Core.Hardware;

namespace NexOS.Core.Acpi;

/// <summary>
/// Powers the machine off or resets it through the registers <see cref="AcpiParser"/> found.
/// On real hardware a successful call does not return for long: the caller should wait a
/// moment, then fall back (keyboard controller reset, triple fault, or halting).
/// </summary>
public static class AcpiPower
{
    /// <summary>How many polls of PM1a_CNT to wait for the chipset to enter ACPI mode.</summary>
    public const int AcpiEnableSpinLimit = 100_000;

    private const ushort SciEnable = 1 << 0;
    private const int SlpTypShift = 10;
    private const ushort SlpTypMask = 0x7 << SlpTypShift;
    private const ushort SlpEnable = 1 << 13;

    /// <summary>
    /// Enters sleep state S5 (soft off). Switches the chipset into ACPI mode first when it is
    /// not (SCI_EN clear and an SMI_CMD port given). Then writes SLP_TYP to PM1a_CNT (and
    /// PM1b_CNT when there is one), and finally the same with SLP_EN set, keeping the other
    /// bits of each register as they were: ACPI requires that, and SCI_EN in particular must
    /// stay set. Returns false, writing nothing, when no \_S5 was found or PM1a_CNT is absent.
    /// </summary>
    public static bool Shutdown(AcpiPowerInfo info, IPortIo io)
    {
        if (!info.HasS5 || info.Pm1aControlPort == 0)
        {
            return false;
        }

        EnableAcpiMode(info, io);
        ushort a = Prepare(io.ReadUInt16(info.Pm1aControlPort), info.SlpTypA);
        ushort b = info.Pm1bControlPort != 0 ? Prepare(io.ReadUInt16(info.Pm1bControlPort), info.SlpTypB) : (ushort)0;
        io.WriteUInt16(info.Pm1aControlPort, a);
        if (info.Pm1bControlPort != 0)
        {
            io.WriteUInt16(info.Pm1bControlPort, b);
        }

        io.WriteUInt16(info.Pm1aControlPort, (ushort)(a | SlpEnable));
        if (info.Pm1bControlPort != 0)
        {
            io.WriteUInt16(info.Pm1bControlPort, (ushort)(b | SlpEnable));
        }

        return true;
    }

    /// <summary>
    /// Resets the machine through the FADT's reset register. Only a register in system I/O
    /// space can be written here; for any other space, or when the FADT offers no reset
    /// register, returns false without writing anything.
    /// </summary>
    public static bool Reset(AcpiPowerInfo info, IPortIo io)
    {
        if (info.ResetRegister is not AcpiGenericAddress register || !register.IsIoPort)
        {
            return false;
        }

        io.WriteByte((ushort)register.Address, info.ResetValue);
        return true;
    }

    /// <summary>The PM1 control value that selects <paramref name="slpTyp"/> with SLP_EN clear.</summary>
    public static ushort Prepare(ushort current, byte slpTyp) =>
        (ushort)((current & ~(SlpTypMask | SlpEnable)) | ((slpTyp & 0x7) << SlpTypShift));

    private static void EnableAcpiMode(AcpiPowerInfo info, IPortIo io)
    {
        if (info.SmiCommandPort == 0 || info.AcpiEnableValue == 0
            || (io.ReadUInt16(info.Pm1aControlPort) & SciEnable) != 0)
        {
            return;
        }

        io.WriteByte(info.SmiCommandPort, info.AcpiEnableValue);
        for (int i = 0; i < AcpiEnableSpinLimit && (io.ReadUInt16(info.Pm1aControlPort) & SciEnable) == 0; i++)
        {
        }
    }
}

using System.Buffers.Binary;
using NexOS.Core.Hardware;

namespace NexOS.Core.Acpi;

/// <summary>
/// Finds the power-management facts of a machine in its ACPI tables: RSDP, then the RSDT or
/// XSDT, then the FADT, then the \_S5 object in the DSDT. Everything read from firmware is
/// checked before it is used, and bad input yields an error value instead of an exception.
/// </summary>
public static class AcpiParser
{
    /// <summary>The number of root table entries examined; more are ignored with a warning.</summary>
    public const int MaxRootEntries = 256;

    private const int RsdpV1Length = 20;
    private const int RsdpV2Length = 36;

    // FADT field offsets (ACPI 6.5, table 5.9).
    private const int FadtDsdt = 40;
    private const int FadtSmiCommand = 48;
    private const int FadtAcpiEnable = 52;
    private const int FadtPm1aControl = 64;
    private const int FadtPm1bControl = 68;
    private const int FadtMinimumLength = 72;
    private const int FadtFlags = 112;
    private const int FadtResetRegister = 116;
    private const int FadtResetValue = 128;
    private const int FadtXDsdt = 140;
    private const int FadtXPm1aControl = 172;
    private const int FadtXPm1bControl = 184;
    private const uint ResetRegisterSupported = 1u << 10;

    /// <summary>
    /// Reads the power information starting from a copy of the RSDP (as multiboot2 tags 14 and
    /// 15 carry it: the 20-byte ACPI 1.0 structure or the 36-byte ACPI 2.0 one). Fails with a
    /// one-line <see cref="AcpiParseResult.Error"/> when the RSDP, the root table or the FADT is
    /// unusable; a missing or broken DSDT or \_S5 only clears
    /// <see cref="AcpiPowerInfo.HasS5"/> and adds a warning, because reset may still work.
    /// </summary>
    public static AcpiParseResult ReadPowerInfo(ReadOnlySpan<byte> rsdp, IPhysicalMemory memory)
    {
        var result = new AcpiParseResult();
        string? error = ParseRsdp(rsdp, result, out ulong rootAddress);
        if (error != null)
        {
            return result.Fail(error);
        }

        string rootName = result.UsedXsdt ? "XSDT" : "RSDT";
        error = AcpiTable.Load(memory, rootAddress, rootName, rootName, out byte[] root);
        if (error != null && result.UsedXsdt)
        {
            // Firmware that offers both keeps them equivalent; a broken XSDT need not be fatal.
            result.Warnings.Add(error + "; using the RSDT");
            result.UsedXsdt = false;
            rootName = "RSDT";
            error = AcpiTable.Load(memory, BinaryPrimitives.ReadUInt32LittleEndian(rsdp[16..]), rootName, rootName, out root);
        }

        if (error != null)
        {
            return result.Fail(error);
        }

        ulong fadtAddress = FindFadt(root, result, memory, out error);
        if (fadtAddress == 0)
        {
            return result.Fail(error ?? $"no FADT (FACP) listed in the {rootName}");
        }

        error = AcpiTable.Load(memory, fadtAddress, "FACP", "FADT", out byte[] fadt);
        if (error != null)
        {
            return result.Fail(error);
        }

        if (fadt.Length < FadtMinimumLength)
        {
            return result.Fail($"FADT too short ({fadt.Length} bytes, need {FadtMinimumLength})");
        }

        return ReadFadt(fadt, result, memory);
    }

    private static string? ParseRsdp(ReadOnlySpan<byte> rsdp, AcpiParseResult result, out ulong rootAddress)
    {
        rootAddress = 0;
        if (rsdp.Length < RsdpV1Length)
        {
            return $"RSDP too short ({rsdp.Length} bytes, need {RsdpV1Length})";
        }

        if (!rsdp[..8].SequenceEqual("RSD PTR "u8))
        {
            return "RSDP signature mismatch";
        }

        if (AcpiTable.Checksum(rsdp[..RsdpV1Length]) != 0)
        {
            return "RSDP checksum mismatch";
        }

        result.RsdpRevision = rsdp[15];
        rootAddress = BinaryPrimitives.ReadUInt32LittleEndian(rsdp[16..]);

        // A revision 2 RSDP copied as the 20-byte ACPI 1.0 structure (multiboot2 tag 14) has
        // no XSDT field to read; it is used like an ACPI 1.0 one.
        if (result.RsdpRevision < 2 || rsdp.Length < RsdpV2Length)
        {
            return null;
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(rsdp[20..]);
        if (length < RsdpV2Length || length > rsdp.Length)
        {
            return $"RSDP length field {length} is out of range";
        }

        if (AcpiTable.Checksum(rsdp[..(int)length]) != 0)
        {
            return "RSDP extended checksum mismatch";
        }

        ulong xsdt = BinaryPrimitives.ReadUInt64LittleEndian(rsdp[24..]);
        if (xsdt != 0)
        {
            rootAddress = xsdt;
            result.UsedXsdt = true;
        }

        return null;
    }

    /// <summary>Lists the root table's entries in <paramref name="result"/> and returns the
    /// address of the first FADT whose checksum holds, or 0 with the reason in
    /// <paramref name="error"/> when only broken ones exist.</summary>
    private static ulong FindFadt(byte[] root, AcpiParseResult result, IPhysicalMemory memory, out string? error)
    {
        error = null;
        int entrySize = result.UsedXsdt ? 8 : 4;
        ReadOnlySpan<byte> entries = root.AsSpan(AcpiTable.HeaderLength);
        int count = entries.Length / entrySize;
        if (count > MaxRootEntries)
        {
            result.Warnings.Add($"root table lists {count} tables; only the first {MaxRootEntries} are read");
            count = MaxRootEntries;
        }

        ulong fadt = 0;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> entry = entries.Slice(i * entrySize, entrySize);
            ulong address = entrySize == 8
                ? BinaryPrimitives.ReadUInt64LittleEndian(entry)
                : BinaryPrimitives.ReadUInt32LittleEndian(entry);
            string? headerError = AcpiTable.ReadHeader(memory, address, $"table {i}", out string signature, out uint length);
            if (headerError != null)
            {
                result.Warnings.Add(headerError);
                continue;
            }

            bool valid = AcpiTable.VerifyChecksum(memory, address, length);
            result.Tables.Add(new AcpiTableEntry(signature, address, length, valid));
            if (!valid)
            {
                result.Warnings.Add($"{signature} at 0x{address:x} has a bad checksum");
            }

            if (signature == "FACP" && fadt == 0)
            {
                if (valid)
                {
                    fadt = address;
                }
                else
                {
                    error = "FADT checksum mismatch";
                }
            }
        }

        return fadt;
    }

    private static AcpiParseResult ReadFadt(byte[] fadt, AcpiParseResult result, IPhysicalMemory memory)
    {
        ReadOnlySpan<byte> f = fadt;
        byte revision = f[8];
        ushort pm1a = Port(f, FadtPm1aControl, "PM1a_CNT_BLK", result);
        ushort pm1b = Port(f, FadtPm1bControl, "PM1b_CNT_BLK", result);

        // ACPI 2.0 added 64-bit generic-address copies; use them only when the legacy field is empty.
        if (pm1a == 0 && TryGenericAddress(f, FadtXPm1aControl, out AcpiGenericAddress xa) && xa.IsIoPort)
        {
            pm1a = (ushort)xa.Address;
        }

        if (pm1b == 0 && TryGenericAddress(f, FadtXPm1bControl, out AcpiGenericAddress xb) && xb.IsIoPort)
        {
            pm1b = (ushort)xb.Address;
        }

        ulong dsdt = BinaryPrimitives.ReadUInt32LittleEndian(f[FadtDsdt..]);
        if (revision >= 2 && f.Length >= FadtXDsdt + 8)
        {
            ulong xDsdt = BinaryPrimitives.ReadUInt64LittleEndian(f[FadtXDsdt..]);
            if (xDsdt != 0)
            {
                dsdt = xDsdt;
            }
        }

        AcpiGenericAddress? reset = null;
        byte resetValue = 0;
        if (f.Length > FadtResetValue
            && (BinaryPrimitives.ReadUInt32LittleEndian(f[FadtFlags..]) & ResetRegisterSupported) != 0
            && TryGenericAddress(f, FadtResetRegister, out AcpiGenericAddress r))
        {
            reset = r;
            resetValue = f[FadtResetValue];
        }

        bool hasS5 = false;
        byte slpTypA = 0;
        byte slpTypB = 0;
        string? error = AcpiTable.Load(memory, dsdt, "DSDT", "DSDT", out byte[] dsdtTable);
        if (error != null)
        {
            result.Warnings.Add(error);
        }
        else if (AmlS5Finder.TryFind(dsdtTable.AsSpan(AcpiTable.HeaderLength), out slpTypA, out slpTypB))
        {
            hasS5 = true;
        }
        else
        {
            result.Warnings.Add("no usable \\_S5_ package in the DSDT");
        }

        result.Info = new AcpiPowerInfo(pm1a, pm1b, slpTypA, slpTypB, reset, resetValue, hasS5)
        {
            SmiCommandPort = Port(f, FadtSmiCommand, "SMI_CMD", result),
            AcpiEnableValue = f[FadtAcpiEnable],
            DsdtAddress = dsdt,
            FadtRevision = revision,
        };
        return result;
    }

    private static ushort Port(ReadOnlySpan<byte> fadt, int offset, string field, AcpiParseResult result)
    {
        uint value = BinaryPrimitives.ReadUInt32LittleEndian(fadt[offset..]);
        if (value > ushort.MaxValue)
        {
            result.Warnings.Add($"{field} 0x{value:x} is not an I/O port; ignored");
            return 0;
        }

        return (ushort)value;
    }

    private static bool TryGenericAddress(ReadOnlySpan<byte> fadt, int offset, out AcpiGenericAddress address)
    {
        address = default;
        if (fadt.Length < offset + 12)
        {
            return false;
        }

        ReadOnlySpan<byte> g = fadt.Slice(offset, 12);
        address = new AcpiGenericAddress(g[0], g[1], g[2], g[3], BinaryPrimitives.ReadUInt64LittleEndian(g[4..]));
        return address.Address != 0;
    }
}

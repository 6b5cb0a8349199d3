using NexOS.Drivers.Hardware;

namespace NexOS.Drivers.Pci;

/// <summary>Result of an MSI or MSI-X programming call.</summary>
public enum PciMsiStatus
{
    /// <summary>Done.</summary>
    Ok,

    /// <summary>The function has no (well-formed) MSI or MSI-X capability.</summary>
    NoCapability,

    /// <summary>The address is not dword aligned, or above 4 GiB for a 32-bit MSI capability.</summary>
    BadAddress,

    /// <summary>The MSI-X vector is outside the function's table.</summary>
    VectorOutOfRange,

    /// <summary>The region given for the MSI-X table is too short to hold the entry.</summary>
    TableNotMapped,
}

/// <summary>
/// Programs message signalled interrupts: the kernel hands out a message address and data (its
/// choice of CPU and vector), and these helpers put them into the function. Enabling MSI or
/// MSI-X also turns on bus mastering (the message is a memory write by the device), sets the
/// INTx disable bit, and turns the other message mechanism off (a function must not use both).
/// </summary>
public static class PciMessageInterrupts
{
    private const int MsiControl = 2;
    private const ushort MsiEnable = 0x0001;
    private const ushort MsiMultipleEnableMask = 0x0070;
    private const ushort MsiXEnable = 0x8000;
    private const ushort MsiXFunctionMask = 0x4000;
    private const int MsiXEntrySize = 16;

    /// <summary>Programs the MSI capability of <paramref name="f"/> for one vector with
    /// <paramref name="address"/>/<paramref name="data"/>, unmasks it when per-vector masking
    /// exists, and enables MSI. Returns <see cref="PciMsiStatus.NoCapability"/> or
    /// <see cref="PciMsiStatus.BadAddress"/> without touching the function.</summary>
    public static PciMsiStatus EnableMsi(IPciConfigSpace config, PciFunction f, ulong address, ushort data)
    {
        if (f.Msi is not PciMsiInfo msi)
        {
            return PciMsiStatus.NoCapability;
        }

        if ((address & 3) != 0 || (!msi.Is64Bit && address > uint.MaxValue))
        {
            return PciMsiStatus.BadAddress;
        }

        PciAddress a = f.Address;
        int o = msi.Offset;
        DisableMsiX(config, f);
        ushort control = config.Read16(a, o + MsiControl);

        // Reprogram with MSI off, so the device never sends a half-written message.
        config.Write16(a, o + MsiControl, (ushort)(control & ~(MsiEnable | MsiMultipleEnableMask)));
        config.Write32(a, o + 4, (uint)address);
        int dataOffset = o + 8;
        if (msi.Is64Bit)
        {
            config.Write32(a, o + 8, (uint)(address >> 32));
            dataOffset = o + 12;
        }

        config.Write16(a, dataOffset, data);
        if (msi.PerVectorMasking)
        {
            // The mask bits follow the data register (padded to a dword).
            int maskOffset = dataOffset + 4;
            config.Write32(a, maskOffset, config.Read32(a, maskOffset) & ~1u);
        }

        SetCommandForMessages(config, a);
        config.Write16(a, o + MsiControl, (ushort)((control & ~MsiMultipleEnableMask) | MsiEnable));
        return PciMsiStatus.Ok;
    }

    /// <summary>Turns MSI off (INTx stays disabled: the driver re-enables it if it wants it).
    /// Returns <see cref="PciMsiStatus.NoCapability"/> when the function has no MSI.</summary>
    public static PciMsiStatus DisableMsi(IPciConfigSpace config, PciFunction f)
    {
        if (f.Msi is not PciMsiInfo msi)
        {
            return PciMsiStatus.NoCapability;
        }

        ushort control = config.Read16(f.Address, msi.Offset + MsiControl);
        config.Write16(f.Address, msi.Offset + MsiControl, (ushort)(control & ~MsiEnable));
        return PciMsiStatus.Ok;
    }

    /// <summary>Writes MSI-X table entry <paramref name="vector"/> through
    /// <paramref name="tableBar"/>, a mapping of the whole BAR that holds the table (entry at
    /// the capability's table offset + 16 * vector). The entry is masked while it is written and
    /// left masked when <paramref name="masked"/> is set. Returns an error status, writing
    /// nothing, when the function has no MSI-X, the vector is out of range, the address is not
    /// dword aligned, or the mapping is too short.</summary>
    public static PciMsiStatus ProgramMsiXEntry(PciFunction f, IMmioRegion tableBar, int vector, ulong address, uint data, bool masked = false) =>
        ProgramMsiXEntry(f.MsiX, tableBar, vector, address, data, masked);

    /// <summary>The same, for a driver that has the capability from
    /// <see cref="FindMsiX"/> rather than a whole <see cref="PciFunction"/>.</summary>
    public static PciMsiStatus ProgramMsiXEntry(PciMsiXInfo? msiX, IMmioRegion tableBar, int vector, ulong address, uint data, bool masked = false)
    {
        PciMsiStatus status = LocateEntry(msiX, tableBar, vector, out ulong entry);
        if (status != PciMsiStatus.Ok)
        {
            return status;
        }

        if ((address & 3) != 0)
        {
            return PciMsiStatus.BadAddress;
        }

        uint control = tableBar.Read32(entry + 12);
        tableBar.Write32(entry + 12, control | 1);
        tableBar.Write32(entry, (uint)address);
        tableBar.Write32(entry + 4, (uint)(address >> 32));
        tableBar.Write32(entry + 8, data);
        tableBar.Write32(entry + 12, masked ? control | 1 : control & ~1u);
        return PciMsiStatus.Ok;
    }

    /// <summary>Sets or clears the mask bit of MSI-X entry <paramref name="vector"/>; the same
    /// errors as <see cref="ProgramMsiXEntry"/>.</summary>
    public static PciMsiStatus SetMsiXEntryMasked(PciFunction f, IMmioRegion tableBar, int vector, bool masked)
    {
        PciMsiStatus status = LocateEntry(f.MsiX, tableBar, vector, out ulong entry);
        if (status == PciMsiStatus.Ok)
        {
            uint control = tableBar.Read32(entry + 12);
            tableBar.Write32(entry + 12, masked ? control | 1 : control & ~1u);
        }

        return status;
    }

    /// <summary>Enables MSI-X (after turning MSI off) with the function mask cleared, so the
    /// entries' own mask bits decide. Program the entries first. Returns
    /// <see cref="PciMsiStatus.NoCapability"/> when the function has no MSI-X.</summary>
    public static PciMsiStatus EnableMsiX(IPciConfigSpace config, PciFunction f)
    {
        if (f.MsiX is not PciMsiXInfo x)
        {
            return PciMsiStatus.NoCapability;
        }

        DisableMsi(config, f);
        SetCommandForMessages(config, f.Address);
        ushort control = config.Read16(f.Address, x.Offset + MsiControl);
        config.Write16(f.Address, x.Offset + MsiControl, (ushort)((control | MsiXEnable) & ~MsiXFunctionMask));
        return PciMsiStatus.Ok;
    }

    /// <summary>Turns MSI-X off; <see cref="PciMsiStatus.NoCapability"/> when there is none.</summary>
    public static PciMsiStatus DisableMsiX(IPciConfigSpace config, PciFunction f)
    {
        if (f.MsiX is not PciMsiXInfo x)
        {
            return PciMsiStatus.NoCapability;
        }

        ushort control = config.Read16(f.Address, x.Offset + MsiControl);
        config.Write16(f.Address, x.Offset + MsiControl, (ushort)(control & ~MsiXEnable));
        return PciMsiStatus.Ok;
    }

    /// <summary>Puts the function back on its interrupt line: MSI and MSI-X off (those it
    /// has) and the INTx disable bit cleared. What the device manager does before it starts a
    /// driver, so a driver that ended with messages on leaves nothing behind for the next.</summary>
    public static void UseLine(IPciConfigSpace config, PciFunction f)
    {
        _ = DisableMsi(config, f);
        _ = DisableMsiX(config, f);
        ushort command = config.Read16(f.Address, PciRegisters.Command);
        config.Write16(f.Address, PciRegisters.Command, (ushort)(command & ~PciRegisters.CommandInterruptDisable));
    }

    /// <summary>Finds the MSI-X capability in a snapshot of a function's configuration space
    /// (the 256 bytes a driver reads through the device manager). False when there is none or
    /// the list is malformed (<see cref="FindCapability"/>), or the table's BAR indicator is
    /// reserved; the table's BAR and offset are as the device states them, for the driver to
    /// check against its mappings.</summary>
    public static bool FindMsiX(ReadOnlySpan<byte> config, out PciMsiXInfo info)
    {
        info = default;
        int at = FindCapability(config, PciCapabilityId.MsiX);
        if (at < 0 || at > 256 - 12)
        {
            return false;
        }

        ushort control = (ushort)(config[at + 2] | (config[at + 3] << 8));
        uint table = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(config.Slice(at + 4, 4));
        uint pba = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(config.Slice(at + 8, 4));
        info = new PciMsiXInfo(at, (control & 0x7FF) + 1, (int)(table & 7), table & ~7u, (int)(pba & 7), pba & ~7u, (control & MsiXEnable) != 0);
        return info.TableBar <= 5;
    }

    /// <summary>The offset of the first capability <paramref name="id"/> in a 256-byte
    /// snapshot of configuration space, or -1: the list is walked bounded (48 entries) and
    /// loop-safe, and a pointer below 0x40 or a missing list (status bit 4 clear) ends it.</summary>
    public static int FindCapability(ReadOnlySpan<byte> config, byte id)
    {
        if (config.Length < 256 || (config[PciRegisters.Status] & PciRegisters.StatusCapabilityList) == 0)
        {
            return -1;
        }

        int pointer = config[0x34] & 0xFC;
        for (int count = 0; pointer >= 0x40 && count < 48; count++)
        {
            if (config[pointer] == id)
            {
                return pointer;
            }

            pointer = config[pointer + 1] & 0xFC;
        }

        return -1;
    }

    private static PciMsiStatus LocateEntry(PciMsiXInfo? msiX, IMmioRegion tableBar, int vector, out ulong entry)
    {
        entry = 0;
        if (msiX is not PciMsiXInfo x)
        {
            return PciMsiStatus.NoCapability;
        }

        if (vector < 0 || vector >= x.TableSize)
        {
            return PciMsiStatus.VectorOutOfRange;
        }

        entry = x.TableOffset + ((ulong)vector * MsiXEntrySize);
        return tableBar.Length < MsiXEntrySize || entry > tableBar.Length - MsiXEntrySize ? PciMsiStatus.TableNotMapped : PciMsiStatus.Ok;
    }

    private static void SetCommandForMessages(IPciConfigSpace config, PciAddress a)
    {
        ushort command = config.Read16(a, PciRegisters.Command);
        config.Write16(a, PciRegisters.Command, (ushort)(command | PciRegisters.CommandBusMaster | PciRegisters.CommandInterruptDisable));
    }
}

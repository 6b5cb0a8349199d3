using System.Buffers.Binary;

namespace NexOS.Core.Acpi;

/// <summary>An I/O APIC: its MMIO address and the first global system interrupt it serves.</summary>
public readonly record struct IoApicInfo(byte Id, uint Address, uint GsiBase);

/// <summary>An ISA IRQ that the firmware wired to another GSI, or with non-default polarity
/// or trigger mode (MADT interrupt source override).</summary>
public readonly record struct InterruptOverride(byte IsaIrq, uint Gsi, bool ActiveLow, bool LevelTriggered);

/// <summary>
/// The parts of the MADT ("APIC" table) the kernel uses: the local APIC address, the I/O
/// APICs and the ISA interrupt overrides. Parsing a malformed table stops at the bad entry
/// and reports why; what was read before it is kept.
/// </summary>
public sealed class Madt
{
    private const int HeaderLength = 44; // ACPI header (36) + local APIC address (4) + flags (4)

    public uint LocalApicAddress { get; private set; }

    /// <summary>True when the machine also has 8259 PICs (which must then be masked).</summary>
    public bool HasLegacyPics { get; private set; }

    public List<IoApicInfo> IoApics { get; } = new();

    public List<InterruptOverride> Overrides { get; } = new();

    public int ProcessorCount { get; private set; }

    /// <summary>The local APIC IDs of the enabled processors, in the table's order (the boot
    /// processor among them). Processors that are only "online capable" (hot-plug slots) are
    /// not listed.</summary>
    public List<byte> ProcessorApicIds { get; } = new();

    public string? Error { get; private set; }

    /// <summary>Parses the whole table (header included). Never throws.</summary>
    public static Madt Parse(ReadOnlySpan<byte> table)
    {
        var madt = new Madt();
        if (table.Length < HeaderLength || !table[..4].SequenceEqual("APIC"u8))
        {
            madt.Error = "not an MADT (signature or length)";
            return madt;
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(table[4..]);
        if (length < HeaderLength || length > table.Length)
        {
            madt.Error = $"MADT length {length} does not fit the {table.Length} bytes read";
            return madt;
        }

        madt.LocalApicAddress = BinaryPrimitives.ReadUInt32LittleEndian(table[36..]);
        madt.HasLegacyPics = (BinaryPrimitives.ReadUInt32LittleEndian(table[40..]) & 1) != 0;
        ReadOnlySpan<byte> entries = table[HeaderLength..(int)length];
        while (entries.Length >= 2)
        {
            byte type = entries[0];
            byte size = entries[1];
            if (size < 2 || size > entries.Length)
            {
                madt.Error = $"MADT entry of type {type} has bad length {size}";
                break;
            }

            madt.ReadEntry(type, entries[..size]);
            entries = entries[size..];
        }

        return madt;
    }

    /// <summary>The GSI and wiring of an ISA IRQ, after overrides (identity and edge/high by default).</summary>
    public InterruptOverride Route(byte isaIrq)
    {
        foreach (InterruptOverride o in Overrides)
        {
            if (o.IsaIrq == isaIrq)
            {
                return o;
            }
        }

        return new InterruptOverride(isaIrq, isaIrq, false, false);
    }

    /// <summary>The I/O APIC serving <paramref name="gsi"/>: the one with the highest base not
    /// above it. Null when there is none.</summary>
    public IoApicInfo? IoApicFor(uint gsi)
    {
        IoApicInfo? best = null;
        foreach (IoApicInfo a in IoApics)
        {
            if (a.GsiBase <= gsi && (best == null || a.GsiBase > best.Value.GsiBase))
            {
                best = a;
            }
        }

        return best;
    }

    private void ReadEntry(byte type, ReadOnlySpan<byte> e)
    {
        switch (type)
        {
            case 0 when e.Length >= 8: // processor local APIC
                uint processorFlags = BinaryPrimitives.ReadUInt32LittleEndian(e[4..]);
                if ((processorFlags & 3) != 0)
                {
                    ProcessorCount++;
                }

                if ((processorFlags & 1) != 0 && !ProcessorApicIds.Contains(e[3]))
                {
                    ProcessorApicIds.Add(e[3]);
                }

                break;
            case 1 when e.Length >= 12: // I/O APIC
                IoApics.Add(new IoApicInfo(e[2], BinaryPrimitives.ReadUInt32LittleEndian(e[4..]), BinaryPrimitives.ReadUInt32LittleEndian(e[8..])));
                break;
            case 2 when e.Length >= 10: // interrupt source override
                ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(e[8..]);
                Overrides.Add(new InterruptOverride(
                    e[3],
                    BinaryPrimitives.ReadUInt32LittleEndian(e[4..]),
                    (flags & 3) == 3,
                    ((flags >> 2) & 3) == 3));
                break;
            case 5 when e.Length >= 12: // 64-bit local APIC address override
                ulong address = BinaryPrimitives.ReadUInt64LittleEndian(e[4..]);
                if (address <= uint.MaxValue)
                {
                    LocalApicAddress = (uint)address;
                }

                break;
        }
    }
}

using System.Buffers.Binary;

namespace NexOS.Core.Iommu;

/// <summary>A PCI function named by a DMAR device scope whose path is one step on its start
/// bus (paths through bridges are not followed).</summary>
public readonly record struct DmarDevice(byte Bus, byte Device, byte Function)
{
    /// <summary>The requester ID the function's DMA carries: bus in bits 8-15, device 3-7, function 0-2.</summary>
    public ushort SourceId => (ushort)((Bus << 8) | (Device << 3) | Function);
}

/// <summary>One DMA remapping hardware unit (DRHD): its register page, the PCI segment it
/// serves, and whether it serves every device of that segment not listed under another unit
/// (INCLUDE_PCI_ALL) or only <see cref="Devices"/>.</summary>
public sealed record DmarUnit(ulong RegisterBase, ushort Segment, bool IncludeAll, List<DmarDevice> Devices);

/// <summary>A reserved memory region (RMRR): memory the firmware may keep DMA-ing to for the
/// listed devices (USB legacy emulation, for instance), which must stay mapped for them.</summary>
public sealed record DmarReservedRegion(ulong Base, ulong Limit, List<DmarDevice> Devices);

/// <summary>
/// The ACPI DMAR table (Intel VT-d 3.x, chapter 8): the host address width and the remapping
/// structures NexOS uses, DRHD units and RMRR regions; the others (ATSR, RHSA, ANDD, SATC) are
/// skipped. A malformed table keeps what was read before the fault and says why in
/// <see cref="Error"/>; a structure whose length runs past the table ends the walk. Never throws.
/// </summary>
public sealed class Dmar
{
    /// <summary>ACPI header (36) + host address width, flags and 10 reserved bytes.</summary>
    private const int HeaderLength = 48;

    /// <summary>Structures read at most: a real table has a few units and regions.</summary>
    public const int MaxStructures = 64;

    /// <summary>Devices one structure may list before the rest are ignored.</summary>
    public const int MaxDevicesPerStructure = 64;

    /// <summary>The DMA physical addressability of the platform: this many bits (the table
    /// stores the width minus one).</summary>
    public int HostAddressWidth { get; private set; }

    /// <summary>True when the firmware asks for interrupt remapping (flag bit 0).</summary>
    public bool InterruptRemapping { get; private set; }

    /// <summary>The remapping units in table order.</summary>
    public List<DmarUnit> Units { get; } = new();

    /// <summary>The reserved memory regions in table order.</summary>
    public List<DmarReservedRegion> ReservedRegions { get; } = new();

    /// <summary>Why parsing stopped early, or null when the whole table was read.</summary>
    public string? Error { get; private set; }

    /// <summary>Parses the whole table, header included.</summary>
    public static Dmar Parse(ReadOnlySpan<byte> table)
    {
        var dmar = new Dmar();
        if (table.Length < HeaderLength || !table[..4].SequenceEqual("DMAR"u8))
        {
            dmar.Error = "not a DMAR (signature or length)";
            return dmar;
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(table[4..]);
        if (length < HeaderLength || length > table.Length)
        {
            dmar.Error = $"DMAR length {length} does not fit the {table.Length} bytes read";
            return dmar;
        }

        dmar.HostAddressWidth = table[36] + 1;
        dmar.InterruptRemapping = (table[37] & 1) != 0;
        ReadOnlySpan<byte> rest = table[HeaderLength..(int)length];
        for (int count = 0; rest.Length > 0; count++)
        {
            if (count == MaxStructures)
            {
                dmar.Error = $"DMAR has more than {MaxStructures} structures";
                break;
            }

            if (rest.Length < 4)
            {
                dmar.Error = "DMAR ends inside a structure header";
                break;
            }

            ushort type = BinaryPrimitives.ReadUInt16LittleEndian(rest);
            ushort size = BinaryPrimitives.ReadUInt16LittleEndian(rest[2..]);
            if (size < 4 || size > rest.Length)
            {
                dmar.Error = $"DMAR structure of type {type} claims {size} bytes where {rest.Length} are left";
                break;
            }

            dmar.Read(type, rest[..size]);
            rest = rest[size..];
        }

        return dmar;
    }

    private void Read(ushort type, ReadOnlySpan<byte> s)
    {
        if (type == 0 && s.Length >= 16)
        {
            ulong registers = BinaryPrimitives.ReadUInt64LittleEndian(s[8..]);
            if ((registers & 0xFFF) != 0 || registers == 0)
            {
                Error ??= $"DRHD register base 0x{registers:x} is not a page";
                return;
            }

            Units.Add(new DmarUnit(registers, BinaryPrimitives.ReadUInt16LittleEndian(s[6..]), (s[4] & 1) != 0, Scopes(s[16..])));
        }
        else if (type == 1 && s.Length >= 24)
        {
            ulong start = BinaryPrimitives.ReadUInt64LittleEndian(s[8..]);
            ulong limit = BinaryPrimitives.ReadUInt64LittleEndian(s[16..]);
            if (limit < start || (start & 0xFFF) != 0 || (limit & 0xFFF) != 0xFFF)
            {
                Error ??= $"RMRR [0x{start:x}, 0x{limit:x}] is not a whole number of pages";
                return;
            }

            ReservedRegions.Add(new DmarReservedRegion(start, limit, Scopes(s[24..])));
        }
    }

    // Device scope entries: type, length, 2 reserved, enumeration id, start bus, then
    // (device, function) pairs. Endpoints (1) and bridges (2) name PCI functions; I/O APIC
    // (3), HPET (4) and ACPI namespace devices (5) do no PCI DMA here.
    private List<DmarDevice> Scopes(ReadOnlySpan<byte> s)
    {
        var devices = new List<DmarDevice>();
        while (s.Length >= 6 && devices.Count < MaxDevicesPerStructure)
        {
            byte type = s[0];
            byte size = s[1];
            if (size < 6 || size > s.Length || (size - 6) % 2 != 0)
            {
                Error ??= $"a DMAR device scope of {size} bytes where {s.Length} are left";
                break;
            }

            if ((type == 1 || type == 2) && size == 8 && s[6] < 32 && s[7] < 8)
            {
                devices.Add(new DmarDevice(s[5], s[6], s[7]));
            }
            else if ((type == 1 || type == 2) && size > 8)
            {
                // A path through bridges needs their bus numbers, read from configuration
                // space; NexOS does not follow it, and says so.
                Error ??= "a DMAR device scope names a function behind a bridge; it is not followed";
            }

            s = s[size..];
        }

        return devices;
    }
}

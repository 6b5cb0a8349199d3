using System.Buffers.Binary;

namespace NexOS.Core.Acpi;

/// <summary>One ECAM window of the MCFG table: the configuration space of buses
/// <see cref="StartBus"/>..<see cref="EndBus"/> of PCI segment <see cref="Segment"/>, mapped at
/// <see cref="BaseAddress"/> (which is where bus 0 would be, even when the range starts later).</summary>
public readonly record struct McfgEntry(ulong BaseAddress, ushort Segment, byte StartBus, byte EndBus)
{
    /// <summary>Bytes of the window that holds the buses of this entry (1 MiB per bus).</summary>
    public ulong Length => (ulong)(EndBus - StartBus + 1) << 20;

    /// <summary>Physical address of the first bus of the entry (<see cref="StartBus"/>).</summary>
    public ulong FirstBusAddress => BaseAddress + ((ulong)StartBus << 20);
}

/// <summary>
/// The MCFG table ("PCI Express memory mapped configuration space base address description"):
/// the ECAM windows of the machine. Parsing a malformed table keeps the entries read before the
/// fault and reports why in <see cref="Error"/>; entries that make no sense (end bus below start
/// bus, a window not 1 MiB aligned, or one that wraps the address space) are skipped and counted
/// in <see cref="RejectedEntries"/>.
/// </summary>
public sealed class Mcfg
{
    /// <summary>ACPI header (36) + 8 reserved bytes.</summary>
    private const int HeaderLength = 44;
    private const int EntryLength = 16;

    /// <summary>More windows than this are not read: real machines have one per segment and a
    /// handful of segments at most, so a larger count is a corrupt table.</summary>
    public const int MaxEntries = 64;

    /// <summary>The usable windows, in table order.</summary>
    public List<McfgEntry> Entries { get; } = new();

    /// <summary>Entries skipped because their numbers made no sense.</summary>
    public int RejectedEntries { get; private set; }

    /// <summary>Why parsing stopped early, or null when the whole table was read.</summary>
    public string? Error { get; private set; }

    /// <summary>Parses the whole table (header included). Never throws.</summary>
    public static Mcfg Parse(ReadOnlySpan<byte> table)
    {
        var mcfg = new Mcfg();
        if (table.Length < HeaderLength || !table[..4].SequenceEqual("MCFG"u8))
        {
            mcfg.Error = "not an MCFG (signature or length)";
            return mcfg;
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(table[4..]);
        if (length < HeaderLength || length > table.Length)
        {
            mcfg.Error = $"MCFG length {length} does not fit the {table.Length} bytes read";
            return mcfg;
        }

        ReadOnlySpan<byte> entries = table[HeaderLength..(int)length];
        if (entries.Length % EntryLength != 0)
        {
            // Keep the whole entries: a trailing fragment is reported but harms nothing.
            mcfg.Error = $"MCFG entry area of {entries.Length} bytes is not a multiple of {EntryLength}";
        }

        for (int i = 0; entries.Length >= EntryLength; i++)
        {
            if (i == MaxEntries)
            {
                mcfg.Error = $"MCFG has more than {MaxEntries} entries";
                break;
            }

            mcfg.ReadEntry(entries[..EntryLength]);
            entries = entries[EntryLength..];
        }

        return mcfg;
    }

    /// <summary>The window covering <paramref name="bus"/> of <paramref name="segment"/>, or
    /// null when no entry does.</summary>
    public McfgEntry? Find(ushort segment, byte bus)
    {
        foreach (McfgEntry e in Entries)
        {
            if (e.Segment == segment && bus >= e.StartBus && bus <= e.EndBus)
            {
                return e;
            }
        }

        return null;
    }

    private void ReadEntry(ReadOnlySpan<byte> e)
    {
        ulong address = BinaryPrimitives.ReadUInt64LittleEndian(e);
        ushort segment = BinaryPrimitives.ReadUInt16LittleEndian(e[8..]);
        byte start = e[10];
        byte end = e[11];
        bool wraps = address > ulong.MaxValue - ((ulong)(end + 1) << 20);
        if (end < start || (address & 0xFFFFF) != 0 || wraps)
        {
            RejectedEntries++;
            return;
        }

        Entries.Add(new McfgEntry(address, segment, start, end));
    }
}

using System.Buffers.Binary;
using System.Text;
using NexOS.Core.Memory;

namespace NexOS.Core.Boot;

/// <summary>A boot module (multiboot2 tag 3): its physical range and its command line.</summary>
public sealed record BootModule(PhysRange Range, string CommandLine);

/// <summary>The framebuffer GRUB left set up (multiboot2 tag 8).</summary>
public sealed record FramebufferInfo(ulong Address, uint Pitch, uint Width, uint Height, byte BitsPerPixel, byte Kind)
{
    /// <summary>Kind 2: EGA text mode, Width x Height character cells of two bytes each.</summary>
    public bool IsEgaText => Kind == 2;

    /// <summary>For kind 1 (direct RGB), each channel's bit position and size as the tag
    /// states them; null when the tag is too short to hold them or of another kind.</summary>
    public FramebufferColors? Colors { get; init; }
}

/// <summary>The bit position and size of each colour channel in a direct-RGB pixel.</summary>
public readonly record struct FramebufferColors(byte RedPosition, byte RedSize, byte GreenPosition, byte GreenSize, byte BluePosition, byte BlueSize);

/// <summary>
/// Everything NexOS takes from the multiboot2 boot information, decoded once after the heap
/// exists. Malformed input is reported in <see cref="Warnings"/> and never throws.
/// </summary>
public sealed class BootInfo
{
    public string CommandLine { get; private set; } = "";

    public string BootLoaderName { get; private set; } = "";

    public List<MemoryRegion> MemoryMap { get; } = new();

    public List<BootModule> Modules { get; } = new();

    public FramebufferInfo? Framebuffer { get; private set; }

    /// <summary>Copy of the ACPI RSDP (version 2 when the loader gave one, else version 1).</summary>
    public byte[]? Rsdp { get; private set; }

    public List<string> Warnings { get; } = new();

    public static BootInfo Parse(ReadOnlySpan<byte> info)
    {
        var result = new BootInfo();
        var reader = new Multiboot2TagReader(info);
        while (reader.Next(out Multiboot2Tag tag))
        {
            ReadOnlySpan<byte> p = tag.Payload;
            switch (tag.Type)
            {
                case Multiboot2TagType.CommandLine:
                    result.CommandLine = CString(p);
                    break;
                case Multiboot2TagType.BootLoaderName:
                    result.BootLoaderName = CString(p);
                    break;
                case Multiboot2TagType.Module when p.Length >= 8:
                    uint start = BinaryPrimitives.ReadUInt32LittleEndian(p);
                    uint end = BinaryPrimitives.ReadUInt32LittleEndian(p[4..]);
                    if (end < start)
                    {
                        result.Warnings.Add($"module ends before it starts (0x{start:x}..0x{end:x})");
                        break;
                    }

                    result.Modules.Add(new BootModule(
                        new PhysRange(new PhysAddr(start), new PhysAddr(end)), CString(p[8..])));
                    break;
                case Multiboot2TagType.MemoryMap:
                    var map = new MemoryMapReader(p);
                    while (map.Next(out MemoryRegion region))
                    {
                        result.MemoryMap.Add(region);
                    }

                    break;
                case Multiboot2TagType.Framebuffer when p.Length >= 22:
                    result.Framebuffer = new FramebufferInfo(
                        BinaryPrimitives.ReadUInt64LittleEndian(p),
                        BinaryPrimitives.ReadUInt32LittleEndian(p[8..]),
                        BinaryPrimitives.ReadUInt32LittleEndian(p[12..]),
                        BinaryPrimitives.ReadUInt32LittleEndian(p[16..]),
                        p[20],
                        p[21])
                    {
                        Colors = p[21] == 1 && p.Length >= 30 ? new FramebufferColors(p[24], p[25], p[26], p[27], p[28], p[29]) : null,
                    };
                    break;
                case Multiboot2TagType.AcpiOldRsdp when result.Rsdp == null:
                case Multiboot2TagType.AcpiNewRsdp:
                    result.Rsdp = p.ToArray();
                    break;
            }
        }

        if (reader.Error != null)
        {
            result.Warnings.Add(reader.Error);
        }

        return result;
    }

    /// <summary>The usable RAM ranges of the memory map.</summary>
    public List<PhysRange> UsableRanges()
    {
        var list = new List<PhysRange>();
        foreach (MemoryRegion r in MemoryMap)
        {
            if (r.Type == MemoryRegionType.Usable && !r.Range.IsEmpty)
            {
                list.Add(r.Range);
            }
        }

        return list;
    }

    /// <summary>True when the command line holds <paramref name="word"/> as a whole word.</summary>
    public bool HasOption(string word)
    {
        foreach (string part in CommandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == word)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The value of the first <c>key=value</c> word of the command line, or null when
    /// there is none.</summary>
    public string? OptionValue(string key)
    {
        foreach (string part in CommandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.Length > key.Length + 1 && part.StartsWith(key, StringComparison.Ordinal) && part[key.Length] == '=')
            {
                return part[(key.Length + 1)..];
            }
        }

        return null;
    }

    private static string CString(ReadOnlySpan<byte> bytes)
    {
        int n = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(n < 0 ? bytes : bytes[..n]);
    }
}

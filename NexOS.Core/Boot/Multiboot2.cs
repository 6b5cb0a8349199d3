using System.Buffers.Binary;
using NexOS.Core.Memory;

namespace NexOS.Core.Boot;

/// <summary>Tag types of the multiboot2 boot information that NexOS reads.</summary>
public enum Multiboot2TagType : uint
{
    End = 0,
    CommandLine = 1,
    BootLoaderName = 2,
    Module = 3,
    BasicMemoryInfo = 4,
    MemoryMap = 6,
    Framebuffer = 8,
    ElfSections = 9,
    AcpiOldRsdp = 14,
    AcpiNewRsdp = 15,
    LoadBaseAddress = 21,
}

/// <summary>One tag: its type and its payload (the bytes after the 8-byte tag header).</summary>
public readonly ref struct Multiboot2Tag
{
    public Multiboot2Tag(Multiboot2TagType type, ReadOnlySpan<byte> payload)
    {
        Type = type;
        Payload = payload;
    }

    public Multiboot2TagType Type { get; }

    public ReadOnlySpan<byte> Payload { get; }
}

/// <summary>
/// Walks the tags of a multiboot2 boot information block without allocating. The block is
/// checked as it is walked: a tag that claims more bytes than the block holds ends the walk
/// and sets <see cref="Error"/>, so a corrupt block can never make the reader run off the end.
/// </summary>
public ref struct Multiboot2TagReader
{
    private readonly ReadOnlySpan<byte> _info;
    private int _offset;

    /// <param name="info">The whole block, starting at its total_size field.</param>
    public Multiboot2TagReader(ReadOnlySpan<byte> info)
    {
        _info = info;
        _offset = 8;
        Error = null;
        if (info.Length < 8)
        {
            Error = "boot information shorter than its header";
            _offset = info.Length;
            return;
        }

        uint total = BinaryPrimitives.ReadUInt32LittleEndian(info);
        if (total < 8 || total > info.Length)
        {
            Error = "boot information size field is out of range";
            _offset = info.Length;
        }
        else
        {
            _info = info[..(int)total];
        }
    }

    /// <summary>Set when the walk stopped at malformed data rather than at the end tag.</summary>
    public string? Error { get; private set; }

    /// <summary>Reads the next tag. Returns false at the end tag, at the end of the block, or on
    /// malformed data (then <see cref="Error"/> says why).</summary>
    public bool Next(out Multiboot2Tag tag)
    {
        tag = default;
        if (_offset + 8 > _info.Length)
        {
            if (_offset < _info.Length && Error == null)
            {
                Error = "truncated tag header";
            }

            return false;
        }

        uint type = BinaryPrimitives.ReadUInt32LittleEndian(_info[_offset..]);
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(_info[(_offset + 4)..]);
        if (type == (uint)Multiboot2TagType.End)
        {
            _offset = _info.Length;
            return false;
        }

        if (size < 8 || size > (uint)(_info.Length - _offset))
        {
            Error = $"tag of type {type} has bad size {size}";
            _offset = _info.Length;
            return false;
        }

        tag = new Multiboot2Tag((Multiboot2TagType)type, _info.Slice(_offset + 8, (int)size - 8));
        _offset += (int)((size + 7) & ~7u);
        return true;
    }
}

/// <summary>Region types of the multiboot2 memory map.</summary>
public enum MemoryRegionType : uint
{
    Usable = 1,
    Reserved = 2,
    AcpiReclaimable = 3,
    AcpiNvs = 4,
    BadRam = 5,
}

/// <summary>A memory map entry.</summary>
public readonly record struct MemoryRegion(PhysRange Range, MemoryRegionType Type);

/// <summary>Walks the entries of a memory map tag's payload without allocating.</summary>
public ref struct MemoryMapReader
{
    private readonly ReadOnlySpan<byte> _entries;
    private readonly int _entrySize;
    private int _offset;

    public MemoryMapReader(ReadOnlySpan<byte> payload)
    {
        _offset = 0;
        if (payload.Length < 8)
        {
            _entries = default;
            _entrySize = 24;
            return;
        }

        uint entrySize = BinaryPrimitives.ReadUInt32LittleEndian(payload);

        // Entries are at least 24 bytes; a loader may make them longer, never shorter.
        _entrySize = entrySize >= 24 && entrySize <= 4096 ? (int)entrySize : 0;
        _entries = _entrySize == 0 ? default : payload[8..];
    }

    public bool Next(out MemoryRegion region)
    {
        region = default;
        if (_entrySize == 0 || _offset + _entrySize > _entries.Length)
        {
            return false;
        }

        ReadOnlySpan<byte> e = _entries.Slice(_offset, _entrySize);
        _offset += _entrySize;
        ulong start = BinaryPrimitives.ReadUInt64LittleEndian(e);
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(e[8..]);
        uint type = BinaryPrimitives.ReadUInt32LittleEndian(e[16..]);
        region = new MemoryRegion(PhysRange.FromLength(start, length), (MemoryRegionType)type);
        return true;
    }
}

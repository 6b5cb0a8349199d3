using System.Buffers.Binary;

namespace NexOS.Core.Loader;

/// <summary>How a loadable segment may be accessed: the ELF PF_ bits.</summary>
[Flags]
public enum ElfAccess
{
    /// <summary>No access.</summary>
    None = 0,

    /// <summary>PF_X.</summary>
    Execute = 1,

    /// <summary>PF_W.</summary>
    Write = 2,

    /// <summary>PF_R.</summary>
    Read = 4,
}

/// <summary>One PT_LOAD segment: where it goes, how much of it comes from the file, and its access.</summary>
public readonly record struct ElfSegment(ulong VirtualAddress, ulong MemorySize, ulong FileOffset, ulong FileSize, ElfAccess Access)
{
    /// <summary>The first page the segment touches.</summary>
    public ulong PageStart => VirtualAddress & ~(ElfImage.PageSize - 1);

    /// <summary>The end of the last page it touches (exclusive).</summary>
    public ulong PageEnd => (VirtualAddress + MemorySize + ElfImage.PageSize - 1) & ~(ElfImage.PageSize - 1);
}

/// <summary>The thread-local storage template (PT_TLS): initialised bytes, then zeroes.</summary>
public readonly record struct ElfTls(ulong VirtualAddress, ulong FileSize, ulong MemorySize, ulong Alignment);

/// <summary>
/// A static x86-64 executable, checked field by field before anything of it is trusted
/// (System V ABI and ELF-64 object file format): identification, type, machine and version,
/// header sizes, where the program and section header tables lie, every program header
/// (loadable segments inside the file and inside the user range given, in ascending order,
/// never sharing a page, never writable and executable at once, the ELF alignment rule; at most
/// one TLS template, inside a loaded file range; no interpreter or dynamic section, no
/// executable stack), and an entry point inside an executable segment. Parsing copies none of the file
/// and never throws; a refusal names the field and its value in one line. What the image holds
/// is for <see cref="Segments"/>' consumer (the process loader) to map and copy.
/// </summary>
public sealed class ElfImage
{
    /// <summary>Page size the segments are laid out for.</summary>
    public const ulong PageSize = 4096;

    /// <summary>The most program headers read.</summary>
    public const int MaxProgramHeaders = 64;

    /// <summary>The largest TLS template (initialised and zeroed parts together).</summary>
    public const ulong MaxTlsBytes = 1 << 20;

    private const int HeaderSize = 64;
    private const int ProgramHeaderSize = 56;
    private const int SectionHeaderSize = 64;
    private const uint PtLoad = 1, PtDynamic = 2, PtInterp = 3, PtShlib = 5, PtTls = 7, PtGnuStack = 0x6474E551;

    private ElfImage(ulong entry, ElfSegment[] segments, ElfTls? tls, ulong programHeaders, int programHeaderCount)
    {
        Entry = entry;
        Segments = segments;
        Tls = tls;
        ProgramHeaderOffset = programHeaders;
        ProgramHeaderCount = programHeaderCount;
    }

    /// <summary>The address execution starts at.</summary>
    public ulong Entry { get; }

    /// <summary>The loadable segments, in ascending address order.</summary>
    public IReadOnlyList<ElfSegment> Segments { get; }

    /// <summary>The TLS template, or null when the program has none.</summary>
    public ElfTls? Tls { get; }

    /// <summary>Where the program header table is in the file (the start block tells the program
    /// where it is in memory, when a segment loads it, so the runtime can find PT_TLS).</summary>
    public ulong ProgramHeaderOffset { get; }

    /// <summary>How many program headers there are, of <see cref="ProgramHeaderEntrySize"/> bytes each.</summary>
    public int ProgramHeaderCount { get; }

    /// <summary>The size of one program header.</summary>
    public static int ProgramHeaderEntrySize => ProgramHeaderSize;

    /// <summary>The address the program header table is loaded at, or 0 when no segment loads it.</summary>
    public ulong ProgramHeaderAddress
    {
        get
        {
            ulong end = ProgramHeaderOffset + ((ulong)ProgramHeaderCount * ProgramHeaderSize);
            foreach (ElfSegment s in Segments)
            {
                if (ProgramHeaderOffset >= s.FileOffset && end <= s.FileOffset + s.FileSize)
                {
                    return s.VirtualAddress + (ProgramHeaderOffset - s.FileOffset);
                }
            }

            return 0;
        }
    }

    /// <summary>
    /// Parses <paramref name="file"/> as an executable whose segments must lie in
    /// [<paramref name="userBase"/>, <paramref name="userTop"/>). Returns null and a one-line
    /// reason in <paramref name="error"/> when any field is out of place.
    /// </summary>
    public static ElfImage? TryParse(ReadOnlySpan<byte> file, ulong userBase, ulong userTop, out string error)
    {
        error = CheckHeader(file);
        if (error.Length > 0)
        {
            return null;
        }

        ulong entry = U64(file, 24);
        ulong phoff = U64(file, 32);
        int phnum = U16(file, 56);
        var segments = new List<ElfSegment>();
        ElfTls? tls = null;
        for (int i = 0; i < phnum; i++)
        {
            ReadOnlySpan<byte> ph = file.Slice((int)phoff + (i * ProgramHeaderSize), ProgramHeaderSize);
            uint type = U32(ph, 0);
            uint flags = U32(ph, 4);
            ulong offset = U64(ph, 8), vaddr = U64(ph, 16), filesz = U64(ph, 32), memsz = U64(ph, 40), align = U64(ph, 48);
            string at = $"ELF program header {i}";
            if (type == PtInterp || type == PtDynamic || type == PtShlib)
            {
                error = $"{at}: type {type} ({(type == PtInterp ? "an interpreter" : type == PtDynamic ? "dynamic linking" : "PT_SHLIB")}); only static executables are loaded";
                return null;
            }

            if (type == PtGnuStack && (flags & 1) != 0)
            {
                error = $"{at}: PT_GNU_STACK asks for an executable stack; stacks are never executable";
                return null;
            }

            if (type != PtLoad && type != PtTls)
            {
                continue; // notes, PT_PHDR, PT_GNU_RELRO, properties, EH frames: nothing to load
            }

            error = CheckRange(at, file.Length, offset, vaddr, filesz, memsz, align);
            if (error.Length > 0)
            {
                return null;
            }

            if (type == PtTls)
            {
                if (tls != null || memsz > MaxTlsBytes || align > PageSize)
                {
                    error = tls != null ? $"{at}: a second PT_TLS" : $"{at}: TLS of {memsz} bytes aligned to {align}; at most {MaxTlsBytes} bytes aligned to at most {PageSize}";
                    return null;
                }

                tls = new ElfTls(vaddr, filesz, memsz, Math.Max(1, align));
                continue;
            }

            error = CheckLoad(at, flags, vaddr, memsz, userBase, userTop, segments);
            if (error.Length > 0)
            {
                return null;
            }

            if (memsz > 0)
            {
                segments.Add(new ElfSegment(vaddr, memsz, offset, filesz, (ElfAccess)flags));
            }
        }

        error = CheckWhole(entry, segments, tls);
        return error.Length > 0 ? null : new ElfImage(entry, segments.ToArray(), tls, phoff, phnum);
    }

    private static string CheckHeader(ReadOnlySpan<byte> file)
    {
        if (file.Length < HeaderSize)
        {
            return $"ELF: {file.Length} bytes; the header alone is {HeaderSize}";
        }

        if (file[0] != 0x7F || file[1] != (byte)'E' || file[2] != (byte)'L' || file[3] != (byte)'F')
        {
            return "ELF: no ELF magic (7F 'E' 'L' 'F')";
        }

        if (file[4] != 2 || file[5] != 1 || file[6] != 1 || (file[7] != 0 && file[7] != 3) || file[8] != 0 || !IsZero(file[9..16]))
        {
            return $"ELF identification: class {file[4]}, data {file[5]}, version {file[6]}, OS ABI {file[7]}, ABI version {file[8]}; a 64-bit little-endian version-1 System V or Linux executable has 2, 1, 1, 0 or 3, 0 and zero padding";
        }

        ushort type = U16(file, 16), machine = U16(file, 18);
        if (type != 2)
        {
            return type == 3 ? "ELF: e_type 3 (a position-independent or shared object); only static non-PIE executables (ET_EXEC) are loaded" : $"ELF: e_type {type}; only executables (ET_EXEC, 2) are loaded";
        }

        if (machine != 62 || U32(file, 20) != 1 || U32(file, 48) != 0)
        {
            return $"ELF: machine {machine}, version {U32(file, 20)}, flags 0x{U32(file, 48):X}; x86-64 executables have 62, 1 and no flags";
        }

        ushort ehsize = U16(file, 52), phentsize = U16(file, 54), phnum = U16(file, 56), shentsize = U16(file, 58), shnum = U16(file, 60), shstrndx = U16(file, 62);
        ulong phoff = U64(file, 32), shoff = U64(file, 40);
        if (ehsize != HeaderSize || phentsize != ProgramHeaderSize || phnum == 0 || phnum > MaxProgramHeaders)
        {
            return $"ELF: e_ehsize {ehsize}, e_phentsize {phentsize}, e_phnum {phnum}; expected {HeaderSize}, {ProgramHeaderSize} and 1 to {MaxProgramHeaders}";
        }

        if (phoff < HeaderSize || phoff % 8 != 0 || phoff > (ulong)file.Length || (ulong)file.Length - phoff < (ulong)(phnum * ProgramHeaderSize))
        {
            return $"ELF: the program header table at {phoff} ({phnum} entries) is not an aligned range inside the {file.Length}-byte file";
        }

        bool noSections = shnum == 0 && shoff == 0 && shstrndx == 0 && (shentsize == 0 || shentsize == SectionHeaderSize);
        bool sectionsInside = shentsize == SectionHeaderSize && shoff >= HeaderSize && shoff <= (ulong)file.Length
            && (ulong)file.Length - shoff >= (ulong)shnum * SectionHeaderSize && shstrndx < Math.Max((ushort)1, shnum);
        if (!noSections && !sectionsInside)
        {
            return $"ELF: the section header table (offset {shoff}, {shnum} entries of {shentsize} bytes, names in {shstrndx}) is not inside the file";
        }

        return string.Empty;
    }

    private static string CheckRange(string at, int fileLength, ulong offset, ulong vaddr, ulong filesz, ulong memsz, ulong align)
    {
        if (filesz > memsz || offset > (ulong)fileLength || (ulong)fileLength - offset < filesz)
        {
            return $"{at}: {filesz} bytes at file offset {offset} for {memsz} bytes of memory; the file part must fit in the memory and in the {fileLength}-byte file";
        }

        if (vaddr > ulong.MaxValue - memsz)
        {
            return $"{at}: 0x{vaddr:X} + {memsz} wraps around the address space";
        }

        if (align > 1 && ((align & (align - 1)) != 0 || vaddr % align != offset % align))
        {
            return $"{at}: alignment {align} (address 0x{vaddr:X}, offset 0x{offset:X}); it must be a power of two that address and offset agree modulo";
        }

        return string.Empty;
    }

    private static string CheckLoad(string at, uint flags, ulong vaddr, ulong memsz, ulong userBase, ulong userTop, List<ElfSegment> before)
    {
        if ((flags & ~7u) != 0 || (flags & 3) == 3)
        {
            return (flags & ~7u) != 0 ? $"{at}: flags 0x{flags:X} hold bits other than read, write and execute" : $"{at}: writable and executable at once";
        }

        if (vaddr < userBase || vaddr + memsz > userTop)
        {
            return $"{at}: 0x{vaddr:X}..0x{vaddr + memsz:X} is outside the user range 0x{userBase:X}..0x{userTop:X}";
        }

        if (before.Count > 0 && memsz > 0)
        {
            ElfSegment last = before[^1];
            ulong pageStart = vaddr & ~(PageSize - 1);
            if (pageStart < last.PageEnd)
            {
                return $"{at}: 0x{vaddr:X} is below or on a page of the segment before (ending 0x{last.VirtualAddress + last.MemorySize:X}); segments ascend and never share a page";
            }
        }

        return string.Empty;
    }

    private static string CheckWhole(ulong entry, List<ElfSegment> segments, ElfTls? tls)
    {
        if (segments.Count == 0)
        {
            return "ELF: no loadable segment";
        }

        bool entryInCode = false;
        bool tlsInside = tls == null || tls.Value.MemorySize == 0;
        foreach (ElfSegment s in segments)
        {
            entryInCode |= (s.Access & ElfAccess.Execute) != 0 && entry >= s.VirtualAddress && entry < s.VirtualAddress + s.MemorySize;
            tlsInside |= tls is { } t && t.VirtualAddress >= s.VirtualAddress && t.VirtualAddress + t.FileSize <= s.VirtualAddress + s.FileSize;
        }

        if (!entryInCode)
        {
            return $"ELF: the entry point 0x{entry:X} is not inside an executable segment";
        }

        return tlsInside ? string.Empty : $"ELF: the TLS template at 0x{tls!.Value.VirtualAddress:X} ({tls.Value.FileSize} bytes) is not inside a loaded part of the file";
    }

    private static bool IsZero(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyExcept((byte)0) < 0;

    private static ushort U16(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b[at..]);

    private static uint U32(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b[at..]);

    private static ulong U64(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b[at..]);
}

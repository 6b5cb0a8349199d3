using System.Buffers.Binary;
using System.Text;
using NexOS.Core.Memory;
using NexOS.Core.Paging;

namespace NexOS.Core.Loader;

/// <summary>How loading a program ended.</summary>
public enum LoadStatus
{
    /// <summary>Mapped, copied and ready to enter.</summary>
    Ok,

    /// <summary>No frame was left for a page (or a page table).</summary>
    OutOfFrames,

    /// <summary>A page the program needs is already mapped in the address space.</summary>
    AddressInUse,

    /// <summary>The arguments and environment do not fit the start block's bounds.</summary>
    StartBlockTooLarge,

    /// <summary>The stack's range is not a page-aligned range of user addresses.</summary>
    BadStack,

    /// <summary>The address space refused a mapping for another reason (named in the message).</summary>
    MapFailed,
}

/// <summary>Where a loaded program starts: its entry point and the stack pointer its start block is at.</summary>
public readonly record struct ProgramStart(ulong Entry, ulong StackPointer, int PagesMapped);

/// <summary>
/// Puts a parsed executable (<see cref="ElfImage"/>) into a fresh user address space: every page
/// of every segment gets a zeroed frame of its own holding the file's bytes, mapped user with
/// the segment's access (never writable and executable at once; no-execute unless the segment
/// is code); then a stack of the given size below the given top, with the page under it left
/// unmapped as a guard, and at its top the System V start block: argc, the argv and envp
/// pointer arrays, and the auxiliary vector (AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_ENTRY,
/// AT_RANDOM) with the strings and 16 random bytes above them; the stack pointer is 16-byte
/// aligned at argc. Failure leaves nothing behind: every page this call mapped is unmapped and
/// its frame given back (the page tables stay with the address space, whose owner frees them).
/// Not a hot path; it allocates a list of what it mapped.
/// </summary>
public static class ProgramLoader
{
    /// <summary>The most argument and environment strings together.</summary>
    public const int MaxStrings = 256;

    /// <summary>The most bytes of strings (NULs included) in the start block.</summary>
    public const int MaxStringBytes = 32 * 1024;

    private const ulong Page = ElfImage.PageSize;
    private const ulong AtNull = 0, AtPhdr = 3, AtPhent = 4, AtPhnum = 5, AtPagesz = 6, AtEntry = 9, AtRandom = 25;

    /// <summary>Loads <paramref name="image"/> (parsed from <paramref name="file"/>) into
    /// <paramref name="space"/>, with a stack of <paramref name="stackSize"/> bytes ending at
    /// <paramref name="stackTop"/>. <paramref name="random"/> gives AT_RANDOM its 16 bytes.</summary>
    public static LoadStatus Load(ElfImage image, ReadOnlySpan<byte> file, AddressSpace space, IFrameSource frames, IFrameBytes memory,
        ulong stackTop, ulong stackSize, IReadOnlyList<string> argv, IReadOnlyList<string> envp, ReadOnlySpan<byte> random, out ProgramStart start, out string error)
    {
        start = default;
        var mapped = new List<ulong>();
        var loader = new Session(space, frames, memory, mapped);
        LoadStatus status = CheckStack(stackTop, stackSize, image, out error);
        if (status == LoadStatus.Ok)
        {
            status = MapSegments(image, file, ref loader, out error);
        }

        ulong stackPointer = 0;
        if (status == LoadStatus.Ok)
        {
            status = loader.MapFresh(stackTop - stackSize, stackSize / Page, PageFlags.Present | PageFlags.User | PageFlags.Writable | PageFlags.NoExecute, out error);
        }

        if (status == LoadStatus.Ok)
        {
            status = WriteStartBlock(image, ref loader, stackTop, stackSize, argv, envp, random, out stackPointer, out error);
        }

        if (status != LoadStatus.Ok)
        {
            loader.Undo();
            return status;
        }

        start = new ProgramStart(image.Entry, stackPointer, mapped.Count);
        return LoadStatus.Ok;
    }

    private static LoadStatus CheckStack(ulong top, ulong size, ElfImage image, out string error)
    {
        error = string.Empty;
        bool shaped = size >= 2 * Page && size % Page == 0 && top % Page == 0 && top > size + Page
            && new VirtAddr(top - 1).IsCanonical && new VirtAddr(top - size - Page).IsCanonical && (top - 1) >> 47 == (top - size - Page) >> 47;
        if (!shaped)
        {
            error = $"a stack of {size} bytes ending at 0x{top:X} is not a page-aligned user range with room for its guard page";
            return LoadStatus.BadStack;
        }

        foreach (ElfSegment s in image.Segments)
        {
            if (s.PageStart < top && top - size - Page < s.PageEnd)
            {
                error = $"the stack 0x{top - size:X}..0x{top:X} (and its guard page) overlaps the segment at 0x{s.VirtualAddress:X}";
                return LoadStatus.BadStack;
            }
        }

        return LoadStatus.Ok;
    }

    private static LoadStatus MapSegments(ElfImage image, ReadOnlySpan<byte> file, ref Session loader, out string error)
    {
        error = string.Empty;
        foreach (ElfSegment s in image.Segments)
        {
            PageFlags flags = PageFlags.Present | PageFlags.User
                | ((s.Access & ElfAccess.Write) != 0 ? PageFlags.Writable : PageFlags.None)
                | ((s.Access & ElfAccess.Execute) != 0 ? PageFlags.None : PageFlags.NoExecute);
            for (ulong page = s.PageStart; page < s.PageEnd; page += Page)
            {
                LoadStatus status = loader.MapFreshPage(page, flags, out PhysAddr frame, out error);
                if (status != LoadStatus.Ok)
                {
                    return status;
                }

                // The part of the segment's file bytes that falls on this page.
                ulong from = Math.Max(page, s.VirtualAddress);
                ulong to = Math.Min(page + Page, s.VirtualAddress + s.FileSize);
                if (to > from)
                {
                    ReadOnlySpan<byte> bytes = file.Slice((int)(s.FileOffset + (from - s.VirtualAddress)), (int)(to - from));
                    loader.Memory.Write(frame, (int)(from - page), bytes);
                }
            }
        }

        return LoadStatus.Ok;
    }

    private static LoadStatus WriteStartBlock(ElfImage image, ref Session loader, ulong top, ulong stackSize, IReadOnlyList<string> argv, IReadOnlyList<string> envp,
        ReadOnlySpan<byte> random, out ulong stackPointer, out string error)
    {
        stackPointer = 0;
        int stringBytes = 0;
        for (int i = 0; i < argv.Count + envp.Count; i++)
        {
            stringBytes += Encoding.UTF8.GetByteCount(i < argv.Count ? argv[i] : envp[i - argv.Count]) + 1;
        }

        if (argv.Count + envp.Count > MaxStrings || stringBytes > MaxStringBytes || random.Length != 16)
        {
            error = $"{argv.Count} arguments and {envp.Count} environment strings of {stringBytes} bytes; at most {MaxStrings} strings of {MaxStringBytes} bytes (and 16 random bytes)";
            return LoadStatus.StartBlockTooLarge;
        }

        ulong phdr = image.ProgramHeaderAddress;
        var aux = new List<ulong>();
        if (phdr != 0)
        {
            aux.AddRange(new[] { AtPhdr, phdr });
        }

        // From the top down: the random bytes, the strings, then (16-byte aligned) the vectors;
        // all of it must fit the stack before anything is written.
        aux.AddRange(new[] { AtPhent, (ulong)ElfImage.ProgramHeaderEntrySize, AtPhnum, (ulong)image.ProgramHeaderCount, AtPagesz, Page, AtEntry, image.Entry });
        ulong randomAt = top - 16;
        aux.AddRange(new[] { AtRandom, randomAt, AtNull, 0UL });
        int words = 1 + argv.Count + 1 + envp.Count + 1 + aux.Count;
        ulong sp = (randomAt - (ulong)stringBytes - ((ulong)words * 8)) & ~15UL;
        if (top - sp > stackSize)
        {
            error = $"the start block needs {top - sp} bytes; the stack has {stackSize}";
            return LoadStatus.StartBlockTooLarge;
        }

        loader.WriteUser(top, randomAt, random);
        ulong cursor = randomAt;
        var pointers = new ulong[argv.Count + envp.Count];
        for (int i = 0; i < pointers.Length; i++)
        {
            byte[] text = Encoding.UTF8.GetBytes((i < argv.Count ? argv[i] : envp[i - argv.Count]) + "\0");
            cursor -= (ulong)text.Length;
            loader.WriteUser(top, cursor, text);
            pointers[i] = cursor;
        }

        var block = new byte[words * 8];
        int w = 0;
        Put(block, w++, (ulong)argv.Count);
        for (int i = 0; i < argv.Count; i++)
        {
            Put(block, w++, pointers[i]);
        }

        Put(block, w++, 0);
        for (int i = 0; i < envp.Count; i++)
        {
            Put(block, w++, pointers[argv.Count + i]);
        }

        Put(block, w++, 0);
        foreach (ulong value in aux)
        {
            Put(block, w++, value);
        }

        loader.WriteUser(top, sp, block);
        stackPointer = sp;
        error = string.Empty;
        return LoadStatus.Ok;
    }

    private static void Put(byte[] block, int word, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(block.AsSpan(word * 8), value);

    /// <summary>One load's mappings, so that a failure can take every one of them back.</summary>
    private readonly struct Session
    {
        private readonly AddressSpace _space;
        private readonly IFrameSource _frames;
        private readonly List<ulong> _mapped;

        public Session(AddressSpace space, IFrameSource frames, IFrameBytes memory, List<ulong> mapped)
        {
            _space = space;
            _frames = frames;
            Memory = memory;
            _mapped = mapped;
        }

        public IFrameBytes Memory { get; }

        /// <summary>Maps <paramref name="count"/> fresh zeroed pages from <paramref name="start"/>.</summary>
        public LoadStatus MapFresh(ulong start, ulong count, PageFlags flags, out string error)
        {
            error = string.Empty;
            for (ulong i = 0; i < count; i++)
            {
                LoadStatus status = MapFreshPage(start + (i * Page), flags, out _, out error);
                if (status != LoadStatus.Ok)
                {
                    return status;
                }
            }

            return LoadStatus.Ok;
        }

        /// <summary>Maps one fresh zeroed frame at <paramref name="page"/>.</summary>
        public LoadStatus MapFreshPage(ulong page, PageFlags flags, out PhysAddr frame, out string error)
        {
            error = string.Empty;
            if (!_frames.TryAllocateFrame(out frame))
            {
                error = $"no frame left for the page at 0x{page:X}";
                return LoadStatus.OutOfFrames;
            }

            // The frame is the program's own: it goes back with the address space.
            Memory.Zero(frame);
            PagingStatus status = _space.Map(new VirtAddr(page), frame, flags | PageFlags.OwnedFrame, out _);
            if (status != PagingStatus.Ok)
            {
                _frames.FreeFrame(frame);
                error = $"mapping the page at 0x{page:X}: {status.Describe()}";
                return status == PagingStatus.OutOfFrames ? LoadStatus.OutOfFrames : status == PagingStatus.AlreadyMapped ? LoadStatus.AddressInUse : LoadStatus.MapFailed;
            }

            _mapped.Add(page);
            return LoadStatus.Ok;
        }

        /// <summary>Writes into the stack this load mapped (user, writable pages below
        /// <paramref name="top"/>) the way system calls write user memory.</summary>
        public void WriteUser(ulong top, ulong address, ReadOnlySpan<byte> bytes)
            => UserMemory.CopyOut(_space, Memory, top, address, bytes);

        /// <summary>Unmaps every page this load mapped and frees its frame.</summary>
        public void Undo()
        {
            foreach (ulong page in _mapped)
            {
                if (_space.Unmap(new VirtAddr(page), out PhysAddr frame, out _) == PagingStatus.Ok)
                {
                    _frames.FreeFrame(frame);
                }
            }

            _mapped.Clear();
        }
    }
}

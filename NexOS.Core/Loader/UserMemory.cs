using NexOS.Core.Memory;
using NexOS.Core.Paging;

namespace NexOS.Core.Loader;

/// <summary>Why a copy to or from user memory was refused.</summary>
public enum UserAccessStatus
{
    /// <summary>Copied.</summary>
    Ok,

    /// <summary>The range wraps, starts in the first page, or leaves the user range.</summary>
    BadRange,

    /// <summary>A page of the range is not mapped.</summary>
    NotMapped,

    /// <summary>A page of the range is mapped, but for the kernel only.</summary>
    NotUserPage,

    /// <summary>A page the kernel would write is read-only for the program.</summary>
    ReadOnly,

    /// <summary>More bytes than one copy moves (<see cref="UserMemory.MaxCopy"/>).</summary>
    TooLarge,
}

/// <summary>
/// The one way the kernel reads or writes a program's memory: a system call names a user
/// address and a length, and these copy through the program's own page tables. Every page of
/// the range is checked first (inside the user range, mapped, user-accessible, and writable for
/// a copy out), and only then is anything copied, through the frames' bytes rather than the
/// user address. So a wild pointer, a length that wraps, a kernel address, a hole in the middle
/// or a read-only page is an error value with nothing copied, never a fault in the kernel, and
/// SMAP has nothing to object to. Neither copy allocates or throws; each costs one page-table
/// walk per page checked and per page copied. FIXME: with more than one CPU, a thread of the
/// same program could unmap a page between the check and the copy; the copy then reads a freed
/// frame. The caller must hold the address space's lock across the call once there is one.
/// </summary>
public static class UserMemory
{
    /// <summary>The most bytes one copy moves (larger transfers go in pieces, or as mappings).</summary>
    public const int MaxCopy = 1 << 20;

    private const ulong Page = ElfImage.PageSize;

    /// <summary>Copies <paramref name="destination"/>.Length bytes from user address
    /// <paramref name="address"/> of <paramref name="space"/>, whose user range ends at
    /// <paramref name="userTop"/>. On failure nothing is copied.</summary>
    public static UserAccessStatus CopyIn(AddressSpace space, IFrameBytes memory, ulong userTop, ulong address, Span<byte> destination)
    {
        UserAccessStatus status = Check(space, userTop, address, (ulong)destination.Length, false);
        if (status != UserAccessStatus.Ok)
        {
            return status;
        }

        while (destination.Length > 0)
        {
            int chunk = NextPiece(space, ref address, destination.Length, out PhysAddr frame, out int offset);
            memory.Read(frame, offset, destination[..chunk]);
            destination = destination[chunk..];
        }

        return UserAccessStatus.Ok;
    }

    /// <summary>Copies <paramref name="source"/> to user address <paramref name="address"/> of
    /// <paramref name="space"/>; every page must be writable by the program. On failure nothing
    /// is written.</summary>
    public static UserAccessStatus CopyOut(AddressSpace space, IFrameBytes memory, ulong userTop, ulong address, ReadOnlySpan<byte> source)
    {
        UserAccessStatus status = Check(space, userTop, address, (ulong)source.Length, true);
        if (status != UserAccessStatus.Ok)
        {
            return status;
        }

        while (source.Length > 0)
        {
            int chunk = NextPiece(space, ref address, source.Length, out PhysAddr frame, out int offset);
            memory.Write(frame, offset, source[..chunk]);
            source = source[chunk..];
        }

        return UserAccessStatus.Ok;
    }

    /// <summary>
    /// Copies <paramref name="length"/> bytes from user address <paramref name="from"/> of
    /// <paramref name="fromSpace"/> to <paramref name="to"/> of <paramref name="toSpace"/>
    /// (another program's, or the same), frame to frame with no buffer in between: how a grant
    /// moves data between two processes. Both ranges are checked whole first (the source
    /// readable, the destination writable); on failure nothing is copied and
    /// <paramref name="destinationFailed"/> says which side was refused.
    /// </summary>
    public static UserAccessStatus CopyAcross(IFrameBytes memory, ulong userTop, AddressSpace fromSpace, ulong from, AddressSpace toSpace, ulong to, int length, out bool destinationFailed)
    {
        destinationFailed = false;
        UserAccessStatus status = Check(fromSpace, userTop, from, (ulong)length, false);
        if (status != UserAccessStatus.Ok)
        {
            return status;
        }

        status = Check(toSpace, userTop, to, (ulong)length, true);
        if (status != UserAccessStatus.Ok)
        {
            destinationFailed = true;
            return status;
        }

        while (length > 0)
        {
            // The piece ends where either side's page ends.
            int piece = Math.Min(length, (int)(Page - (to & (Page - 1))));
            ulong source = from;
            piece = NextPiece(fromSpace, ref source, piece, out PhysAddr fromFrame, out int fromOffset);
            NextPiece(toSpace, ref to, piece, out PhysAddr toFrame, out int toOffset);
            memory.Copy(toFrame, toOffset, fromFrame, fromOffset, piece);
            from = source;
            length -= piece;
        }

        return UserAccessStatus.Ok;
    }

    /// <summary>Checks that [address, address + length) may be read (or written) by the
    /// program, page by page, without copying anything. An empty range is always fine.</summary>
    public static UserAccessStatus Check(AddressSpace space, ulong userTop, ulong address, ulong length, bool write)
    {
        if (length == 0)
        {
            return UserAccessStatus.Ok;
        }

        if (length > MaxCopy)
        {
            return UserAccessStatus.TooLarge;
        }

        if (address < Page || address > userTop || userTop - address < length || !new VirtAddr(userTop - 1).IsCanonical)
        {
            return UserAccessStatus.BadRange;
        }

        for (ulong page = address & ~(Page - 1); page < address + length; page += Page)
        {
            if (space.Translate(new VirtAddr(page), out _, out PageFlags flags) != PagingStatus.Ok)
            {
                return UserAccessStatus.NotMapped;
            }

            if ((flags & PageFlags.User) == 0)
            {
                return UserAccessStatus.NotUserPage;
            }

            if (write && (flags & PageFlags.Writable) == 0)
            {
                return UserAccessStatus.ReadOnly;
            }
        }

        return UserAccessStatus.Ok;
    }

    /// <summary>The frame and offset of <paramref name="address"/> (a checked page), how many of
    /// the <paramref name="left"/> bytes fit on its page, and the address after them.</summary>
    private static int NextPiece(AddressSpace space, ref ulong address, int left, out PhysAddr frame, out int offset)
    {
        ulong page = address & ~(Page - 1);
        offset = (int)(address - page);
        int chunk = Math.Min(left, (int)Page - offset);
        space.Translate(new VirtAddr(page), out frame, out _);
        address += (ulong)chunk;
        return chunk;
    }
}

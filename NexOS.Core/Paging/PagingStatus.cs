namespace NexOS.Core.Paging;

/// <summary>
/// The outcome of an <see cref="AddressSpace"/> operation. Every status but <see cref="Ok"/>
/// means the request was refused and the page tables and the frame source are as they were
/// before the call (the one exception is described at <see cref="AddressSpace.MapRange"/>).
/// </summary>
public enum PagingStatus
{
    /// <summary>Done.</summary>
    Ok,

    /// <summary>A virtual address, or a range's last byte, is not canonical, or a range wraps
    /// or crosses the hole between the two canonical halves.</summary>
    NotCanonical,

    /// <summary>An address or length is not a multiple of the page size the operation uses.</summary>
    Misaligned,

    /// <summary>A page of the request is already mapped.</summary>
    AlreadyMapped,

    /// <summary>The address is not mapped.</summary>
    NotMapped,

    /// <summary>A page table was needed and the frame source had no frame left.</summary>
    OutOfFrames,

    /// <summary>The request would split or cover a 2 MiB or 1 GiB mapping, or put a 2 MiB
    /// mapping where a page table already is.</summary>
    HugePageConflict,

    /// <summary>The flags hold a bit the operation does not accept (such as
    /// <see cref="PageFlags.Huge"/>, which the address space sets itself, or an unnamed bit).</summary>
    InvalidFlags,

    /// <summary>A physical address, or a range's end, lies beyond the 52 bits an entry holds.</summary>
    PhysOutOfRange,

    /// <summary>In a user space: the address, or a range's start, lies under the top-level
    /// entries the space shares with the kernel (see
    /// <see cref="AddressSpace.SharedTopEntries"/>); only the kernel's own space changes them.</summary>
    KernelRange,

    /// <summary><see cref="AddressSpace.TryCreateUser"/> cannot share the kernel's entries as
    /// asked: the count is outside 1 to 511, the kernel space given is a user space or
    /// released, or one of its entries to share is not present or grants User.</summary>
    ShareRefused,

    /// <summary>The address space has been released: its tables are gone, and every call
    /// that would read or change them is refused.</summary>
    Released,
}

/// <summary>Names for <see cref="PagingStatus"/> values, spelled out because
/// <c>Enum.ToString</c> needs reflection, which the kernel lacks.</summary>
public static class PagingStatusText
{
    /// <summary>A short lower-case description of <paramref name="status"/> for log lines.</summary>
    public static string Describe(this PagingStatus status) => status switch
    {
        PagingStatus.Ok => "ok",
        PagingStatus.NotCanonical => "not canonical",
        PagingStatus.Misaligned => "misaligned",
        PagingStatus.AlreadyMapped => "already mapped",
        PagingStatus.NotMapped => "not mapped",
        PagingStatus.OutOfFrames => "out of frames",
        PagingStatus.HugePageConflict => "huge page conflict",
        PagingStatus.InvalidFlags => "invalid flags",
        PagingStatus.PhysOutOfRange => "physical address out of range",
        PagingStatus.KernelRange => "kernel range",
        PagingStatus.ShareRefused => "kernel share refused",
        PagingStatus.Released => "address space released",
        _ => "unknown",
    };
}

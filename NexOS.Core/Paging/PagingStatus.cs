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
        _ => "unknown",
    };
}

namespace NexOS.Core.Paging;

/// <summary>
/// What a user address space holds outside the entries it shares with the kernel, as
/// <see cref="AddressSpace.CountUserPages"/> measures it and
/// <see cref="AddressSpace.ReleaseUserSpace"/> gives it back.
/// </summary>
/// <param name="OwnedPages">4 KiB leaves with <see cref="PageFlags.OwnedFrame"/>: frames the
/// space owns (and frees on release).</param>
/// <param name="BorrowedPages">4 KiB pages mapped without owning them (dropped on release,
/// never freed); a 2 MiB leaf counts 512, a 1 GiB leaf 262144.</param>
/// <param name="TableFrames">Page-table frames of the space's own, its PML4 included; the
/// kernel's shared tables are not counted.</param>
public readonly record struct UserSpaceUsage(ulong OwnedPages, ulong BorrowedPages, long TableFrames)
{
    /// <summary>Frames the space holds from the frame source: its owned pages and its tables.</summary>
    public ulong FramesHeld => OwnedPages + (ulong)TableFrames;
}

using NexOS.Core.Memory;

namespace NexOS.Core.Paging;

/// <summary>
/// A run of consecutive mapped virtual pages with equal flags, as
/// <see cref="AddressSpace.VisitRegions"/> reports them. <see cref="Flags"/> are the effective
/// flags (see <see cref="AddressSpace.Translate"/>) without Accessed, Dirty and Huge, which
/// vary from page to page without changing what the mapping allows; they do include
/// <see cref="PageFlags.OwnedFrame"/>, so owned and borrowed pages make separate runs.
/// </summary>
/// <param name="Start">First virtual address of the run.</param>
/// <param name="Length">Bytes in the run, a multiple of 4 KiB.</param>
/// <param name="Phys">Physical address <see cref="Start"/> maps to.</param>
/// <param name="Flags">Effective flags shared by every page of the run.</param>
/// <param name="PhysContiguous">True when the run maps one contiguous physical range
/// starting at <see cref="Phys"/>.</param>
public readonly record struct MappedRegion(VirtAddr Start, ulong Length, PhysAddr Phys, PageFlags Flags, bool PhysContiguous)
{
    /// <summary>One past the last address (0 for a run that reaches the top of memory).</summary>
    public VirtAddr End => Start + Length;
}

/// <summary>Receives the runs of <see cref="AddressSpace.VisitRegions"/>. Implement it on a
/// struct to keep the walk free of allocation.</summary>
public interface IMappedRegionVisitor
{
    /// <summary>Called once per run in ascending address order; return false to stop.</summary>
    bool Visit(in MappedRegion region);
}

using NexOS.Core.Memory;

namespace NexOS.Core.Paging;

/// <summary>User address spaces: a PML4 of their own whose first entries are the kernel's.</summary>
public sealed partial class AddressSpace
{
    /// <summary>True for a space made by <see cref="TryCreateUser"/>.</summary>
    public bool IsUserSpace => _sharedTop > 0;

    /// <summary>In a user space, how many top-level entries, from entry 0, are copies of the
    /// kernel's: the tables under them are the kernel's, never changed or freed through this
    /// space. Zero in any other space.</summary>
    public int SharedTopEntries => _sharedTop;

    /// <summary>True once <see cref="ReleaseUserSpace"/> or <see cref="ReleaseTables"/> has
    /// given the tables back; every later call is refused (<see cref="PagingStatus.Released"/>).</summary>
    public bool IsReleased => _released;

    /// <summary>
    /// Creates a user address space: a zeroed PML4 from <paramref name="frames"/> whose first
    /// <paramref name="sharedTopEntries"/> entries are copied from <paramref name="kernel"/>'s
    /// root, so the kernel's mappings under them (made before or after this call) are seen
    /// through the new space too. Pass <see cref="UserLayout.KernelTopLevelEntries"/>.
    /// Calls that change mappings refuse addresses under the shared entries
    /// (<see cref="PagingStatus.KernelRange"/>) and Global leaves
    /// (<see cref="PagingStatus.InvalidFlags"/>: a global translation would outlive the
    /// switch to another process); <see cref="Translate"/> reads them.
    /// <para>
    /// From then on the kernel space never frees the tables those entries point to (unmapping
    /// there leaves them empty), and <see cref="ReleaseTables"/> refuses it, because user
    /// spaces point to them. The kernel space must not change while this runs.
    /// </para>
    /// Returns <see cref="PagingStatus.ShareRefused"/> when the count is outside 1 to 511,
    /// when <paramref name="kernel"/> is a user space or released, or when an entry to share
    /// is not present (the kernel could fill it later, unseen by this space) or has User set
    /// (ring 3 would reach kernel memory); <see cref="PagingStatus.OutOfFrames"/> when no frame
    /// is left for the PML4. On failure <paramref name="space"/> is null and nothing changed.
    /// </summary>
    public static PagingStatus TryCreateUser(
        IPageTableMemory memory, IFrameSource frames, AddressSpace kernel, int sharedTopEntries, out AddressSpace? space)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(kernel);
        space = null;
        if (sharedTopEntries < 1 || sharedTopEntries >= Entries || kernel.IsUserSpace || kernel._released)
        {
            return PagingStatus.ShareRefused;
        }

        for (int i = 0; i < sharedTopEntries; i++)
        {
            ulong entry = kernel._memory.ReadEntry(kernel.Root, i);
            if (!PageTableEntry.IsPresent(entry) || (entry & (ulong)PageFlags.User) != 0)
            {
                return PagingStatus.ShareRefused;
            }
        }

        if (!frames.TryAllocateFrame(out PhysAddr root))
        {
            return PagingStatus.OutOfFrames;
        }

        memory.ZeroPage(root);
        for (int i = 0; i < sharedTopEntries; i++)
        {
            memory.WriteEntry(root, i, kernel._memory.ReadEntry(kernel.Root, i));
        }

        kernel._pinnedTop = Math.Max(kernel._pinnedTop, sharedTopEntries);
        space = new AddressSpace(memory, frames, root, ownsTables: true, tableFrames: 1, sharedTop: sharedTopEntries);
        return PagingStatus.Ok;
    }

    /// <summary>The refusals every call that changes mappings makes after checking its own
    /// arguments (<paramref name="virt"/> is canonical by then; for a range, its start):
    /// <see cref="PagingStatus.Released"/> once the tables are gone, and in a user space
    /// <see cref="PagingStatus.KernelRange"/> under the shared entries and
    /// <see cref="PagingStatus.InvalidFlags"/> for Global. Ranges stay within one half, where
    /// PML4 indexes grow with the address, so a range reaches a shared entry only if it
    /// starts in one.</summary>
    private PagingStatus CheckTarget(VirtAddr virt, PageFlags flags)
    {
        if (_released)
        {
            return PagingStatus.Released;
        }

        if (virt.Pml4Index < _sharedTop)
        {
            return PagingStatus.KernelRange;
        }

        return IsUserSpace && (flags & PageFlags.Global) != 0 ? PagingStatus.InvalidFlags : PagingStatus.Ok;
    }
}

namespace NexOS.Core.Paging;

/// <summary>
/// The x86-64 page-table entry bits that NexOS uses, at their hardware positions, so a flags
/// value can be OR-ed straight into an entry. Of the bits the CPU ignores, bit 9 is the
/// software flag <see cref="OwnedFrame"/>; bits 10-11 and 52-62, and the physical address in
/// bits 12-51, are not flags.
/// </summary>
[Flags]
public enum PageFlags : ulong
{
    /// <summary>No bits: a not-present entry.</summary>
    None = 0,

    /// <summary>The entry is valid; every other bit is ignored by the CPU without it.</summary>
    Present = 1UL << 0,

    /// <summary>Writes are allowed (only where every level of the walk allows them).</summary>
    Writable = 1UL << 1,

    /// <summary>Ring 3 may access the page (only where every level of the walk allows it).</summary>
    User = 1UL << 2,

    /// <summary>Write-through caching instead of write-back.</summary>
    WriteThrough = 1UL << 3,

    /// <summary>The page is not cached: device memory (MMIO).</summary>
    CacheDisable = 1UL << 4,

    /// <summary>Set by the CPU when the entry is used for a translation.</summary>
    Accessed = 1UL << 5,

    /// <summary>Set by the CPU on the first write to the page (leaf entries only).</summary>
    Dirty = 1UL << 6,

    /// <summary>In a level-2 or level-3 entry: the entry is a 2 MiB or 1 GiB leaf rather than a
    /// pointer to a table. (In a level-1 entry this bit selects a PAT slot instead, which is
    /// why 4 KiB mappings refuse it.)</summary>
    Huge = 1UL << 7,

    /// <summary>The translation survives CR3 reloads (kernel pages shared by every space).</summary>
    Global = 1UL << 8,

    /// <summary>
    /// Software bit (ignored by the CPU): the 4 KiB frame this leaf maps belongs to the address
    /// space and is given back to its frame source with it
    /// (<see cref="AddressSpace.ReleaseUserSpace"/>). Without it a leaf is borrowed (device
    /// memory, a frame someone else owns) and is only dropped, so a forgotten flag leaks a
    /// frame and never frees someone else's. Only 4 KiB leaves can be owned: MapRange maps an
    /// owned range with 4 KiB pages even when huge ones are allowed, and a 2 MiB or 1 GiB leaf
    /// is always borrowed. <see cref="AddressSpace.Protect"/> keeps the bit as it is and ignores
    /// it in its argument. A frame must be owned by one leaf at most.
    /// </summary>
    OwnedFrame = 1UL << 9,

    /// <summary>Instruction fetches fault (needs EFER.NXE, which boot.asm sets).</summary>
    NoExecute = 1UL << 63,
}

/// <summary>Encoding and decoding of raw 64-bit page-table entries.</summary>
public static class PageTableEntry
{
    /// <summary>Bits 12-51: the physical address of the next table or of a 4 KiB page.</summary>
    public const ulong AddressMask = 0x000F_FFFF_FFFF_F000;

    /// <summary>Every bit <see cref="PageFlags"/> names.</summary>
    public const PageFlags AllFlags = PageFlags.Present | PageFlags.Writable | PageFlags.User
        | PageFlags.WriteThrough | PageFlags.CacheDisable | PageFlags.Accessed | PageFlags.Dirty
        | PageFlags.Huge | PageFlags.Global | PageFlags.OwnedFrame | PageFlags.NoExecute;

    /// <summary>The flags a caller may ask for on a leaf: everything but
    /// <see cref="PageFlags.Huge"/>, which <see cref="AddressSpace"/> sets itself according
    /// to the page size.</summary>
    public const PageFlags LeafFlags = AllFlags & ~PageFlags.Huge;

    /// <summary>The flags of a table-pointing entry that <see cref="AddressSpace"/> writes.
    /// Permissive on purpose: the CPU combines the levels (writable and user only if every
    /// level says so, no-execute if any level says so), so leaving intermediate entries open
    /// lets each leaf alone decide; User is added only above user leaves.</summary>
    public const PageFlags TableFlags = PageFlags.Present | PageFlags.Writable;

    /// <summary>Highest physical address an entry can hold: bits 0-51 all set.</summary>
    public const ulong MaxPhysAddress = AddressMask | 0xFFF;

    /// <summary>Builds an entry from an address (bits outside <see cref="AddressMask"/>
    /// dropped) and flags (bits outside <see cref="AllFlags"/> dropped).</summary>
    public static ulong Create(ulong address, PageFlags flags) =>
        (address & AddressMask) | ((ulong)flags & (ulong)AllFlags);

    /// <summary>The address bits of <paramref name="entry"/> (for a huge leaf this includes
    /// the PAT bit 12; use <see cref="LeafAddress"/> there).</summary>
    public static ulong Address(ulong entry) => entry & AddressMask;

    /// <summary>The physical base of a leaf of <paramref name="pageSize"/> bytes: the address
    /// bits below the page size (the PAT bit of huge leaves) are not part of it.</summary>
    public static ulong LeafAddress(ulong entry, ulong pageSize) => entry & AddressMask & ~(pageSize - 1);

    /// <summary>The named flag bits of <paramref name="entry"/>.</summary>
    public static PageFlags Flags(ulong entry) => (PageFlags)(entry & (ulong)AllFlags);

    /// <summary>True when the Present bit is set.</summary>
    public static bool IsPresent(ulong entry) => (entry & (ulong)PageFlags.Present) != 0;

    /// <summary>True when the Huge bit is set; meaningful in level-2 and level-3 entries only.</summary>
    public static bool IsHuge(ulong entry) => (entry & (ulong)PageFlags.Huge) != 0;

    /// <summary>A short fixed-width description for listings such as the shell's vm command:
    /// "rwx" style permissions (a dash for each one missing), then " user", " global",
    /// " uc" (cache disabled), " wt" (write-through) and " owned" (<see cref="PageFlags.OwnedFrame"/>)
    /// when set.</summary>
    public static string Describe(PageFlags flags)
    {
        string text = ((flags & PageFlags.Present) != 0 ? "r" : "-")
            + ((flags & PageFlags.Writable) != 0 ? "w" : "-")
            + ((flags & PageFlags.NoExecute) == 0 && (flags & PageFlags.Present) != 0 ? "x" : "-");
        if ((flags & PageFlags.User) != 0)
        {
            text += " user";
        }

        if ((flags & PageFlags.Global) != 0)
        {
            text += " global";
        }

        if ((flags & PageFlags.CacheDisable) != 0)
        {
            text += " uc";
        }

        if ((flags & PageFlags.WriteThrough) != 0)
        {
            text += " wt";
        }

        if ((flags & PageFlags.OwnedFrame) != 0)
        {
            text += " owned";
        }

        return text;
    }
}

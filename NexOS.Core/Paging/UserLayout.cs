namespace NexOS.Core.Paging;

/// <summary>
/// Where user space lives in every process's address space. The kernel keeps the first
/// <see cref="KernelTopLevelEntries"/> PML4 entries (its identity map of RAM, supervisor only),
/// shared by every process; user mappings go in PML4 entries 1 to 255, from
/// <see cref="UserBase"/> up to, not including, <see cref="UserTop"/>. The last page below the
/// canonical hole is never user memory: a <c>syscall</c> instruction at its very end would
/// leave a non-canonical return address in RCX, and SYSRET would fault in ring 0.
/// </summary>
public static class UserLayout
{
    /// <summary>PML4 entries [0, this) belong to the kernel; a user space shares them (see
    /// <see cref="AddressSpace.TryCreateUser"/>) and may not map there.</summary>
    public const int KernelTopLevelEntries = 1;

    /// <summary>Lowest user address: the start of PML4 entry
    /// <see cref="KernelTopLevelEntries"/> (512 GiB).</summary>
    public const ulong UserBase = 0x0000_0080_0000_0000;

    /// <summary>One past the highest user address: the lower canonical half minus its last page.</summary>
    public const ulong UserTop = 0x0000_7FFF_FFFF_F000;

    /// <summary>True when [<paramref name="start"/>, +<paramref name="length"/>) lies inside
    /// [<see cref="UserBase"/>, <see cref="UserTop"/>). Never overflows: a length that would
    /// carry the end past 2^64 is simply too long. An empty range counts when its start is
    /// within [<see cref="UserBase"/>, <see cref="UserTop"/>] (so a range ending exactly at
    /// the top is fine).</summary>
    public static bool IsUserRange(ulong start, ulong length) =>
        start >= UserBase && start <= UserTop && length <= UserTop - start;

    /// <summary>Program images (their PT_LOAD segments) lie below this; above it, up to
    /// <see cref="MapAreaHigh"/>, is where MemoryMap places memory.</summary>
    public const ulong ImageTop = 0x0000_1000_0000_0000;

    /// <summary>The start of the range MemoryMap places memory in.</summary>
    public const ulong MapAreaLow = ImageTop;

    /// <summary>The end of that range (exclusive): below the main stack's growth range.</summary>
    public const ulong MapAreaHigh = 0x0000_7000_0000_0000;
}

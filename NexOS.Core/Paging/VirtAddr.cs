namespace NexOS.Core.Paging;

/// <summary>
/// A virtual address. Kept apart from <see cref="Memory.PhysAddr"/> and plain integers so the
/// two kinds of address cannot be mixed up by accident. Any 64-bit value can be held; only
/// canonical ones (bits 48-63 copies of bit 47, see <see cref="IsCanonical"/>) can be mapped,
/// because with 4-level paging the CPU faults on any other.
/// </summary>
public readonly record struct VirtAddr(ulong Value) : IComparable<VirtAddr>
{
    /// <summary>Bytes in the smallest page, and the alignment every mapping needs.</summary>
    public const ulong PageSize = 1UL << 12;

    /// <summary>Entries in every level of page table.</summary>
    public const int EntriesPerTable = 512;

    /// <summary>First address of the higher canonical half (bit 47 and above all set).</summary>
    public const ulong HigherHalfStart = 0xFFFF_8000_0000_0000;

    /// <summary>One past the last address of the lower canonical half.</summary>
    public const ulong LowerHalfEnd = 0x0000_8000_0000_0000;

    /// <summary>True when bits 48-63 all equal bit 47. Shifting the 48 meaningful bits to the
    /// top and arithmetically back sign-extends bit 47, which changes nothing exactly when the
    /// address was already canonical.</summary>
    public bool IsCanonical => (ulong)((long)(Value << 16) >> 16) == Value;

    /// <summary>True for canonical addresses of the lower half (user space by convention).</summary>
    public bool IsLowerHalf => Value < LowerHalfEnd;

    /// <summary>Index into the PML4 (level 4), bits 39-47.</summary>
    public int Pml4Index => TableIndex(4);

    /// <summary>Index into the page-directory-pointer table (level 3), bits 30-38.</summary>
    public int PdptIndex => TableIndex(3);

    /// <summary>Index into the page directory (level 2), bits 21-29.</summary>
    public int PdIndex => TableIndex(2);

    /// <summary>Index into the page table (level 1), bits 12-20.</summary>
    public int PtIndex => TableIndex(1);

    /// <summary>Offset inside the 4 KiB page, bits 0-11.</summary>
    public ulong PageOffset => Value & (PageSize - 1);

    /// <summary>Index into the table of <paramref name="level"/> (1 = page table, 4 = PML4):
    /// nine bits starting at bit 12 + 9 × (level − 1). Levels outside 1 to 4 give 0.</summary>
    public int TableIndex(int level) =>
        level is >= 1 and <= 4 ? (int)((Value >> (3 + (9 * level))) & (EntriesPerTable - 1)) : 0;

    /// <summary>The canonical address whose low 48 bits are those of <paramref name="value"/>:
    /// bit 47 copied into bits 48-63.</summary>
    public static VirtAddr Canonicalize(ulong value) => new((ulong)((long)(value << 16) >> 16));

    /// <summary>The canonical address with the given table indexes (each taken modulo 512)
    /// and page offset (modulo 4096); the inverse of the index properties.</summary>
    public static VirtAddr FromIndices(int pml4, int pdpt, int pd, int pt, ulong offset = 0)
    {
        const ulong mask = EntriesPerTable - 1;
        ulong value = (((ulong)pml4 & mask) << 39) | (((ulong)pdpt & mask) << 30)
            | (((ulong)pd & mask) << 21) | (((ulong)pt & mask) << 12) | (offset & (PageSize - 1));
        return Canonicalize(value);
    }

    /// <summary>True when the address is a multiple of <paramref name="alignment"/>, which must
    /// be a power of two.</summary>
    public bool IsAligned(ulong alignment) => (Value & (alignment - 1)) == 0;

    /// <summary>Rounds down to a multiple of <paramref name="alignment"/> (a power of two).</summary>
    public VirtAddr AlignDown(ulong alignment) => new(Value & ~(alignment - 1));

    /// <summary>Rounds up to a multiple of <paramref name="alignment"/> (a power of two);
    /// wraps to 0 past the top of the address space.</summary>
    public VirtAddr AlignUp(ulong alignment) => new((Value + alignment - 1) & ~(alignment - 1));

    public static VirtAddr operator +(VirtAddr a, ulong offset) => new(a.Value + offset);

    public static ulong operator -(VirtAddr a, VirtAddr b) => a.Value - b.Value;

    public static bool operator <(VirtAddr a, VirtAddr b) => a.Value < b.Value;

    public static bool operator >(VirtAddr a, VirtAddr b) => a.Value > b.Value;

    public static bool operator <=(VirtAddr a, VirtAddr b) => a.Value <= b.Value;

    public static bool operator >=(VirtAddr a, VirtAddr b) => a.Value >= b.Value;

    public int CompareTo(VirtAddr other) => Value.CompareTo(other.Value);

    public override string ToString() => "0x" + Value.ToString("x");
}

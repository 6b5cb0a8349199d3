using NexOS.Core.Memory;

namespace NexOS.Core.Paging;

/// <summary>
/// Access to page-table frames by physical address, which is all <see cref="AddressSpace"/>
/// needs of the machine. The kernel implements it over its identity map of RAM (a table at
/// physical P is read at virtual P); tests implement it over arrays. Implementations must not
/// allocate or throw for the frames an address space hands them, since map and unmap run
/// where neither is allowed.
/// </summary>
public interface IPageTableMemory
{
    /// <summary>Returns entry <paramref name="index"/> (0 to 511) of the 4 KiB table at
    /// physical <paramref name="table"/>. A single 64-bit read, so an entry the CPU updates
    /// (Accessed, Dirty) is never torn.</summary>
    ulong ReadEntry(PhysAddr table, int index);

    /// <summary>Stores <paramref name="value"/> in entry <paramref name="index"/> (0 to 511) of
    /// the table at <paramref name="table"/> with a single 64-bit write, so the CPU's page
    /// walker never sees half an entry.</summary>
    void WriteEntry(PhysAddr table, int index, ulong value);

    /// <summary>Fills the 4 KiB frame at <paramref name="page"/> with zeros (a new table must
    /// start with every entry not present).</summary>
    void ZeroPage(PhysAddr page);
}

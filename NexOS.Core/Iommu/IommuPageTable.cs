using NexOS.Core.Memory;
using NexOS.Core.Paging;

namespace NexOS.Core.Iommu;

/// <summary>What an IOMMU mapping call did.</summary>
public enum IommuStatus
{
    Ok = 0,

    /// <summary>The address is not page aligned or lies beyond what the tables translate.</summary>
    BadAddress,

    /// <summary>The page is mapped already (to this or another frame).</summary>
    InUse,

    /// <summary>No frame was left for a table.</summary>
    OutOfTables,
}

/// <summary>
/// One domain's second-level translation tables (VT-d 3.x, 9.8): the addresses a device puts
/// on the bus (I/O virtual addresses) are walked through 3 or 4 levels of 512 entries, like
/// x86 paging, to 4 KiB frames, each entry giving read (bit 0) and write (bit 1) access. A
/// device may reach only what is mapped here; everything else faults at the IOMMU. NexOS maps
/// a driver's DMA buffers at their physical addresses (the I/O virtual address is the physical
/// one), so drivers program their devices as before. Tables come from an
/// <see cref="IFrameSource"/> and are written through an <see cref="IPageTableMemory"/>;
/// intermediate tables stay once made. Nothing allocates managed memory or throws.
/// </summary>
public sealed class IommuPageTable
{
    /// <summary>Entry bits: read, write.</summary>
    public const ulong Read = 1, Write = 2;

    private const ulong AddressMask = 0x000F_FFFF_FFFF_F000;
    private const ulong PageSize = 4096;

    private readonly IPageTableMemory _memory;
    private readonly IFrameSource _frames;

    private IommuPageTable(IPageTableMemory memory, IFrameSource frames, PhysAddr root, int levels)
    {
        _memory = memory;
        _frames = frames;
        Root = root;
        Levels = levels;
        Tables = 1;
    }

    /// <summary>The top table (a context entry's SLPTPTR).</summary>
    public PhysAddr Root { get; }

    /// <summary>3 (39-bit addresses) or 4 (48-bit).</summary>
    public int Levels { get; }

    /// <summary>Tables held, the root included.</summary>
    public int Tables { get; private set; }

    /// <summary>Pages mapped now.</summary>
    public int MappedPages { get; private set; }

    /// <summary>The first I/O virtual address the tables cannot translate.</summary>
    public ulong Limit => 1UL << (12 + (9 * Levels));

    /// <summary>Empty tables of <paramref name="levels"/> levels (3 or 4); null when no frame
    /// is free for the root or the level count is neither.</summary>
    public static IommuPageTable? Create(IPageTableMemory memory, IFrameSource frames, int levels)
    {
        if ((levels != 3 && levels != 4) || !frames.TryAllocateFrame(out PhysAddr root))
        {
            return null;
        }

        memory.ZeroPage(root);
        return new IommuPageTable(memory, frames, root, levels);
    }

    /// <summary>Lets the device reach <paramref name="frame"/> at <paramref name="address"/>,
    /// for reading and, when <paramref name="writable"/>, writing. BadAddress for an address
    /// that is not a page or is past <see cref="Limit"/> (or a frame that is not a page),
    /// InUse when the page is mapped already, OutOfTables when a table could not be made (the
    /// tables made on the way stay, empty).</summary>
    public IommuStatus Map(ulong address, PhysAddr frame, bool writable)
    {
        if ((address & (PageSize - 1)) != 0 || address >= Limit || (frame.Value & ~AddressMask) != 0)
        {
            return IommuStatus.BadAddress;
        }

        PhysAddr table = Root;
        for (int level = Levels; level > 1; level--)
        {
            int index = Index(address, level);
            ulong entry = _memory.ReadEntry(table, index);
            if ((entry & (Read | Write)) == 0)
            {
                if (!_frames.TryAllocateFrame(out PhysAddr next))
                {
                    return IommuStatus.OutOfTables;
                }

                _memory.ZeroPage(next);
                Tables++;
                // A table entry grants what its leaves may grant: both, decided at the leaf.
                entry = next.Value | Read | Write;
                _memory.WriteEntry(table, index, entry);
            }

            table = new PhysAddr(entry & AddressMask);
        }

        int leaf = Index(address, 1);
        if ((_memory.ReadEntry(table, leaf) & (Read | Write)) != 0)
        {
            return IommuStatus.InUse;
        }

        _memory.WriteEntry(table, leaf, frame.Value | Read | (writable ? Write : 0));
        MappedPages++;
        return IommuStatus.Ok;
    }

    /// <summary>Takes the page at <paramref name="address"/> away from the device; false when
    /// it was not mapped. The caller invalidates the IOTLB before the frame is used again.</summary>
    public bool Unmap(ulong address)
    {
        if (!Walk(address, out PhysAddr table))
        {
            return false;
        }

        int leaf = Index(address, 1);
        if ((_memory.ReadEntry(table, leaf) & (Read | Write)) == 0)
        {
            return false;
        }

        _memory.WriteEntry(table, leaf, 0);
        MappedPages--;
        return true;
    }

    /// <summary>Where the device's access to <paramref name="address"/> goes, as the IOMMU
    /// would walk it; false when it would fault.</summary>
    public bool Translate(ulong address, out PhysAddr frame, out bool writable)
    {
        frame = default;
        writable = false;
        if (!Walk(address, out PhysAddr table))
        {
            return false;
        }

        ulong entry = _memory.ReadEntry(table, Index(address, 1));
        if ((entry & (Read | Write)) == 0)
        {
            return false;
        }

        frame = new PhysAddr((entry & AddressMask) | (address & (PageSize - 1)));
        writable = (entry & Write) != 0;
        return true;
    }

    // The last-level table holding `address`, when every table above it exists.
    private bool Walk(ulong address, out PhysAddr table)
    {
        table = Root;
        if (address >= Limit)
        {
            return false;
        }

        for (int level = Levels; level > 1; level--)
        {
            ulong entry = _memory.ReadEntry(table, Index(address, level));
            if ((entry & (Read | Write)) == 0)
            {
                return false;
            }

            table = new PhysAddr(entry & AddressMask);
        }

        return true;
    }

    private static int Index(ulong address, int level) => (int)((address >> (12 + (9 * (level - 1)))) & 511);
}

using NexOS.Core.Memory;
using NexOS.Core.Paging;

namespace NexOS.Core.Iommu;

/// <summary>A VT-d unit's registers (its 4 KiB page), by byte offset. The kernel implements it
/// over the mapped page; tests over a model of the unit.</summary>
public interface IIommuRegisters
{
    uint Read32(int offset);

    ulong Read64(int offset);

    void Write32(int offset, uint value);

    void Write64(int offset, ulong value);
}

/// <summary>Why a VT-d unit was not taken into use.</summary>
public enum VtdStatus
{
    Ok = 0,

    /// <summary>The unit supports neither 3- nor 4-level tables (SAGAW).</summary>
    NoUsableWidth,

    /// <summary>A command the unit should complete at once did not complete.</summary>
    Timeout,

    /// <summary>No frame was left for a table.</summary>
    OutOfTables,

    /// <summary>Every domain ID the unit has is in use.</summary>
    NoDomains,
}

/// <summary>A DMA fault the unit recorded: which function, at which page, reading or
/// writing, and the unit's reason code (VT-d 3.x, 7.1.3: 2 = context entry not present, 5 =
/// write to a page not writable, 6 = read from a page not present, ...).</summary>
public readonly record struct VtdFault(ushort SourceId, ulong Address, bool Write, byte Reason);

/// <summary>
/// One DMA remapping unit in legacy mode (VT-d 3.x, chapters 3, 9 and 10): a root table of 256
/// buses, a context table per bus in use, and for each function given DMA memory a domain of
/// its own (<see cref="IommuPageTable"/>) that maps only that memory. Turning translation on
/// leaves every other function with no context entry, so its DMA faults instead of reaching
/// memory. Each change that takes access away invalidates the unit's IOTLB before it returns,
/// so a frame unmapped here can be reused at once. Commands to the unit are bounded polls of
/// its status. Not thread-safe: the kernel calls it with interrupts off.
/// </summary>
public sealed class VtdUnit
{
    /// <summary>Register offsets (VT-d 3.x, 11.4).</summary>
    public const int Capability = 0x08, ExtendedCapability = 0x10, GlobalCommand = 0x18, GlobalStatus = 0x1C,
        RootTableAddress = 0x20, ContextCommand = 0x28, FaultStatus = 0x34;

    /// <summary>Global command and status bits: translation enable, set root table pointer.</summary>
    public const uint TranslationEnable = 1u << 31, SetRootTable = 1u << 30;

    /// <summary>Functions that may have a domain (domain IDs 1-255; 0 is never used).</summary>
    public const int MaxDomains = 256;

    /// <summary>Status polls a command may take.</summary>
    public const int PollLimit = 1_000_000;

    private const ulong InvalidateContext = 1UL << 63, ContextGlobal = 1UL << 61;
    private const ulong IotlbInvalidate = 1UL << 63, IotlbGlobal = 1UL << 60, IotlbDomain = 2UL << 60, DrainReads = 1UL << 49, DrainWrites = 1UL << 48;
    private const uint PersistentStatus = 0x96FF_FFFF;
    private const ulong Present = 1;

    private readonly IIommuRegisters _registers;
    private readonly IPageTableMemory _memory;
    private readonly IFrameSource _frames;
    private readonly PhysAddr _root;
    private readonly int _iotlb;
    private readonly int _faultRecords;
    private readonly int _faultCount;
    private readonly int _domainLimit;
    private readonly ushort[] _sources = new ushort[MaxDomains];
    private readonly IommuPageTable?[] _tables = new IommuPageTable?[MaxDomains];
    private int _nextDomain = 1;

    private VtdUnit(IIommuRegisters registers, IPageTableMemory memory, IFrameSource frames, PhysAddr root, int levels, ulong capability, ulong extended)
    {
        _registers = registers;
        _memory = memory;
        _frames = frames;
        _root = root;
        Levels = levels;
        _iotlb = (int)((extended >> 8) & 0x3FF) * 16;
        _faultRecords = (int)((capability >> 24) & 0x3FF) * 16;
        _faultCount = (int)((capability >> 40) & 0xFF) + 1;
        _domainLimit = 1 << (4 + (2 * (int)(capability & 7)));
        CachingMode = (capability & (1UL << 7)) != 0;
        Coherent = (extended & 1) != 0;
    }

    /// <summary>Table levels of every domain: 3 (39-bit) or 4 (48-bit).</summary>
    public int Levels { get; }

    /// <summary>The unit caches not-present entries (CAP.CM), so making an entry present
    /// needs an invalidation too.</summary>
    public bool CachingMode { get; }

    /// <summary>The unit's table walks snoop the CPU's caches (ECAP.C); without it the
    /// table memory must write entries through to RAM.</summary>
    public bool Coherent { get; }

    /// <summary>Functions given a domain.</summary>
    public int Domains => _nextDomain - 1;

    /// <summary>Reads what kind of unit <paramref name="registers"/> is: its table levels and
    /// whether its walks are coherent, before anything is written (so the caller can choose
    /// the table memory). False when it has no usable width.</summary>
    public static bool Probe(IIommuRegisters registers, out int levels, out bool coherent)
    {
        ulong capability = registers.Read64(Capability);
        ulong widths = (capability >> 8) & 0x1F;
        levels = (widths & 2) != 0 ? 3 : (widths & 4) != 0 ? 4 : 0;
        coherent = (registers.Read64(ExtendedCapability) & 1) != 0;
        return levels != 0;
    }

    /// <summary>
    /// Takes the unit over: translation off if the firmware left it on, an empty root table,
    /// both caches invalidated, then translation on. From then on every function's DMA faults
    /// until <see cref="Attach"/> gives it a domain. On failure translation is left off.
    /// </summary>
    public static VtdStatus Enable(IIommuRegisters registers, IPageTableMemory memory, IFrameSource frames, out VtdUnit? unit)
    {
        unit = null;
        if (!Probe(registers, out int levels, out _))
        {
            return VtdStatus.NoUsableWidth;
        }

        if (!frames.TryAllocateFrame(out PhysAddr root))
        {
            return VtdStatus.OutOfTables;
        }

        memory.ZeroPage(root);
        var u = new VtdUnit(registers, memory, frames, root, levels, registers.Read64(Capability), registers.Read64(ExtendedCapability));
        if ((registers.Read32(GlobalStatus) & TranslationEnable) != 0 && !u.Command(TranslationEnable, on: false))
        {
            return VtdStatus.Timeout;
        }

        registers.Write64(RootTableAddress, root.Value);
        if (!u.Command(SetRootTable, on: true) || !u.InvalidateContexts() || !u.InvalidateIotlb(0) || !u.Command(TranslationEnable, on: true))
        {
            _ = u.Command(TranslationEnable, on: false);
            return VtdStatus.Timeout;
        }

        unit = u;
        return VtdStatus.Ok;
    }

    /// <summary>The domain of the function with requester ID <paramref name="sourceId"/>,
    /// made (empty, with a context entry) on first use.</summary>
    public VtdStatus Attach(ushort sourceId, out IommuPageTable? domain)
    {
        domain = DomainOf(sourceId);
        if (domain != null)
        {
            return VtdStatus.Ok;
        }

        if (_nextDomain >= _domainLimit || _nextDomain >= MaxDomains)
        {
            return VtdStatus.NoDomains;
        }

        int bus = sourceId >> 8, devfn = sourceId & 0xFF;
        ulong rootEntry = _memory.ReadEntry(_root, 2 * bus);
        PhysAddr context;
        if ((rootEntry & Present) == 0)
        {
            if (!_frames.TryAllocateFrame(out context))
            {
                return VtdStatus.OutOfTables;
            }

            _memory.ZeroPage(context);
            _memory.WriteEntry(_root, (2 * bus) + 1, 0);
            _memory.WriteEntry(_root, 2 * bus, context.Value | Present);
        }
        else
        {
            context = new PhysAddr(rootEntry & 0x000F_FFFF_FFFF_F000);
        }

        IommuPageTable? tables = IommuPageTable.Create(_memory, _frames, Levels);
        if (tables == null)
        {
            return VtdStatus.OutOfTables;
        }

        ushort id = (ushort)_nextDomain++;
        ulong width = Levels == 3 ? 1UL : 2UL;

        // The high half first, so the unit never sees a present entry with a stale domain.
        _memory.WriteEntry(context, (2 * devfn) + 1, width | ((ulong)id << 8));
        _memory.WriteEntry(context, 2 * devfn, tables.Root.Value | Present);
        _sources[id] = sourceId;
        _tables[id] = tables;
        domain = tables;
        return InvalidateContexts() && InvalidateIotlb(0) ? VtdStatus.Ok : VtdStatus.Timeout;
    }

    /// <summary>Maps <paramref name="pages"/> frames from <paramref name="physical"/> for the
    /// function at their own addresses, writable. On any failure the pages mapped by this call
    /// are taken back, and the status says why.</summary>
    public IommuStatus MapIdentity(ushort sourceId, ulong physical, int pages)
    {
        if (Attach(sourceId, out IommuPageTable? domain) != VtdStatus.Ok || domain == null)
        {
            return IommuStatus.OutOfTables;
        }

        for (int i = 0; i < pages; i++)
        {
            ulong page = physical + ((ulong)i * 4096);
            IommuStatus status = domain.Map(page, new PhysAddr(page), writable: true);
            if (status != IommuStatus.Ok)
            {
                UnmapIdentity(sourceId, physical, i);
                return status;
            }
        }

        // A unit in caching mode may hold the not-present entries these replaced.
        return !CachingMode || InvalidateIotlb(IdOf(sourceId)) ? IommuStatus.Ok : IommuStatus.OutOfTables;
    }

    /// <summary>Takes <paramref name="pages"/> frames from <paramref name="physical"/> away
    /// from the function and invalidates its IOTLB entries; returns the pages that were
    /// mapped. When it returns, the device can no longer reach them.</summary>
    public int UnmapIdentity(ushort sourceId, ulong physical, int pages)
    {
        IommuPageTable? domain = DomainOf(sourceId);
        if (domain == null)
        {
            return 0;
        }

        int removed = 0;
        for (int i = 0; i < pages; i++)
        {
            removed += domain.Unmap(physical + ((ulong)i * 4096)) ? 1 : 0;
        }

        if (removed > 0)
        {
            _ = InvalidateIotlb(IdOf(sourceId));
        }

        return removed;
    }

    /// <summary>The function and tables of domain <paramref name="id"/> (1 to
    /// <see cref="Domains"/>); false for another id.</summary>
    public bool Domain(int id, out ushort sourceId, out IommuPageTable? tables)
    {
        bool known = id >= 1 && id < _nextDomain;
        sourceId = known ? _sources[id] : (ushort)0;
        tables = known ? _tables[id] : null;
        return known;
    }

    /// <summary>The domain of <paramref name="sourceId"/>, or null (for tests and the `iommu` command).</summary>
    public IommuPageTable? DomainOf(ushort sourceId)
    {
        ushort id = IdOf(sourceId);
        return id == 0 ? null : _tables[id];
    }

    // The domain ID of the function, or 0 when it has none.
    private ushort IdOf(ushort sourceId)
    {
        for (int id = 1; id < _nextDomain; id++)
        {
            if (_sources[id] == sourceId)
            {
                return (ushort)id;
            }
        }

        return 0;
    }

    /// <summary>Moves the faults the unit recorded into <paramref name="faults"/> (at most its
    /// length) and clears them in the unit; returns how many were moved.</summary>
    public int TakeFaults(Span<VtdFault> faults)
    {
        int n = 0;
        for (int i = 0; i < _faultCount && n < faults.Length; i++)
        {
            int record = _faultRecords + (i * 16);
            ulong high = _registers.Read64(record + 8);
            if ((high & (1UL << 63)) == 0)
            {
                continue;
            }

            ulong low = _registers.Read64(record);
            faults[n++] = new VtdFault((ushort)high, low & ~0xFFFUL, (high & (1UL << 62)) == 0, (byte)(high >> 32));
            _registers.Write64(record + 8, 1UL << 63); // the F bit is write-one-to-clear
        }

        _registers.Write32(FaultStatus, 1); // primary fault overflow, write-one-to-clear
        return n;
    }

    // Sets or clears one command bit, keeping the persistent ones, and waits for the status.
    private bool Command(uint bit, bool on)
    {
        uint status = _registers.Read32(GlobalStatus) & PersistentStatus;
        _registers.Write32(GlobalCommand, on ? status | bit : status & ~bit);
        for (int i = 0; i < PollLimit; i++)
        {
            if (((_registers.Read32(GlobalStatus) & bit) != 0) == on)
            {
                return true;
            }
        }

        return false;
    }

    private bool InvalidateContexts()
    {
        _registers.Write64(ContextCommand, InvalidateContext | ContextGlobal);
        return WaitClear(ContextCommand, InvalidateContext);
    }

    // Global invalidation for domain 0, otherwise of that domain; reads and writes drained.
    private bool InvalidateIotlb(ushort domain)
    {
        int register = _iotlb + 8;
        ulong scope = domain == 0 ? IotlbGlobal : IotlbDomain | ((ulong)domain << 32);
        _registers.Write64(register, IotlbInvalidate | scope | DrainReads | DrainWrites);
        return WaitClear(register, IotlbInvalidate);
    }

    private bool WaitClear(int register, ulong bit)
    {
        for (int i = 0; i < PollLimit; i++)
        {
            if ((_registers.Read64(register) & bit) == 0)
            {
                return true;
            }
        }

        return false;
    }
}

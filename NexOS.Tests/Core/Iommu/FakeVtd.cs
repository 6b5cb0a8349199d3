using NexOS.Core.Iommu;
using NexOS.Core.Memory;
using NexOS.Tests.Core.Paging;

namespace NexOS.Tests.Core.Iommu;

/// <summary>
/// A model of a VT-d unit's registers with QEMU's shape (3-level tables, fault records at
/// 0x220, IOTLB registers at 0x200) and a DMA engine that walks the tables as the hardware
/// does: commands complete at once unless told to hang, and a device access that the tables
/// do not allow is recorded as a fault instead of reaching memory.
/// </summary>
internal sealed class FakeVtd : IIommuRegisters
{
    private readonly Dictionary<int, ulong> _registers = new();
    private readonly FakePhysicalMemory _memory;

    public FakeVtd(FakePhysicalMemory memory, ulong widths = 0x2, bool cachingMode = false)
    {
        _memory = memory;
        // ND 2 (256 domains), SAGAW, caching mode, FRO 0x22 (x16 = 0x220), NFR 3 (4 records).
        _registers[VtdUnit.Capability] = 2 | (widths << 8) | (cachingMode ? 1UL << 7 : 0) | (0x22UL << 24) | (3UL << 40);
        _registers[VtdUnit.ExtendedCapability] = 1 | (0x20UL << 8); // coherent, IRO 0x20 (x16 = 0x200)
    }

    public bool HangCommands { get; set; }

    public List<string> Log { get; } = new();

    public int IotlbInvalidations { get; private set; }

    public bool TranslationOn => (Read32(VtdUnit.GlobalStatus) & VtdUnit.TranslationEnable) != 0;

    public uint Read32(int offset) => (uint)Get(offset);

    public ulong Read64(int offset) => Get(offset);

    public void Write32(int offset, uint value)
    {
        if (offset == VtdUnit.GlobalCommand)
        {
            Log.Add($"gcmd {value:x8}");
            if (HangCommands)
            {
                return;
            }

            uint status = value & VtdUnit.TranslationEnable;
            status |= (value & VtdUnit.SetRootTable) != 0 || (Read32(VtdUnit.GlobalStatus) & VtdUnit.SetRootTable) != 0 ? VtdUnit.SetRootTable : 0;
            _registers[VtdUnit.GlobalStatus] = status;
            return;
        }

        _registers[offset] = value;
    }

    public void Write64(int offset, ulong value)
    {
        if (offset == 0x208 && (value & (1UL << 63)) != 0)
        {
            IotlbInvalidations++;
            value = HangCommands ? value : value & ~(1UL << 63);
        }
        else if (offset == VtdUnit.ContextCommand)
        {
            value = HangCommands ? value : value & ~(1UL << 63);
        }
        else if (offset >= 0x220 && offset < 0x260 && (offset & 15) == 8)
        {
            // A fault record's F bit is write-one-to-clear.
            value = (value & (1UL << 63)) != 0 ? 0 : Get(offset);
        }

        _registers[offset] = value;
    }

    /// <summary>A device access from <paramref name="sourceId"/>: true when the tables let it
    /// through, else a fault is recorded (reason 2 without a context entry, 6 for a page not
    /// present, 5 for a write to a read-only page), as the unit would.</summary>
    public bool Access(ushort sourceId, ulong address, bool write)
    {
        if (!TranslationOn)
        {
            return true;
        }

        ulong root = Get(VtdUnit.RootTableAddress);
        ulong rootEntry = _memory.ReadEntry(new PhysAddr(root), 2 * (sourceId >> 8));
        ulong contextLow = (rootEntry & 1) == 0 ? 0 : _memory.ReadEntry(new PhysAddr(rootEntry & ~0xFFFUL), 2 * (sourceId & 0xFF));
        if ((contextLow & 1) == 0)
        {
            return Fault(sourceId, address, write, 2);
        }

        ulong table = contextLow & ~0xFFFUL;
        for (int level = 3; level >= 1; level--)
        {
            ulong entry = _memory.ReadEntry(new PhysAddr(table), (int)((address >> (12 + (9 * (level - 1)))) & 511));
            if ((entry & 3) == 0)
            {
                return Fault(sourceId, address, write, 6);
            }

            if (level == 1 && write && (entry & 2) == 0)
            {
                return Fault(sourceId, address, write, 5);
            }

            table = entry & 0x000F_FFFF_FFFF_F000;
        }

        return true;
    }

    private bool Fault(ushort sourceId, ulong address, bool write, byte reason)
    {
        for (int record = 0x220; record < 0x260; record += 16)
        {
            if ((Get(record + 8) & (1UL << 63)) == 0)
            {
                _registers[record] = address & ~0xFFFUL;
                _registers[record + 8] = (1UL << 63) | (write ? 0 : 1UL << 62) | ((ulong)reason << 32) | sourceId;
                break;
            }
        }

        return false;
    }

    private ulong Get(int offset) => _registers.TryGetValue(offset, out ulong v) ? v : 0;
}

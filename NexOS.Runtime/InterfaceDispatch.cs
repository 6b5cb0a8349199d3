using System.Runtime;
using System.Runtime.InteropServices;

namespace NexOS.Runtime;

/// <summary>
/// The native half of interface dispatch. Each call site has a cell {stub, info}; every stub
/// is RhpInitialDynamicInterfaceDispatch (exceptions.asm), which asks the class library to
/// resolve the target. The class library decodes the cell through RhpGetDispatchCellInfo
/// and caches results here, so each (cell, type) pair is resolved once.
/// </summary>
internal static unsafe class InterfaceDispatch
{
    private const int CacheSize = 4096; // entries; a power of two
    private const ulong TagMask = 3;

    private static CacheEntry* s_cache;
    private static ulong s_hits;
    private static ulong s_misses;

    public static ulong CacheHits => s_hits;

    public static ulong CacheMisses => s_misses;

    /// <summary>
    /// Decodes a cell. Cells are grouped by slot: each group ends with a terminator cell whose
    /// stub is 0 and whose second word holds the slot (or, above bit 16, another cell type).
    /// The second word of an ordinary cell names the interface: tag 1 a direct pointer, tag 2
    /// a relative pointer to an indirection cell, tag 3 a relative pointer to the type itself.
    /// A small untagged value is a vtable offset instead.
    /// </summary>
    [RuntimeExport("RhpGetDispatchCellInfo")]
    private static void GetDispatchCellInfo(ulong* cell, CellInfo* info)
    {
        *info = default;
        ulong value = cell[1];
        if ((value & 0xFFFF_FFFF_FFFF_F003) == 0)
        {
            info->CellType = 2;
            info->HasCache = 1;
            info->VTableOffset = (uint)value;
            return;
        }

        ulong tag = value & TagMask;
        if (tag == 0)
        {
            Panic.Halt("interface dispatch cell points at a cache this runtime never creates");
        }

        ulong* terminator = cell;
        while (terminator[0] != 0)
        {
            terminator += 2;
        }

        ulong slotWord = terminator[1];
        if ((slotWord >> 16) != 0)
        {
            info->CellType = (int)(uint)(slotWord >> 16);
            info->MetadataToken = (uint)(value >> 2);
            return;
        }

        info->InterfaceSlot = (ushort)slotWord;
        if (tag == 1)
        {
            info->InterfaceType = (void*)(value & ~TagMask);
            return;
        }

        ulong pointer = (ulong)((long)(int)(uint)value + (long)&cell[1]) & ~TagMask;
        info->InterfaceType = tag == 3 ? (void*)pointer : *(void**)pointer;
    }

    [RuntimeExport("RhpSearchDispatchCellCache")]
    private static nint SearchDispatchCellCache(ulong cell, ulong type)
    {
        if (s_cache == null)
        {
            return 0;
        }

        for (uint i = Hash(cell, type), probes = 0; probes < 8; i = (i + 1) & (CacheSize - 1), probes++)
        {
            CacheEntry* e = &s_cache[i];
            if (e->Cell == cell && e->Type == type)
            {
                s_hits++;
                return (nint)e->Target;
            }

            if (e->Cell == 0)
            {
                break;
            }
        }

        s_misses++;
        return 0;
    }

    [RuntimeExport("RhpUpdateDispatchCellCache")]
    private static nint UpdateDispatchCellCache(ulong cell, ulong target, ulong type, CellInfo* info)
    {
        if (s_cache == null)
        {
            s_cache = (CacheEntry*)BootHeap.Allocate((ulong)(CacheSize * sizeof(CacheEntry)));
            if (s_cache == null)
            {
                return (nint)target;
            }
        }

        // A full neighbourhood just means this pair is resolved again next time. Interrupts
        // are off so that no other thread sees (or writes) a half-written entry.
        ulong flags = RuntimePlatform.DisableInterrupts();
        for (uint i = Hash(cell, type), probes = 0; probes < 8; i = (i + 1) & (CacheSize - 1), probes++)
        {
            CacheEntry* e = &s_cache[i];
            if (e->Cell == 0 || (e->Cell == cell && e->Type == type))
            {
                e->Type = type;
                e->Target = target;
                e->Cell = cell;
                break;
            }
        }

        RuntimePlatform.RestoreInterrupts(flags);
        return (nint)target;
    }

    private static uint Hash(ulong cell, ulong type) =>
        (uint)(((cell >> 4) ^ (type >> 3) ^ (type >> 15)) * 0x9E3779B97F4A7C15UL >> 40) & (CacheSize - 1);

    private struct CacheEntry
    {
        public ulong Cell;
        public ulong Type;
        public ulong Target;
    }

    /// <summary>System.Runtime.DispatchCellInfo as the class library lays it out.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct CellInfo
    {
        public int CellType;
        public void* InterfaceType;
        public ushort InterfaceSlot;
        public byte HasCache;
        public uint MetadataToken;
        public uint VTableOffset;
    }
}

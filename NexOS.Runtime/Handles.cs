using System.Runtime;

namespace NexOS.Runtime;

/// <summary>
/// GC handles. A handle is the address of a 32-byte slot: the target object in the first
/// word (the class library reads it directly), a dependent handle's secondary object in the
/// second, and the slot's kind in the third, so a collector can tell a free slot from a
/// weak handle whose target died. Slots never move; freed ones are reused. Every chunk is
/// recorded so the collector can walk them all. Allocation and freeing run with interrupts
/// off, so threads cannot race on the free list.
/// The collector marks from Normal, Pinned and RefCounted slots, clears dead Weak targets
/// and follows dependent handles (Gc/Collector.cs).
/// </summary>
internal static unsafe class Handles
{
    public const long KindFree = -1;
    public const long KindWeak = 0;
    public const long KindWeakTrackResurrection = 1;
    public const long KindNormal = 2;
    public const long KindPinned = 3;
    public const long KindRefCounted = 5;
    public const long KindDependent = 6;

    private const int SlotsPerChunk = 128;
    private const int MaxChunks = 4096;

    private static Slot* s_freeList;
    private static Slot** s_chunks;
    private static int s_chunkCount;
    private static ulong s_live;

    public static ulong Live => s_live;

    /// <summary>The slot chunks, each <see cref="SlotsPerChunk"/> slots long (for the collector).</summary>
    public static int ChunkCount => s_chunkCount;

    [RuntimeExport("RhpHandleAlloc")]
    private static nint Alloc(void* target, int type) => Take(target, null, type);

    [RuntimeExport("RhpHandleAllocDependent")]
    private static nint AllocDependent(void* primary, void* secondary) => Take(primary, secondary, KindDependent);

    [RuntimeExport("RhHandleFree")]
    private static void Free(nint handle)
    {
        if (handle == 0)
        {
            return;
        }

        var slot = (Slot*)handle;
        ulong flags = RuntimePlatform.DisableInterrupts();
        if (slot->Kind != KindFree)
        {
            slot->Kind = KindFree;
            slot->Target = s_freeList;
            slot->Extra = null;
            s_freeList = slot;
            s_live--;
        }

        RuntimePlatform.RestoreInterrupts(flags);
    }

    [RuntimeExport("RhHandleSet")]
    private static void Set(nint handle, void* target) => ((Slot*)handle)->Target = target;

    [RuntimeExport("RhHandleGetDependent")]
    private static void* GetDependent(nint handle, void** secondary)
    {
        var slot = (Slot*)handle;
        *secondary = slot->Extra;
        return slot->Target;
    }

    private static nint Take(void* target, void* extra, long kind)
    {
        ulong flags = RuntimePlatform.DisableInterrupts();
        Slot* slot = s_freeList == null && !AddChunk() ? null : s_freeList;
        if (slot != null)
        {
            s_freeList = (Slot*)slot->Target;
            slot->Target = target;
            slot->Extra = extra;
            slot->Kind = kind;
            s_live++;
        }

        RuntimePlatform.RestoreInterrupts(flags);
        return (nint)slot;
    }

    private static bool AddChunk()
    {
        if (s_chunks == null)
        {
            s_chunks = (Slot**)BootHeap.Allocate((ulong)(MaxChunks * sizeof(Slot*)));
        }

        if (s_chunks == null || s_chunkCount == MaxChunks)
        {
            return false;
        }

        var chunk = (Slot*)BootHeap.Allocate((ulong)(SlotsPerChunk * sizeof(Slot)));
        if (chunk == null)
        {
            return false;
        }

        s_chunks[s_chunkCount++] = chunk;
        for (int i = SlotsPerChunk - 1; i >= 0; i--)
        {
            chunk[i].Kind = KindFree;
            chunk[i].Target = s_freeList;
            s_freeList = &chunk[i];
        }

        return true;
    }

    /// <summary>Frees a handle from inside a collection (interrupts are already off).</summary>
    public static void FreeFromCollector(nint handle) => Free(handle);

    /// <summary>Marks the target of every strong handle (Normal, Pinned, RefCounted).</summary>
    public static void MarkStrongTargets()
    {
        for (int c = 0; c < s_chunkCount; c++)
        {
            Slot* chunk = s_chunks[c];
            for (int i = 0; i < SlotsPerChunk; i++)
            {
                long kind = chunk[i].Kind;
                if (kind == KindNormal || kind == KindPinned || kind == KindRefCounted)
                {
                    Gc.Marker.MarkExact((ulong)chunk[i].Target);
                }
            }
        }
    }

    /// <summary>One pass over the dependent handles: marks the secondary of each whose
    /// primary is alive. Returns true when it marked anything, so the caller drains the mark
    /// stack and passes again until nothing changes (secondaries may keep other primaries
    /// alive).</summary>
    public static bool MarkDependentSecondaries()
    {
        ulong before = Gc.Marker.MarkedObjects;
        for (int c = 0; c < s_chunkCount; c++)
        {
            Slot* chunk = s_chunks[c];
            for (int i = 0; i < SlotsPerChunk; i++)
            {
                if (chunk[i].Kind == KindDependent && chunk[i].Target != null && Gc.Marker.IsLive((ulong)chunk[i].Target))
                {
                    Gc.Marker.MarkExact((ulong)chunk[i].Extra);
                }
            }
        }

        return Gc.Marker.MarkedObjects != before;
    }

    /// <summary>After marking: clears weak handles whose targets died, and both words of
    /// dependent handles whose primaries died.</summary>
    public static void ClearDead()
    {
        for (int c = 0; c < s_chunkCount; c++)
        {
            Slot* chunk = s_chunks[c];
            for (int i = 0; i < SlotsPerChunk; i++)
            {
                long kind = chunk[i].Kind;
                bool weak = kind == KindWeak || kind == KindWeakTrackResurrection || kind == KindDependent;
                if (weak && !Gc.Marker.IsLive((ulong)chunk[i].Target))
                {
                    chunk[i].Target = null;
                    chunk[i].Extra = kind == KindDependent ? null : chunk[i].Extra;
                }
            }
        }
    }

    private struct Slot
    {
        public void* Target;
        public void* Extra;
        public long Kind;
        public long Reserved;
    }
}

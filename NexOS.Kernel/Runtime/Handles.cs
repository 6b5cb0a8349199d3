using System.Runtime;

namespace NexOS.Kernel.Runtime;

/// <summary>
/// GC handles. A handle is the address of a 16-byte slot: the target object in the first
/// word (the class library reads it directly), the handle type or a dependent handle's
/// secondary object in the second. Slots never move; freed ones are reused.
/// Allocation and freeing run with interrupts off, so threads cannot race on the free list.
/// FIXME: the collector must treat strong and pinned slots as roots and clear weak ones.
/// </summary>
internal static unsafe class Handles
{
    private const int SlotsPerChunk = 256;

    private static Slot* s_freeList;
    private static ulong s_live;

    public static ulong Live => s_live;

    [RuntimeExport("RhpHandleAlloc")]
    private static nint Alloc(void* target, int type)
    {
        Slot* slot = Take();
        if (slot == null)
        {
            return 0;
        }

        slot->Target = target;
        slot->Extra = (void*)(nint)type;
        return (nint)slot;
    }

    [RuntimeExport("RhpHandleAllocDependent")]
    private static nint AllocDependent(void* primary, void* secondary)
    {
        Slot* slot = Take();
        if (slot == null)
        {
            return 0;
        }

        slot->Target = primary;
        slot->Extra = secondary;
        return (nint)slot;
    }

    [RuntimeExport("RhHandleFree")]
    private static void Free(nint handle)
    {
        if (handle == 0)
        {
            return;
        }

        var slot = (Slot*)handle;
        ulong flags = Core.Threading.InterruptState.Disable();
        slot->Target = s_freeList;
        slot->Extra = null;
        s_freeList = slot;
        s_live--;
        Core.Threading.InterruptState.Restore(flags);
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

    private static Slot* Take()
    {
        ulong flags = Core.Threading.InterruptState.Disable();
        Slot* slot = TakeLocked();
        Core.Threading.InterruptState.Restore(flags);
        return slot;
    }

    private static Slot* TakeLocked()
    {
        if (s_freeList == null)
        {
            var chunk = (Slot*)BootHeap.Allocate((ulong)(SlotsPerChunk * sizeof(Slot)));
            if (chunk == null)
            {
                return null;
            }

            for (int i = SlotsPerChunk - 1; i >= 0; i--)
            {
                chunk[i].Target = s_freeList;
                s_freeList = &chunk[i];
            }
        }

        Slot* slot = s_freeList;
        s_freeList = (Slot*)slot->Target;
        s_live++;
        return slot;
    }

    private struct Slot
    {
        public void* Target;
        public void* Extra;
    }
}

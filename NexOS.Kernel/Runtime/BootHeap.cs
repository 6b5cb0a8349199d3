using System.Runtime.InteropServices;
using System.Threading;
using NexOS.Core.Memory;

namespace NexOS.Kernel.Runtime;

/// <summary>
/// The managed heap as the boot foundation has it: a bump allocator over the largest free
/// physical range, set up by <see cref="EarlyInit"/> before the first object exists.
/// FIXME: no collector yet; the microkernel core replaces this with size classes and a
/// tracing GC. Until then, running out of heap is a panic.
/// </summary>
internal static unsafe class BootHeap
{
    private static ulong s_start;
    private static ulong s_next;
    private static ulong s_limit;
    private static ulong s_allocations;

    public static ulong Start => s_start;

    public static ulong Limit => s_limit;

    // The compiler assumes allocation helpers leave static fields alone, so it may reuse a
    // value read before an allocation; volatile reads keep these figures current.
    public static ulong BytesUsed => Volatile.Read(ref s_next) - s_start;

    public static ulong Allocations => Volatile.Read(ref s_allocations);

    public static bool IsReady => s_limit != 0;

    /// <summary>Gives the heap its memory. Called once, before any managed allocation.</summary>
    public static void Initialize(PhysRange range)
    {
        s_start = (range.Start.Value + 15) & ~15UL;

        // Every object has a header word just before it, which the class library uses for
        // hash codes and thin locks. An object's base size ends with room for the header of
        // the object after it, so only the first object needs these 8 bytes set aside.
        s_next = s_start + 8;
        s_limit = range.End.Value;
    }

    /// <summary>Returns <paramref name="size"/> zeroed bytes aligned to 8, or null when the heap
    /// is exhausted (the caller decides whether that is fatal). Not safe against reentry from
    /// an interrupt handler: handlers must not allocate.</summary>
    public static void* Allocate(ulong size)
    {
        ulong aligned = (size + 7) & ~7UL;
        ulong result = s_next;
        if (aligned < size || aligned > s_limit - result)
        {
            return null;
        }

        s_next = result + aligned;
        s_allocations++;
        NativeMemory.Clear((void*)result, (nuint)aligned);
        return (void*)result;
    }
}

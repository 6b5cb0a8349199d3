using System.Runtime.InteropServices;
using System.Threading;
using NexOS.Core.Memory;

namespace NexOS.Runtime;

/// <summary>
/// The managed heap as the boot foundation has it: a bump allocator over the largest free
/// physical range, set up by the platform's start code before the first object exists.
/// Once the platform has heap pages, objects go to the collected heap (Gc/GcHeap); the boot
/// heap keeps serving native blocks (tables, stacks, malloc) and the objects made before,
/// grows in chunks, and never frees. Running out of it is a panic.
/// </summary>
internal static unsafe class BootHeap
{
    private static ulong s_start;
    private static ulong s_chunkStart;
    private static ulong s_next;
    private static ulong s_limit;
    private static ulong s_allocations;
    private static ulong s_chunkBytes;
    private static ulong s_abandonedBytes;

    // The compiler assumes allocation helpers leave static fields alone, so it may reuse a
    // value read before an allocation; volatile reads keep these figures current.
    public static ulong BytesUsed => s_chunkBytes - (Volatile.Read(ref s_limit) - Volatile.Read(ref s_next)) - s_abandonedBytes;

    /// <summary>Memory the heap has taken from the system, in all its chunks.</summary>
    public static ulong BytesReserved => s_chunkBytes;

    public static ulong Allocations => Volatile.Read(ref s_allocations);

    public static bool IsReady => s_limit != 0;

    /// <summary>The chunk allocations come from now: [start, limit).</summary>
    public static ulong CurrentChunkStart => Volatile.Read(ref s_chunkStart);

    public static ulong CurrentChunkLimit => Volatile.Read(ref s_limit);

    /// <summary>The next address the bump allocator hands out.</summary>
    public static ulong Next => Volatile.Read(ref s_next);

    /// <summary>Gives the heap its memory. Called once, before any managed allocation.</summary>
    public static void Initialize(PhysRange range)
    {
        s_start = (range.Start.Value + 15) & ~15UL;
        s_chunkStart = range.Start.Value;

        // Every object has a header word just before it, which the class library uses for
        // hash codes and thin locks. An object's base size ends with room for the header of
        // the object after it, so only the first object needs these 8 bytes set aside.
        s_next = s_start + 8;
        s_limit = range.End.Value;
        s_chunkBytes = s_limit - range.Start.Value;
    }

    /// <summary>Called when the current chunk cannot satisfy a request: returns a new chunk of
    /// at least the given size, or an empty range. Runs with interrupts off.</summary>
    public static delegate*<ulong, PhysRange> Grow { get; set; }

    /// <summary>Returns <paramref name="size"/> zeroed bytes aligned to 8, or null when no memory
    /// is left (the caller decides whether that is fatal). Safe under preemption: the bump is a
    /// compare-and-swap, and growing happens with interrupts off. Interrupt handlers must not
    /// allocate all the same (they could find the heap mid-growth).</summary>
    public static void* Allocate(ulong size)
    {
        ulong aligned = (size + 7) & ~7UL;
        if (aligned < size)
        {
            return null;
        }

        while (true)
        {
            ulong current = Volatile.Read(ref s_next);
            ulong limit = Volatile.Read(ref s_limit);
            if (current <= limit && aligned <= limit - current)
            {
                if (Interlocked.CompareExchange(ref s_next, current + aligned, current) != current)
                {
                    continue; // another thread allocated in between: try again
                }

                Interlocked.Increment(ref s_allocations);
                NativeMemory.Clear((void*)current, (nuint)aligned);
                return (void*)current;
            }

            if (!TryGrow(aligned, current))
            {
                return null;
            }
        }
    }

    /// <summary>Moves the bump pointer to a fresh chunk big enough for <paramref name="bytes"/>.
    /// The rest of the old chunk is abandoned (a few KiB at most, on average).</summary>
    private static bool TryGrow(ulong bytes, ulong observedNext)
    {
        ulong flags = RuntimePlatform.DisableInterrupts();
        bool ok = true;
        if (Volatile.Read(ref s_next) == observedNext)
        {
            // The 8 extra bytes are the first object's header word (see Initialize).
            PhysRange chunk = Grow == null ? default : Grow(bytes + 8);
            if (chunk.Length < bytes + 8)
            {
                ok = false;
            }
            else
            {
                ulong oldLimit = Volatile.Read(ref s_limit);
                ulong oldNext = Volatile.Read(ref s_next);
                s_abandonedBytes += oldLimit > oldNext ? oldLimit - oldNext : 0;
                s_chunkBytes += chunk.Length;
                s_chunkStart = chunk.Start.Value;
                Volatile.Write(ref s_limit, 0); // no fast-path winner between the two stores
                Volatile.Write(ref s_next, chunk.Start.Value + 8);
                Volatile.Write(ref s_limit, chunk.End.Value);
            }
        }

        RuntimePlatform.RestoreInterrupts(flags);
        return ok;
    }
}

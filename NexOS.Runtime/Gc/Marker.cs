using System.Runtime.CompilerServices;
using NexOS.Core.Heap;
using NexOS.Core.Memory;

namespace NexOS.Runtime.Gc;

/// <summary>
/// The mark phase: an explicit stack of objects still to trace (no recursion, so a long list
/// cannot overflow the kernel stack), precise tracing of heap objects from the GC descriptor
/// the compiler puts below each MethodTable, and the two ways a word becomes a reference:
/// exactly (a field or handle, which must name an object's start) or conservatively (a stack
/// word, which may point anywhere inside an object). When the mark stack fills, objects are
/// marked but not pushed, and <see cref="Drain"/> finds them again by walking the marked
/// cells. Runs with interrupts off and allocates nothing.
/// </summary>
internal static unsafe class Marker
{
    /// <summary>The mark stack is 2^6 frames: 32768 entries.</summary>
    private const int StackOrder = 6;

    private static ulong* s_stack;
    private static int s_capacity;
    private static int s_top;
    private static bool s_overflowed;
    private static ulong s_marked;
    private static ulong s_stray;
    private static ulong s_overflows;
    private static ulong s_heapRefs;

    /// <summary>Objects marked in the current (or last) collection.</summary>
    public static ulong MarkedObjects => s_marked;

    /// <summary>Exact references that named no object start: each is a bug somewhere (a torn
    /// copy at worst), counted so that `gc` can show it.</summary>
    public static ulong StrayReferences => s_stray;

    /// <summary>Times the mark stack filled since boot.</summary>
    public static ulong Overflows => s_overflows;

    /// <summary>Exact references into the collected heap met so far (a running count).</summary>
    public static ulong HeapReferencesSeen => s_heapRefs;

    /// <summary>The size of the object at <paramref name="obj"/> as its MethodTable gives it
    /// (base size plus elements, unaligned): what the GC descriptors are relative to.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong SizeOf(ulong obj)
    {
        var type = *(MethodTable**)obj;
        ulong size = type->BaseSize;
        if (type->HasComponentSize)
        {
            size += (ulong)*(uint*)(obj + 8) * type->ComponentSize;
        }

        return size;
    }

    public static void Initialize()
    {
        if (RuntimePlatform.TryAllocatePages(StackOrder, out ulong frames))
        {
            s_stack = (ulong*)frames;
            s_capacity = (int)((BuddyFrameAllocator.FrameSize << StackOrder) / sizeof(ulong));
        }
    }

    public static void Begin()
    {
        s_top = 0;
        s_overflowed = false;
        s_marked = 0;
    }

    /// <summary>Marks the object <paramref name="value"/> names exactly, if it is a heap
    /// object not yet marked. Null, frozen and immortal objects are ignored: they are never
    /// freed, and immortal ones are traced as roots.</summary>
    public static void MarkExact(ulong value)
    {
        if (!GcHeap.InBounds(value))
        {
            return;
        }

        HeapPage? page = GcHeap.FindPage(value);
        if (page != null)
        {
            s_heapRefs++;
            if (page.Mark(value))
            {
                Push(value);
            }
            else if (!page.IsAllocated(value))
            {
                s_stray++;
            }

            return;
        }

        if (GcHeap.LargeObjects.TryFindRun(value, out HeapRun run))
        {
            s_heapRefs++;
            if (value != GcHeap.LargeObjectAt(run.Start))
            {
                s_stray++;
            }
            else if (GcHeap.LargeObjects.Mark(run.Start))
            {
                Push(value);
            }
        }
    }


    /// <summary>Marks the object that <paramref name="value"/> points into, if any: the
    /// conservative rule for stack words and saved registers.</summary>
    public static void MarkConservative(ulong value)
    {
        if (!GcHeap.InBounds(value))
        {
            return;
        }

        HeapPage? page = GcHeap.FindPage(value);
        if (page != null)
        {
            if (page.TryFindObject(value, out ulong start) && page.Mark(start))
            {
                Push(start);
            }

            return;
        }

        if (GcHeap.LargeObjects.TryFindRun(value, out HeapRun run) && GcHeap.LargeObjects.Mark(run.Start))
        {
            Push(GcHeap.LargeObjectAt(run.Start));
        }
    }

    /// <summary>Scans the words of [<paramref name="from"/>, <paramref name="to"/>)
    /// conservatively; both ends are rounded inwards to 8 bytes.</summary>
    public static void ScanRange(ulong from, ulong to)
    {
        for (ulong p = (from + 7) & ~7UL; p + 8 <= to; p += 8)
        {
            MarkConservative(*(ulong*)p);
        }
    }

    /// <summary>True when <paramref name="value"/> is null, outside the collected heap, or a
    /// marked heap object: it survives this collection.</summary>
    public static bool IsLive(ulong value)
    {
        if (value == 0 || !GcHeap.InBounds(value))
        {
            return true;
        }

        HeapPage? page = GcHeap.FindPage(value);
        if (page != null)
        {
            return page.IsMarked(value) || !page.IsAllocated(value);
        }

        if (GcHeap.LargeObjects.TryFindRun(value, out HeapRun run))
        {
            return GcHeap.LargeObjects.IsMarked(run.Start);
        }

        return true;
    }

    /// <summary>Traces everything reachable from the objects pushed so far.</summary>
    public static void Drain()
    {
        while (true)
        {
            while (s_top > 0)
            {
                Trace(s_stack[--s_top]);
            }

            if (!s_overflowed)
            {
                return;
            }

            // Some marked objects were never pushed: trace every marked object again. Those
            // already traced only find marked children, so only the lost ones add work.
            s_overflowed = false;
            s_overflows++;
            RetraceMarked();
        }
    }

    /// <summary>Visits every reference field of the object at <paramref name="obj"/>.</summary>
    public static void Trace(ulong obj)
    {
        var type = *(MethodTable**)obj;
        if (type == null || !type->ContainsGCPointers)
        {
            return;
        }

        GcDescriptor.VisitReferences(type, obj, SizeOf(obj));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Push(ulong obj)
    {
        s_marked++;
        if (s_top < s_capacity)
        {
            s_stack[s_top++] = obj;
        }
        else
        {
            s_overflowed = true;
        }
    }

    private static void RetraceMarked()
    {
        HeapIndex pages = GcHeap.Pages;
        for (int i = 0; i < pages.Count; i++)
        {
            HeapPage page = pages.PageAt(i);
            for (int cell = page.NextMarked(0); cell >= 0; cell = page.NextMarked(cell + 1))
            {
                Trace(page.ObjectAddress(cell));
            }
        }

        // Large objects are few; their marks are checked run by run.
        LargeObjectSpace large = GcHeap.LargeObjects;
        for (ulong probe = 0; large.TryFindNextRun(probe, out HeapRun run); probe = run.Start + run.Length)
        {
            if (large.IsMarked(run.Start))
            {
                Trace(GcHeap.LargeObjectAt(run.Start));
            }
        }
    }
}

using NexOS.Core.Heap;
using NexOS.Core.Memory;
using System.Runtime.CompilerServices;

namespace NexOS.Runtime.Gc;

/// <summary>Pages, runs and their bookkeeping. Everything here runs with interrupts off.</summary>
internal static unsafe partial class GcHeap
{
    /// <summary>A heap page is 16 frames.</summary>
    private const int PageOrder = 4;

    /// <summary>A large object sits this far into its run: the first word is unused and the
    /// second is the object's header word.</summary>
    private const ulong LargeObjectOffset = 16;

    private const int MaxLargeObjects = 8192;

    private static HeapIndex s_index = null!;
    private static LargeObjectSpace s_large = null!;

    // Per size class: the page allocations come from (its own class's, or a larger class's
    // when the placement strategy borrows), and the pages that had free cells after the last
    // collection, from which the strategy picks (PartialPages, shared with the simulator).
    private static HeapPage?[] s_current = null!;
    private static PartialPages s_partial = null!;

    // The placement strategy, copied from GcTuning.Placement at each collection (a struct:
    // reading it needs no class constructor), and the slow paths taken since boot.
    private static PlacementSettings s_placement;
    private static ulong s_refills;

    // Empty pages kept for reuse (still in the index), and descriptors without a page.
    private static HeapPage? s_spare;
    private static int s_spareCount;
    private static HeapPage? s_unusedDescriptors;

    // Per size class: the run the fast path bumps through, and its stride (the cell size of
    // the page the run is in, larger than the class's own when borrowed); and the class
    // of every 8-byte-rounded size up to the largest class.
    private static ulong* s_cursor;
    private static ulong* s_limit;
    private static ulong* s_cellBytes;
    private static byte* s_classBySize;

    // Per size class: refills since the last collection, the run-size forecast's input.
    private static int* s_refillStreak;

    // Every page by the 64 KiB slot its base lies in, over the frame allocator's whole range:
    // the collector's O(1) address lookup. Raw descriptor addresses in native memory, so that
    // the map is not itself an object the collector would trace; descriptors are immortal.
    private static ulong* s_pageMap;
    private static ulong s_mapBase;
    private static ulong s_mapSlots;

    // Lowest and highest address any page or run has covered: a cheap first filter for the
    // collector's address lookups.
    private static ulong s_low;
    private static ulong s_high;

    public static HeapIndex Pages => s_index;

    public static LargeObjectSpace LargeObjects => s_large;

    /// <summary>True when <paramref name="address"/> may lie in a page or run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool InBounds(ulong address) => address >= s_low && address < s_high;

    private static void InitializePages()
    {
        // The fast path's tables live in native memory: no bounds checks, no statics base.
        s_cursor = (ulong*)BootHeap.Allocate(SizeClasses.Count * sizeof(ulong));
        s_limit = (ulong*)BootHeap.Allocate(SizeClasses.Count * sizeof(ulong));
        s_cellBytes = (ulong*)BootHeap.Allocate(SizeClasses.Count * sizeof(ulong));
        s_classBySize = (byte*)BootHeap.Allocate((SizeClasses.LargestSize / 8) + 1);
        s_refillStreak = (int*)BootHeap.Allocate(SizeClasses.Count * sizeof(int));
        if (s_cursor == null || s_limit == null || s_cellBytes == null || s_classBySize == null || s_refillStreak == null)
        {
            Panic.Halt("heap: no memory for the allocator's tables");
        }

        for (int c = 0; c < SizeClasses.Count; c++)
        {
            s_cellBytes[c] = SizeClasses.SizeOf(c);
        }

        for (ulong units = 0; units <= SizeClasses.LargestSize / 8; units++)
        {
            s_classBySize[units] = (byte)SizeClasses.ClassFor(units * 8);
        }

        RuntimePlatform.GetPageSpan(out ulong spanStart, out ulong spanEnd);
        s_mapBase = spanStart & ~(HeapPage.PageSize - 1);
        s_mapSlots = ((spanEnd - s_mapBase) / HeapPage.PageSize) + 1;
        s_pageMap = (ulong*)BootHeap.Allocate(s_mapSlots * sizeof(ulong));
        if (s_pageMap == null)
        {
            Panic.Halt("heap: no memory for the page map");
        }

        s_index = new HeapIndex(64);
        s_large = new LargeObjectSpace(MaxLargeObjects);
        s_current = new HeapPage?[SizeClasses.Count];
        s_partial = new PartialPages();
        s_placement = PlacementSettings.Default;
    }

    /// <summary>Takes a fresh run for the class and hands out its first cell; null when no
    /// page can be had.</summary>
    private static void* TakeFromNewRun(int sizeClass)
    {
        if (!Refill(sizeClass))
        {
            return null;
        }

        ulong cursor = s_cursor[sizeClass];
        s_cursor[sizeClass] = cursor + s_cellBytes[sizeClass];
        return (void*)cursor;
    }

    /// <summary>Slow paths (runs taken) since boot: the allocator's cost counter.</summary>
    public static ulong Refills => System.Threading.Volatile.Read(ref s_refills);

    /// <summary>The placement strategy in force (it changes at collections).</summary>
    public static PlacementSettings Placement => s_placement;

    /// <summary>Makes [cursor, limit) of the class a fresh run of zeroed free cells, with the
    /// stride of the page it lies in.</summary>
    private static bool Refill(int sizeClass)
    {
        HeapPage? page = s_current[sizeClass];
        ulong start;
        int count;
        s_refills++;
        // Runs of 4 KiB (or one cell) at first: zeroing memory the emulator's host touches for
        // the first time is slow, and this runs with interrupts off. A class that keeps
        // refilling before a collection gets longer runs, up to the "heap" set's cap.
        while (page == null || !page.TryTakeLongRun(s_placement.RunCells(page.CellSize, s_refillStreak[sizeClass]), out start, out count))
        {
            page = NextPage(sizeClass);
            if (page == null)
            {
                return false;
            }

            s_current[sizeClass] = page;
        }

        ulong bytes = (ulong)count * page.CellSize;
        s_allocatedSinceGc += bytes;
        s_totalAllocated += bytes;

        // Each cell is [header word, object...]: the run's bytes start one word before its
        // first object.
        System.Runtime.InteropServices.NativeMemory.Clear((void*)(start - 8), (nuint)bytes);
        s_cursor[sizeClass] = start;
        s_limit[sizeClass] = start + bytes;
        s_cellBytes[sizeClass] = page.CellSize;
        s_refillStreak[sizeClass]++;
        return true;
    }

    /// <summary>Forgets every class's run (a collection frees the cells not handed out).</summary>
    private static void ResetRuns()
    {
        for (int c = 0; c < SizeClasses.Count; c++)
        {
            s_cursor[c] = 0;
            s_limit[c] = 0;
            s_refillStreak[c] = 0;
        }
    }

    /// <summary>A page with a free cell for the class: one the placement strategy picks among
    /// those the last collection left partly used (today's default: the lowest-addressed of the
    /// class's own), a spare empty page, or a new one from the frame allocator; null when the
    /// frame allocator has nothing left.</summary>
    private static HeapPage? NextPage(int sizeClass)
    {
        HeapPage? page = s_partial.Take(sizeClass, s_placement);
        if (page != null)
        {
            return page;
        }

        page = s_spare;
        if (page != null)
        {
            s_spare = page.Next;
            s_spareCount--;
            page.Reinitialize(page.BaseAddress, sizeClass);
            return page;
        }

        if (!RuntimePlatform.TryAllocatePages(PageOrder, out ulong frames))
        {
            return null;
        }

        BeginMetadata();
        page = s_unusedDescriptors;
        if (page != null)
        {
            s_unusedDescriptors = page.Next;
            page.Reinitialize(frames, sizeClass);
        }
        else
        {
            page = new HeapPage(frames, sizeClass);
        }

        HeapStatus status = s_index.Add(page);
        EndMetadata();
        ulong slot = (frames - s_mapBase) / HeapPage.PageSize;
        if (status != HeapStatus.Ok || frames < s_mapBase || slot >= s_mapSlots)
        {
            Panic.Halt("heap: a new page overlaps a recorded one or lies outside the frame allocator");
        }

        HeapPage added = page;
        s_pageMap[slot] = Unsafe.As<HeapPage, ulong>(ref added);
        Widen(frames, frames + HeapPage.PageSize);
        return page;
    }

    private static void* TakeLarge(ulong aligned)
    {
        ulong bytes = aligned + LargeObjectOffset;
        int order = BuddyFrameAllocator.OrderForBytes(bytes);
        if (order < 0 || !RuntimePlatform.TryAllocatePages(order, out ulong frames))
        {
            return null;
        }

        ulong length = BuddyFrameAllocator.FrameSize << order;
        if (s_large.Add(frames, length) != HeapStatus.Ok)
        {
            RuntimePlatform.FreePages(frames, order);
            return null;
        }

        Widen(frames, frames + length);
        s_allocatedSinceGc += length;
        s_totalAllocated += length;
        System.Runtime.InteropServices.NativeMemory.Clear((void*)frames, (nuint)bytes);
        return (void*)(frames + LargeObjectOffset);
    }

    /// <summary>True when <paramref name="o"/> lives in a small-object page (for tests).</summary>
    public static bool IsInSmallObjectPage(object o) =>
        FindPage(Unsafe.As<object, ulong>(ref o)) is HeapPage page && page.TryFindObject(Unsafe.As<object, ulong>(ref o), out _);

    /// <summary>The page holding <paramref name="address"/>, or null. O(1): a page's base
    /// lies in the address's own 64 KiB slot or the one below. Interrupts are off.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static HeapPage? FindPage(ulong address)
    {
        ulong slot = (address - s_mapBase) / HeapPage.PageSize;
        if (address < s_mapBase || slot >= s_mapSlots)
        {
            return null;
        }

        HeapPage? page = PageAt(slot);
        if (page != null && page.Contains(address))
        {
            return page;
        }

        page = slot > 0 ? PageAt(slot - 1) : null;
        return page != null && page.Contains(address) ? page : null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static HeapPage? PageAt(ulong slot) => s_pageMap[slot] == 0 ? null : Unsafe.As<ulong, HeapPage>(ref s_pageMap[slot]);

    /// <summary>The object in the run starting at <paramref name="runStart"/>.</summary>
    public static ulong LargeObjectAt(ulong runStart) => runStart + LargeObjectOffset;

    private static void Widen(ulong start, ulong end)
    {
        s_low = s_high == 0 ? start : Math.Min(s_low, start);
        s_high = Math.Max(s_high, end);
    }
}

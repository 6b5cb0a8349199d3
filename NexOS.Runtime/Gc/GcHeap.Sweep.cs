using NexOS.Core.Heap;
using NexOS.Core.Memory;

namespace NexOS.Runtime.Gc;

/// <summary>The collector's last step: free what was not marked, give empty pages and dead
/// runs back, and count what is left. Interrupts are off.</summary>
internal static unsafe partial class GcHeap
{
    private static ulong s_liveBytes;
    private static ulong s_freeCellBytes;

    private static ulong s_smallLiveBytes;

    /// <summary>Bytes in live cells and runs after the last collection.</summary>
    public static ulong LiveBytes => System.Threading.Volatile.Read(ref s_liveBytes);

    /// <summary>Bytes in cells and runs now: what survived the last collection and what has
    /// been allocated since.</summary>
    public static ulong InUseBytes => LiveBytes + AllocatedSinceCollection;

    /// <summary>Memory the heap holds: its pages (spares included) and runs.</summary>
    public static ulong CommittedBytes => s_index == null ? 0 : ((ulong)s_index.Count * HeapPage.PageSize) + s_large.TotalBytes;

    /// <summary>Free cells in pages that also hold live objects, after the last collection:
    /// memory the heap holds but cannot return.</summary>
    public static ulong FreeCellBytes => System.Threading.Volatile.Read(ref s_freeCellBytes);

    /// <summary>Share of the small-object pages' cell bytes that is free: the heap's
    /// fragmentation, 0 to 1.</summary>
    public static double Fragmentation
    {
        get
        {
            ulong free = FreeCellBytes;
            ulong cells = System.Threading.Volatile.Read(ref s_smallLiveBytes) + free;
            return cells == 0 ? 0 : (double)free / cells;
        }
    }

    /// <summary>Sweeps every page and run; returns the bytes freed.</summary>
    public static ulong Sweep()
    {
        ulong before = s_liveBytes + s_allocatedSinceGc;
        ResetRuns();
        s_index.Sweep();
        for (int c = 0; c < SizeClasses.Count; c++)
        {
            s_current[c] = null;
        }

        s_partial.Clear();

        ulong live = 0;
        ulong freeCells = 0;
        int keepSpares = (int)GcTuning.SparePages.Value;

        // Backwards, because releasing a page removes it from the index.
        for (int i = s_index.Count - 1; i >= 0; i--)
        {
            HeapPage page = s_index.PageAt(i);
            if (page.IsEmpty)
            {
                if (IsSpare(page))
                {
                    continue;
                }

                if (s_spareCount < keepSpares)
                {
                    page.Next = s_spare;
                    s_spare = page;
                    s_spareCount++;
                }
                else
                {
                    ReleasePage(page);
                }

                continue;
            }

            live += (ulong)page.Count * page.CellSize;
            if (!page.IsFull)
            {
                freeCells += (ulong)page.FreeCells * page.CellSize;
                s_partial.Push(page);
            }
        }

        SweepLarge();
        s_smallLiveBytes = live;
        live += s_large.TotalBytes;
        s_liveBytes = live;
        s_freeCellBytes = freeCells;
        s_allocatedSinceGc = 0;
        if (s_recording || s_recordArmed)
        {
            RecordCollection();
        }

        ApplyTunables();
        return before > live ? before - live : 0;
    }

    private static bool IsSpare(HeapPage page)
    {
        for (HeapPage? p = s_spare; p != null; p = p.Next)
        {
            if (p == page)
            {
                return true;
            }
        }

        return false;
    }

    private static void ReleasePage(HeapPage page)
    {
        s_index.Remove(page);
        s_pageMap[(page.BaseAddress - s_mapBase) / HeapPage.PageSize] = 0;
        RuntimePlatform.FreePages(page.BaseAddress, PageOrder);
        page.Next = s_unusedDescriptors;
        s_unusedDescriptors = page;
    }

    private static void SweepLarge()
    {
        Span<HeapRun> freed = stackalloc HeapRun[32];
        bool complete;
        do
        {
            int n = s_large.Sweep(freed, out complete);
            for (int i = 0; i < n; i++)
            {
                int order = BuddyFrameAllocator.OrderForBytes(freed[i].Length);
                RuntimePlatform.FreePages(freed[i].Start, order);
            }
        }
        while (!complete);
    }
}

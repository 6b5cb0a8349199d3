using System.Threading;
using NexOS.Core.Heap;

namespace NexOS.Runtime.Gc;

/// <summary>
/// The garbage-collected heap. Small objects (up to <see cref="SizeClasses.LargestSize"/>)
/// take a cell in a 64 KiB page of their size class; large objects get a run of page frames
/// of their own. Pages and runs come from the frame allocator and go back to it when a
/// collection empties them. <see cref="Collector"/> frees what is no longer reachable.
/// <para>
/// Objects allocated before the heap is ready (static bases, the frame allocator's tables)
/// and the heap's own bookkeeping live in the boot heap and are never freed; those that hold
/// references are recorded as roots (<see cref="ImmortalObjects"/>).
/// </para>
/// <para>
/// Every operation runs with interrupts off: NexOS runs on one processor, so that alone
/// makes it atomic, and a thread preempted inside the allocator cannot leave a half-made
/// object for the collector to find.
/// </para>
/// </summary>
internal static unsafe partial class GcHeap
{
    private static bool s_ready;
    private static int s_metadataDepth;

    // Figures read by other threads: the compiler assumes allocation helpers leave statics
    // alone, so readers use Volatile to see current values.
    private static ulong s_allocatedSinceGc;
    private static ulong s_totalAllocated;
    private static ulong s_objects;
    private static ulong s_budget;
    private static ulong s_slowestNs;
    private static ulong s_slowestSize;
    private static ulong s_slowestNoGcNs;
    private static CollectionPacer s_pacer = null!;

    public static bool IsReady => s_ready;

    /// <summary>Bytes handed out since boot (cells and runs, as the heap accounts them).</summary>
    public static ulong TotalAllocatedBytes => Volatile.Read(ref s_totalAllocated);

    /// <summary>Objects allocated since boot.</summary>
    public static ulong TotalObjects => Volatile.Read(ref s_objects);

    public static ulong AllocatedSinceCollection => Volatile.Read(ref s_allocatedSinceGc);

    /// <summary>Takes the heap into use: from now on objects come from collected pages.
    /// Called once, after the frame allocator exists.</summary>
    public static void Initialize()
    {
        BeginMetadata();
        InitializePages();
        Marker.Initialize();
        BootCards.Initialize();
        s_pacer = new CollectionPacer();
        ApplyTunables();
        EndMetadata();
        Volatile.Write(ref s_ready, true);
    }

    /// <summary>
    /// Allocates a zeroed object of <paramref name="size"/> bytes (header word included, not
    /// yet rounded) with its MethodTable set and, for arrays and strings, its length. Collects
    /// when the allocation budget is spent, and again before giving up. Returns null when no
    /// memory is left (the caller throws OutOfMemoryException).
    /// </summary>
    public static void* Allocate(MethodTable* type, ulong size, int length)
    {
        ulong aligned = (size + 7) & ~7UL;
        if (aligned < size)
        {
            return null;
        }

        if (!Volatile.Read(ref s_ready) || s_metadataDepth != 0)
        {
            return ImmortalObjects.Allocate(type, aligned, length);
        }

        if (Collector.IsCollecting)
        {
            // The collector must not allocate: a new object would be swept at once.
            Panic.Halt("heap: allocation during a garbage collection");
        }

        // Only threads allocate (never interrupt handlers), so keeping this thread on the CPU
        // is enough to make the fast path atomic; the slow paths turn interrupts off.
        RuntimePlatform.DisablePreemption();
        void* obj = null;
        int sizeClass = aligned <= SizeClasses.LargestSize ? s_classBySize[aligned >> 3] : -1;
        if (sizeClass >= 0)
        {
            // The fast path: bump through the class's current run of free cells, zeroed
            // when the run was taken.
            ulong cursor = s_cursor[sizeClass];
            if (cursor < s_limit[sizeClass])
            {
                s_cursor[sizeClass] = cursor + s_cellBytes[sizeClass];
                obj = (void*)cursor;
            }
        }

        obj = obj != null ? obj : TakeSlow(sizeClass, aligned);

        if (obj != null)
        {
            *(MethodTable**)obj = type;
            if (length >= 0)
            {
                *(int*)((byte*)obj + 8) = length;
            }

            s_objects++;
            if (s_recording)
            {
                CountAllocation(sizeClass);
            }

            if (type->HasFinalizer)
            {
                Finalization.Register((ulong)obj);
            }
        }

        RuntimePlatform.EnablePreemption();
        return obj;
    }

    /// <summary>The longest allocation slow path (taking a run or a large object, collections
    /// included) since boot, in ns, and the request size it served: the allocator's worst
    /// interrupts-off stretch.</summary>
    public static ulong SlowestPathNs => Volatile.Read(ref s_slowestNs);

    public static ulong SlowestPathSize => Volatile.Read(ref s_slowestSize);

    /// <summary>The same, not counting the collections it ran.</summary>
    public static ulong SlowestPathWithoutGcNs => Volatile.Read(ref s_slowestNoGcNs);

    private static void NoteSlowPath(ulong start, ulong size)
    {
        ulong took = RuntimePlatform.NowNs() - start;
        if (took > s_slowestNs)
        {
            s_slowestNs = took;
            s_slowestSize = size;
        }

        // A collection that ran inside reports its own pause; what is left is the path itself.
        ulong gc = GcStatistics.PauseSince(start);
        if (took - Math.Min(gc, took) > s_slowestNoGcNs)
        {
            s_slowestNoGcNs = took - Math.Min(gc, took);
        }
    }

    /// <summary>Bytes of allocation after which the next collection is due, worked out after
    /// each collection from the tunables (so the allocator never touches their class, whose
    /// constructor would allocate).</summary>
    public static ulong Budget => Volatile.Read(ref s_budget);

    /// <summary>When a due collection may start, given the real-time threads' slack.</summary>
    public static CollectionPacer Pacer => s_pacer;

    /// <summary>Reads the tunables the allocator needs into its own fields. Interrupts off:
    /// at initialization and at the end of each collection.</summary>
    private static void ApplyTunables()
    {
        ulong minimum = (ulong)GcTuning.MinBudgetKib.Value * 1024;
        ulong relative = LiveBytes / 100 * (ulong)GcTuning.GrowthPercent.Value;
        s_budget = RuntimePlatform.GcBudget(Math.Max(minimum, relative), LiveBytes, CommittedBytes, TotalAllocatedBytes, GcTuning.MinBudgetKib.Value, GcTuning.GrowthPercent.Value);
        s_pacer.MarginNs = (ulong)GcTuning.RealTimeMarginUs.Value * 1000;
        s_placement = GcTuning.Placement.Read();
    }

    /// <summary>While the heap allocates its own bookkeeping (page descriptors, index arrays),
    /// objects come from the boot heap, so the heap never recurses into itself.</summary>
    private static void BeginMetadata() => s_metadataDepth++;

    private static void EndMetadata() => s_metadataDepth--;

    /// <summary>
    /// The slow path, with interrupts off: a new run for <paramref name="sizeClass"/> (its
    /// first cell handed out), or a large object when the class is -1. Collects first when
    /// the budget is spent and the pacer finds the real-time threads can spare the pause, and
    /// collects again before giving up; null when even that leaves no room.
    /// </summary>
    private static void* TakeSlow(int sizeClass, ulong aligned)
    {
        ulong flags = RuntimePlatform.DisableInterrupts();
        ulong start = RuntimePlatform.NowNs();
        if (s_allocatedSinceGc >= s_budget && s_pacer.ShouldStart(s_allocatedSinceGc, s_budget, RuntimePlatform.RealTimeSlackNs(start)))
        {
            Collector.CollectFromAllocator(CollectionReason.Budget);
        }

        void* obj = sizeClass >= 0 ? TakeFromNewRun(sizeClass) : TakeLarge(aligned);
        if (obj == null)
        {
            Collector.CollectFromAllocator(CollectionReason.NoMemory);
            obj = sizeClass >= 0 ? TakeFromNewRun(sizeClass) : TakeLarge(aligned);
        }

        NoteSlowPath(start, aligned);
        RuntimePlatform.RestoreInterrupts(flags);
        return obj;
    }
}

/// <summary>Why a collection ran.</summary>
internal enum CollectionReason
{
    /// <summary>Allocation since the last collection reached the budget.</summary>
    Budget,

    /// <summary>No page or run was left for an allocation.</summary>
    NoMemory,

    /// <summary>Asked for: GC.Collect, the `gc collect` command.</summary>
    Explicit,
}

using System.Threading;

namespace NexOS.Runtime.Gc;

/// <summary>What the collector has done: counts, pause times, and the last collection's
/// figures, for `gc`, the metrics registry and the class library's GC queries.</summary>
internal static class GcStatistics
{
    private static int s_collections;
    private static ulong s_totalPauseNs;
    private static ulong s_maxPauseNs;
    private static ulong s_lastPauseNs;
    private static ulong s_lastFreedBytes;
    private static ulong s_lastMarked;
    private static ulong s_totalFreedBytes;
    private static CollectionReason s_lastReason;

    public static int Collections => Volatile.Read(ref s_collections);

    public static ulong TotalPauseNs => Volatile.Read(ref s_totalPauseNs);

    public static ulong MaxPauseNs => Volatile.Read(ref s_maxPauseNs);

    public static ulong LastPauseNs => Volatile.Read(ref s_lastPauseNs);

    public static ulong LastFreedBytes => Volatile.Read(ref s_lastFreedBytes);

    public static ulong LastMarkedObjects => Volatile.Read(ref s_lastMarked);

    public static ulong TotalFreedBytes => Volatile.Read(ref s_totalFreedBytes);

    public static CollectionReason LastReason => s_lastReason;

    /// <summary>Collections that could not run where they were asked for (see
    /// <see cref="Collector.CollectFromAllocator"/>).</summary>
    public static ulong Skipped { get; set; }

    /// <summary>Threads whose saved stack pointer lay outside their stack: a bug, counted.</summary>
    public static ulong BadStacks { get; set; }

    private static ulong s_lastEndNs;

    /// <summary>Pause time of the collections that ended after <paramref name="startNs"/>
    /// (at most the last one: the allocator's slow path runs one or two).</summary>
    public static ulong PauseSince(ulong startNs) => s_lastEndNs > startNs ? s_lastPauseNs : 0;

    public static void Record(CollectionReason reason, ulong pauseNs, ulong freed, ulong marked)
    {
        s_lastEndNs = RuntimePlatform.NowNs();
        s_lastReason = reason;
        s_lastPauseNs = pauseNs;
        s_totalPauseNs += pauseNs;
        s_maxPauseNs = Math.Max(s_maxPauseNs, pauseNs);
        s_lastFreedBytes = freed;
        s_totalFreedBytes += freed;
        s_lastMarked = marked;
        Volatile.Write(ref s_collections, s_collections + 1);
        RuntimePlatform.OnCollection(pauseNs);
    }

    /// <summary>The last collection's pause split into scanning the roots, tracing from
    /// them, and clearing weak handles plus sweeping.</summary>
    public static ulong LastRootsNs { get; private set; }

    public static ulong LastMarkNs { get; private set; }

    public static ulong LastSweepNs { get; private set; }

    public static void RecordPhases(ulong roots, ulong mark, ulong sweep)
    {
        LastRootsNs = roots;
        LastMarkNs = mark;
        LastSweepNs = sweep;
    }

    public static string Describe(CollectionReason reason) => reason switch
    {
        CollectionReason.Budget => "budget",
        CollectionReason.NoMemory => "no memory",
        CollectionReason.Explicit => "explicit",
        _ => "unknown",
    };
}

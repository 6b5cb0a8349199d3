using NexOS.Core.Policy;

namespace NexOS.Runtime.Gc;

/// <summary>
/// The collector's tunables: named, typed and range-checked, so the evolution engine can
/// change them like any other policy parameter. Kept apart from <see cref="GcHeap"/> so that
/// the allocator's own statics need no class constructor (which would itself allocate).
/// </summary>
internal static class GcTuning
{
    public static ParameterSet Parameters { get; } = new();

    /// <summary>Collect after this much allocation even when little is live.</summary>
    public static Parameter MinBudgetKib { get; } = Parameters.Add(new Parameter(
        "gc.min_budget_kib", "KiB", 256, 1 << 20, 4096, "allocation between collections when little is live"));

    /// <summary>Collect when allocation since the last collection reaches this share of what
    /// survived it.</summary>
    public static Parameter GrowthPercent { get; } = Parameters.Add(new Parameter(
        "gc.growth_percent", "percent", 10, 1000, 100, "allocation between collections, relative to the live heap"));

    /// <summary>Empty pages kept for reuse after a collection instead of going back to the
    /// frame allocator.</summary>
    public static Parameter SparePages { get; } = Parameters.Add(new Parameter(
        "gc.spare_pages", "pages", 0, 256, 8, "empty 64 KiB pages kept after a collection"));

    /// <summary>The placement strategy ("heap" in the patch manager): where a size class takes
    /// its next run. The allocator copies it at each collection.</summary>
    public static NexOS.Core.Heap.PlacementParameters Placement { get; } = new();

    /// <summary>A due collection waits until every real-time thread has this much slack
    /// beyond the expected pause (see <see cref="NexOS.Core.Heap.CollectionPacer"/>): room for
    /// the jitter the machine adds on top of the pause.</summary>
    public static Parameter RealTimeMarginUs { get; } = Parameters.Add(new Parameter(
        "gc.rt_margin_us", "us", 0, 100_000, 4000, "real-time slack a collection leaves beyond its expected pause"));
}

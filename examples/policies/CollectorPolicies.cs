using NexOS.Policy;

namespace NexOS.Examples.Policies;

/// <summary>Collector policies: how much may be allocated before the next collection.</summary>
public static class CollectorPolicies
{
    /// <summary>Collects more often while the heap is small and less often as live data grows:
    /// half the live bytes, never below the collector's own floor or above 64 MiB.</summary>
    public static long Budget(in GcBudgetContext ctx)
    {
        long floor = ctx.MinBudgetKib * 1024;
        return Helpers.Clamp(ctx.LiveBytes / 2, floor, Helpers.Max(floor, 64L << 20));
    }
}

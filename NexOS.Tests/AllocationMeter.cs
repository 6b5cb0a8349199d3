using System.Runtime;

namespace NexOS.Tests;

/// <summary>
/// Counts the bytes the current thread allocates while it runs code that must not allocate.
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> alone is not enough: while a background
/// collection is under way, this thread's count can jump by the unused rest of its allocation
/// context (up to about 8 KiB) although the code allocated nothing, and a test's own large
/// arrays (a fake memory of 256 KiB, say) are what start such collections. So the count is
/// taken inside a no-GC region, which first finishes any collection in progress and then lets
/// none start until it ends; what is measured stays exactly the allocations of the code.
/// Not for tests that run in parallel with each other: the region belongs to the process.
/// </summary>
internal static class AllocationMeter
{
    // Far more than the test host's other threads allocate while a measurement runs, so the
    // region ends early only when the measured code itself allocates about this much, and
    // then the count it returns fails the test anyway.
    private const long Budget = 16L << 20;

    /// <summary>
    /// Runs <paramref name="action"/> with no collection allowed to start and returns the bytes
    /// the current thread allocated meanwhile. Warm the code up first (first calls, lazily
    /// built statics); a lambda's closure is allocated where the lambda is written, before the
    /// count starts.
    /// </summary>
    public static long Measure(Action action)
    {
        if (!GC.TryStartNoGCRegion(Budget))
        {
            throw new InvalidOperationException("could not start a no-GC region for the allocation count");
        }

        try
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            action();
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        finally
        {
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            {
                GC.EndNoGCRegion();
            }
        }
    }
}

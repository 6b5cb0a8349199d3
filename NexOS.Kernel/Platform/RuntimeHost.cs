namespace NexOS.Runtime;

// What the runtime layer's kernel platform (RuntimePlatform.Kernel.cs) needs from the layers
// above it: pages for the collected heap (memory), the threads to scan and the current one's
// stack (threads), and the allocation budget a patch may change (hooks). Each layer passes
// its implementation in once at boot; the runtime layer never names them. Until then the
// platform answers as a kernel without that layer would (no pages, the boot stack only, the
// tunables' budget). Contract for implementations: no exception; callable with interrupts off
// and during a collection, so no allocation either.

/// <summary>Pages for the collected heap, from the frame allocator through the identity map.</summary>
internal interface IRuntimePages
{
    bool TryAllocatePages(int order, out ulong address);

    void FreePages(ulong address, int order);

    /// <summary>The physical range every page handed out lies in.</summary>
    void GetPageSpan(out ulong start, out ulong end);
}

/// <summary>The kernel's threads, as the collector and the class library see them.</summary>
internal interface IRuntimeThreads
{
    bool IsOnOwnStack(ulong sp);

    /// <summary>Marks from every thread's stack and thread statics; the current thread's
    /// stack from <paramref name="sp"/> up.</summary>
    void ScanThreads(ulong sp);

    ulong CurrentThreadId();

    void GetCurrentStackBounds(out ulong low, out ulong high);

    /// <summary>Lets another thread run; false when there is none to switch to.</summary>
    bool Yield();

    /// <summary>How long the collector may pause before a real-time thread misses its start.</summary>
    ulong RealTimeSlackNs(ulong now);
}

/// <summary>The patchable allocation budget until the next collection.</summary>
internal interface IGcBudgetHook
{
    ulong GcBudget(ulong proposed, ulong live, ulong committed, ulong total, long minimumKib, long growthPercent);
}

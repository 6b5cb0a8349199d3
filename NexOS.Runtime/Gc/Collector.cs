namespace NexOS.Runtime.Gc;

/// <summary>
/// A stop-the-world, non-moving mark-sweep collection. With interrupts off nothing else runs
/// (NexOS uses one processor), so every other thread is stopped at a point where all its
/// registers are saved on its own stack. Roots: the immortal objects (static bases among
/// them), strong handles, each thread's thread-static block, and each thread's stack from its
/// saved stack pointer up, scanned conservatively; the collecting thread's callee-saved
/// registers are pushed by nexos_collect_with_registers first. Heap objects are traced
/// precisely. Then dependent handles reach their fixpoint, dead weak handles are cleared,
/// dead finalizable objects are dealt with, and the heap is swept.
/// </summary>
internal static unsafe class Collector
{
    private const ulong TlsRootOffset = 24;
    private const int CheckInterval = 32;

    private static bool s_collecting;
    private static CollectionReason s_reason;

    public static bool IsCollecting
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        get => s_collecting;
    }

    /// <summary>Runs a collection now, unless one cannot run on this stack (see
    /// <see cref="CollectFromAllocator"/>). Any thread, interrupts on or off.</summary>
    public static void Collect(CollectionReason reason)
    {
        ulong flags = RuntimePlatform.DisableInterrupts();
        CollectFromAllocator(reason);
        RuntimePlatform.RestoreInterrupts(flags);
    }

    /// <summary>
    /// Runs a collection with interrupts already off. Skipped (the heap simply grows) when a
    /// collection is already running, or when the caller is not on its thread's own stack
    /// (a fault handler on an interrupt stack), because then this thread's references could
    /// not all be found.
    /// </summary>
    public static void CollectFromAllocator(CollectionReason reason)
    {
        ulong probe = 0;
        ulong sp = (ulong)&probe;
        if (s_collecting || !GcHeap.IsReady || !RuntimePlatform.IsOnOwnStack(sp))
        {
            GcStatistics.Skipped++;
            return;
        }

        s_collecting = true;
        s_reason = reason;
        RuntimeNative.CollectWithRegisters();
        s_collecting = false;
    }

    /// <summary>Called by nexos_collect_with_registers with the stack pointer below the
    /// registers it pushed.</summary>
    [System.Runtime.RuntimeExport("NexOSCollect")]
    private static void Run(ulong sp)
    {
        ulong start = RuntimePlatform.NowNs();
        Marker.Begin();
        ImmortalObjects.TraceRoots();
        Handles.MarkStrongTargets();
        RuntimePlatform.ScanThreads(sp);
        ulong rooted = RuntimePlatform.NowNs();
        DrainWithDependents();

        // Explicit collections and every 32nd one also check the write barriers' cards.
        if (s_reason == CollectionReason.Explicit || (GcStatistics.Collections & (CheckInterval - 1)) == 0)
        {
            ImmortalObjects.TraceSkippedForCheck();
            DrainWithDependents();
        }

        ulong marked = RuntimePlatform.NowNs();
        Handles.ClearDead();
        Finalization.ScanDead();
        ulong freed = GcHeap.Sweep();
        ulong end = RuntimePlatform.NowNs();
        GcStatistics.Record(s_reason, end - start, freed, Marker.MarkedObjects);
        GcStatistics.RecordPhases(rooted - start, marked - rooted, end - marked);
        GcHeap.Pacer.RecordPause(end - start);
    }

    private static void DrainWithDependents()
    {
        Marker.Drain();
        while (Handles.MarkDependentSecondaries())
        {
            Marker.Drain();
        }
    }

    /// <summary>A thread's [ThreadStatic] fields all live in one heap object, which the
    /// compiled code reaches through the word just below the thread pointer.</summary>
    public static void ScanThreadStatics(ulong threadPointer)
    {
        if (threadPointer > TlsRootOffset)
        {
            Marker.MarkExact(*(ulong*)(threadPointer - TlsRootOffset));
        }
    }
}

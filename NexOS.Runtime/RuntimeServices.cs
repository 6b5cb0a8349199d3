using System.Runtime;

namespace NexOS.Runtime;

/// <summary>
/// Runtime queries the class library makes about threads, the GC and the process, answered
/// for a single-CPU kernel whose heap does not collect yet.
/// </summary>
internal static unsafe class RuntimeServices
{
    private static readonly byte[] s_version = "NexOS runtime layer"u8.ToArray();

    [RuntimeExport("RhCurrentOSThreadId")]
    private static ulong CurrentOSThreadId() => RuntimePlatform.CurrentThreadId();

    [RuntimeExport("RhGetProcessCpuCount")]
    private static int GetProcessCpuCount() => 1;

    /// <summary>The running thread's stack (the boot stack before the scheduler starts).</summary>
    [RuntimeExport("RhGetCurrentThreadStackBounds")]
    private static void GetCurrentThreadStackBounds(nint* low, nint* high)
    {
        RuntimePlatform.GetCurrentStackBounds(out ulong bottom, out ulong top);
        *low = (nint)bottom;
        *high = (nint)top;
    }

    [RuntimeExport("RhSpinWait")]
    private static void SpinWait(int iterations)
    {
        for (int i = 0; i < iterations; i++)
        {
            RuntimePlatform.Pause();
        }
    }

    [RuntimeExport("RhYield")]
    private static int Yield()
    {
        return RuntimePlatform.Yield() ? 1 : 0;
    }

    [RuntimeExport("RhGetRuntimeVersion")]
    private static byte* GetRuntimeVersion(int* length)
    {
        *length = s_version.Length;
        fixed (byte* p = s_version)
        {
            return p; // the array never moves: the heap does not compact
        }
    }

    [RuntimeExport("RhGetKnobValues")]
    private static uint GetKnobValues(byte*** keys, byte*** values)
    {
        *keys = null;
        *values = null;
        return 0;
    }

    [RuntimeExport("RhSetThreadExitCallback")]
    private static void SetThreadExitCallback(void* callback)
    {
    }

    [RuntimeExport("RhpSetThreadDoNotTriggerGC")]
    private static void SetThreadDoNotTriggerGC()
    {
    }

    [RuntimeExport("RhCreateCrashDumpIfEnabled")]
    private static void CreateCrashDumpIfEnabled(nint exceptionRecord)
    {
    }

    [RuntimeExport("RhGetCrashInfoBuffer")]
    private static byte* GetCrashInfoBuffer(int* maxSize)
    {
        *maxSize = 0;
        return null;
    }

    [RuntimeExport("RhpFallbackFailFast")]
    private static void FallbackFailFast() => Panic.Halt("fail-fast requested by the class library");

    // Garbage collector queries and requests (the collector is in Runtime/Gc).
    [RuntimeExport("RhGetGcCollectionCount")]
    private static int GetGcCollectionCount(int generation, bool special) => Gc.GcStatistics.Collections;

    [RuntimeExport("RhGetMaxGcGeneration")]
    private static int GetMaxGcGeneration() => 0;

    [RuntimeExport("RhpGetGcTotalMemory")]
    private static long GetGcTotalMemory() => (long)Math.Max(1, Gc.GcHeap.InUseBytes);

    [RuntimeExport("RhGetMemoryInfo")]
    private static void GetMemoryInfo(byte* info, int kind)
    {
    }

    [RuntimeExport("RhpCollect")]
    private static void Collect(int generation, int mode, int lowMemory) => Gc.Collector.Collect(Gc.CollectionReason.Explicit);

    [RuntimeExport("RhpStartNoGCRegion")]
    private static int StartNoGCRegion(long totalSize, int hasLohSize, long lohSize, int disallowFullBlockingGC) => 0;

    [RuntimeExport("RhpEndNoGCRegion")]
    private static int EndNoGCRegion() => 0;

    [RuntimeExport("RhSuppressFinalize")]
    private static void SuppressFinalize(void* obj)
    {
        if ((*(MethodTable**)obj)->HasFinalizer)
        {
            Gc.Finalization.Suppress((ulong)obj);
        }
    }

    [RuntimeExport("RhReRegisterForFinalize")]
    private static bool ReRegisterForFinalize(void* obj)
    {
        Gc.Finalization.ReRegister((ulong)obj);
        return true;
    }

    // FIXME: no finalizer thread runs ProcessFinalizers yet (see Gc/Finalization.cs).
    [RuntimeExport("RhpGetNextFinalizableObject")]
    private static void* GetNextFinalizableObject() => null;

    [RuntimeExport("RhpWaitForFinalizerRequest")]
    private static uint WaitForFinalizerRequest() => 0;

    [RuntimeExport("RhpSignalFinalizationComplete")]
    private static void SignalFinalizationComplete(uint count, int observedFullGcCount)
    {
    }

    // The collector finds each thread's thread-static block below its thread pointer, where
    // this root always lives (Gc/Collector.cs), so there is nothing to record.
    [RuntimeExport("RhRegisterInlinedThreadStaticRoot")]
    private static void RegisterInlinedThreadStaticRoot(void** root, nint module)
    {
    }

    [RuntimeExport("RhBulkMoveWithWriteBarrier")]
    private static void BulkMoveWithWriteBarrier(byte* destination, byte* source, nuint size)
    {
        // A copy may be preempted and a collection run in between. The collector only trusts
        // a field that names an allocated object's start, so a half-copied reference is
        // ignored, and the object it named is still reachable from the source. The cards are
        // marked after the copy, as the single-slot barriers do (runtime.asm).
        Buffer.MemoryCopy(source, destination, size, size);
        Gc.BootCards.MarkWritten((ulong)destination, size);
    }

    [RuntimeExport("RhpGcSafeZeroMemory")]
    private static byte* GcSafeZeroMemory(byte* destination, nuint size)
    {
        System.Runtime.InteropServices.NativeMemory.Clear(destination, size);
        return destination;
    }
}

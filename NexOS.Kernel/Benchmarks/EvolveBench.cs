using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Threading;
using NexOS.Security.Cil;
using NexOS.Security.Patching;
using NexOS.Security.Patches;

namespace NexOS.Kernel.Benchmarks;

/// <summary>
/// `evolve bench`: verifier throughput, the cost of a hook call through the interpreter
/// against the compiled default and against the same policy compiled from C#, and the time
/// from a fault inside a patch to the restored previous version. Runs on private hook
/// objects, so the live hooks are not disturbed. Prints one JSON line.
/// </summary>
internal static class EvolveBench
{
    private const int Verifications = 200;
    private const int Calls = 20_000;
    private const int Faults = 200;
    private const int ShadowRuns = 5;

    public static string Run()
    {
        PolicyHook hook = HookCatalog.CreateTimeSlice();
        PatchReader.TryParse(SamplePatchCatalog.Build("slice-short", 1), out Patch? patch, out _);
        CilBody body = patch!.Cil!;
        CompiledHook? code = null;
        ulong start = Tsc.NowNs;
        for (int i = 0; i < Verifications; i++)
        {
            code = PatchManager.VerifyBody(hook, body, false, 1024, out _);
        }

        ulong verifyNs = Tsc.NowNs - start;
        Span<long> c = stackalloc long[HookCatalog.TimeSliceFields];
        c.Clear();
        c[0] = 4_000_000;
        c[9] = 3;
        ulong defaultNs = Time(hook, c);
        ulong csharpNs = TimeCSharp(c);
        hook.Swap(new InstalledPatch(code!, 1, 1000, null, null, 10_000, 0));
        ulong patchedNs = Time(hook, c);
        long fuel = 0;
        ulong flags = InterruptState.Disable();
        start = Tsc.NowNs;
        for (int i = 0; i < Calls; i++)
        {
            fuel = 1000;
            CilInterpreter.Run(code!, c, ReadOnlySpan<long>.Empty, ref fuel, out _);
        }

        ulong interpNs = Tsc.NowNs - start;
        InterruptState.Restore(flags);
        (ulong restoreSum, ulong restoreMax, ulong callSum) = MeasureFaults();
        (ulong shadowNs, ulong shadowBytes, ulong shadowSwitches) = MeasureShadow();
        (ulong replayNs, ulong replayFixedNs, int replayObjects, ulong replayFirstNs) = MeasureReplay();
        return $"{{\"verifier_bodies_per_s\":{(ulong)Verifications * 1_000_000_000UL / Math.Max(1, verifyNs)},\"body_instructions\":{code!.InstructionCount},"
            + $"\"interpreter_ns_per_call\":{interpNs / Calls},\"interpreter_ns_per_instruction\":{interpNs / Calls / (ulong)Math.Max(1, 1000 - fuel)},"
            + $"\"hook_patched_ns_per_call\":{patchedNs / Calls},\"hook_default_ns_per_call\":{defaultNs / Calls},\"compiled_csharp_ns_per_call\":{csharpNs / Calls},"
            + $"\"fault_to_restore_ns_mean\":{restoreSum / Faults},\"fault_to_restore_ns_max\":{restoreMax},\"faulting_call_ns_mean\":{callSum / Faults},"
            + $"\"shadow_run_us\":{shadowNs / ShadowRuns / 1000},\"shadow_run_bytes\":{shadowBytes / ShadowRuns},\"shadow_run_switches\":{shadowSwitches},"
            + $"\"shadow_ns_per_switch\":{shadowNs / ShadowRuns / Math.Max(1, shadowSwitches)},"
            + $"\"replay_us\":{replayNs / 1000},\"replay_objects\":{replayObjects},\"replay_ns_per_object\":{(replayNs - Math.Min(replayNs, replayFixedNs)) / (ulong)Math.Max(1, replayObjects)},\"replay_fixed_us\":{replayFixedNs / 1000},\"replay_first_us\":{replayFirstNs / 1000}}}\n";
    }

    private static ulong Time(PolicyHook hook, Span<long> c)
    {
        ulong flags = InterruptState.Disable();
        ulong start = Tsc.NowNs;
        for (int i = 0; i < Calls; i++)
        {
            c[8] = i;
            hook.Invoke(c);
        }

        ulong ns = Tsc.NowNs - start;
        InterruptState.Restore(flags);
        return ns;
    }

    // The slice-short policy written in C#: what a compiled patch would cost.
    private static ulong TimeCSharp(Span<long> c)
    {
        ulong flags = InterruptState.Disable();
        ulong start = Tsc.NowNs;
        long sum = 0;
        for (int i = 0; i < Calls; i++)
        {
            c[8] = i;
            sum += SliceShort(c);
        }

        ulong ns = Tsc.NowNs - start;
        InterruptState.Restore(flags);
        return sum == long.MinValue ? 0 : ns;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static long SliceShort(ReadOnlySpan<long> c) => Math.Max(c[0] * 3 / 4, 1000);

    /// <summary>Installs div-zero on a private priority hook and calls it until the watchdog
    /// has removed it <see cref="Faults"/> times.</summary>
    private static (ulong RestoreSum, ulong RestoreMax, ulong CallSum) MeasureFaults()
    {
        PolicyHook hook = HookCatalog.CreatePriority();
        hook.Clock = static () => Tsc.NowNs;
        PatchReader.TryParse(SamplePatchCatalog.Build("div-zero", 1), out Patch? patch, out _);
        CompiledHook code = PatchManager.VerifyBody(hook, patch!.Cil!, false, 1024, out _)!;
        Span<long> c = stackalloc long[HookCatalog.PriorityFields];
        c.Clear();
        c[0] = 16;
        c[1] = 16;
        ulong sum = 0, max = 0, callSum = 0;
        for (int i = 0; i < Faults; i++)
        {
            hook.Swap(new InstalledPatch(code, 1, 200, null, null, 10_000, 0));
            ulong flags = InterruptState.Disable();
            ulong start = Tsc.NowNs;
            hook.Invoke(c);
            callSum += Tsc.NowNs - start;
            InterruptState.Restore(flags);
            ulong ns = hook.LastFault.FaultToRestoreNs;
            sum += ns;
            max = Math.Max(max, ns);
        }

        return (sum, max, callSum);
    }

    /// <summary>The cost of one shadow run (the scheduler models' unit of search work): CPU
    /// time and bytes allocated per run of the scheduler demo's mix under plain defaults.</summary>
    // The memory model's unit of work: one replay of the demo's trace thinned as the model
    // thins it, with a fresh simulator as each search makes; and a one-object replay for the
    // fixed part. CPU time of this thread, the mean of five after a first one, which is timed
    // apart (under emulation the first run of any code also pays for translating it).
    private static (ulong Ns, ulong FixedNs, int Objects, ulong FirstNs) MeasureReplay()
    {
        NexOS.Core.Heap.AllocationTrace full = new NexOS.Core.Heap.FragmentingPattern().Trace;
        int every = NexOS.Core.Heap.TraceThinning.Factor(full, NexOS.Ai.Models.MemoryModel.DefaultSampleObjects, NexOS.Ai.Models.MemoryModel.DefaultSamplePages);
        NexOS.Core.Heap.AllocationTrace thin = NexOS.Core.Heap.TraceThinning.Thin(full, every) ?? full;
        var one = new NexOS.Core.Heap.AllocationTrace();
        one.Alloc(64, 1);
        one.Collect();
        thin.Validate();
        ulong start = Scheduler.CurrentCpuNs();
        new NexOS.Core.Heap.AllocatorSimulator().Run(thin, NexOS.Core.Heap.PlacementSettings.Default);
        ulong first = Scheduler.CurrentCpuNs() - start;
        start = Scheduler.CurrentCpuNs();
        for (int i = 0; i < ShadowRuns; i++)
        {
            new NexOS.Core.Heap.AllocatorSimulator().Run(thin, NexOS.Core.Heap.PlacementSettings.Default);
        }

        ulong ns = (Scheduler.CurrentCpuNs() - start) / ShadowRuns;
        start = Scheduler.CurrentCpuNs();
        for (int i = 0; i < ShadowRuns; i++)
        {
            new NexOS.Core.Heap.AllocatorSimulator().Run(one, NexOS.Core.Heap.PlacementSettings.Default);
        }

        return (ns, (Scheduler.CurrentCpuNs() - start) / ShadowRuns, thin.Objects, first);
    }

    private static (ulong Ns, ulong Bytes, ulong Switches) MeasureShadow()
    {
        var workload = new NexOS.Ai.Models.SchedulerWorkload { IoThreads = 6, IoBurstNs = 200_000, IoBlockNs = 100_000_000, CpuThreads = 6 };
        var shadow = new NexOS.Ai.Models.SchedulerShadow();
        ulong bytes = Runtime.Gc.GcHeap.TotalAllocatedBytes;
        ulong start = Scheduler.CurrentCpuNs();
        ulong switches = 0;
        for (int i = 0; i < ShadowRuns; i++)
        {
            switches = shadow.Run(workload, null, ReadOnlySpan<ParameterChange>.Empty, null, null).Switches;
        }

        return (Scheduler.CurrentCpuNs() - start, Runtime.Gc.GcHeap.TotalAllocatedBytes - bytes, switches);
    }
}

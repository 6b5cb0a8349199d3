using NexOS.Security.Cil;
using NexOS.Security.Evaluation;
using NexOS.Security.Policy;

namespace NexOS.Security.Patching;

/// <summary>
/// The kernel's patchable hooks: signatures, defaults, budgets, result ranges, safety
/// classes and canary metrics. Portable so that the host tests run exactly these hooks.
/// Every default returns the compiled policy's own answer, which the call site passes in as
/// context field 0; a patch computes a replacement from the same context.
/// </summary>
public static class HookCatalog
{
    /// <summary>Name of the time-slice hook.</summary>
    public const string TimeSliceName = "sched.time_slice";

    /// <summary>Name of the priority-adjustment hook.</summary>
    public const string PriorityName = "sched.priority_adjust";

    /// <summary>Name of the collector-budget hook.</summary>
    public const string GcBudgetName = "gc.budget";

    /// <summary>Context fields of <see cref="TimeSliceName"/>.</summary>
    public const int TimeSliceFields = 10;

    /// <summary>Context fields of <see cref="PriorityName"/>.</summary>
    public const int PriorityFields = 6;

    /// <summary>Context fields of <see cref="GcBudgetName"/>.</summary>
    public const int GcBudgetFields = 6;

    /// <summary>
    /// "sched.time_slice" (Tuning, 1000 instructions, int64 ns in [1 us, 1 s]): fields
    /// policy_slice_ns, priority, base_priority, interactivity, cpu_ns, wait_ns, blocked_ns,
    /// last_latency_ns, switches, runnable. Metric: the wait the slice imposes on the other
    /// runnable threads, slice x runnable in microseconds (lower is better).
    /// </summary>
    public static PolicyHook CreateTimeSlice() => new(
        new HookSignature(TimeSliceName, CilType.Int64, Array.Empty<CilType>(), new[]
        {
            I64("policy_slice_ns"), I32("priority"), I32("base_priority"), I32("interactivity"), I64("cpu_ns"),
            I64("wait_ns"), I64("blocked_ns"), I64("last_latency_ns"), I64("switches"), I32("runnable"),
        }),
        SafetyClass.Tuning,
        fuelBudget: 1000,
        minResult: 1_000,
        maxResult: 1_000_000_000,
        static c => c[0],
        static (c, slice) => slice / 1000.0 * c[9],
        "sched.imposed_wait_us",
        MetricDirection.LowerIsBetter);

    /// <summary>
    /// "sched.priority_adjust" (Policy, 200 instructions, int32 in [0, 31]): fields
    /// priority (after the policy's own adjustment), base_priority, reason (0 slice expired,
    /// 1 blocked, 2 yielded, 3 preempted, 4 exited), ran_ns, interactivity, cpu_ns. Metric:
    /// levels below the base priority (lower is better: decay starves).
    /// </summary>
    public static PolicyHook CreatePriority() => new(
        new HookSignature(PriorityName, CilType.Int32, Array.Empty<CilType>(), new[]
        {
            I32("priority"), I32("base_priority"), I32("reason"), I64("ran_ns"), I32("interactivity"), I64("cpu_ns"),
        }),
        SafetyClass.Policy,
        fuelBudget: 200,
        minResult: 0,
        maxResult: 31,
        static c => c[0],
        static (c, priority) => c[1] > priority ? c[1] - priority : 0,
        "sched.decay_levels",
        MetricDirection.LowerIsBetter);

    /// <summary>
    /// "gc.budget" (Tuning, 200 instructions, int64 bytes in [64 KiB, 4 GiB]): fields
    /// default_budget, live_bytes, committed_bytes, total_allocated, min_budget_kib,
    /// growth_percent. Metric: the heap's expected peak, live plus budget, in KiB (lower is better).
    /// </summary>
    public static PolicyHook CreateGcBudget() => new(
        new HookSignature(GcBudgetName, CilType.Int64, Array.Empty<CilType>(), new[]
        {
            I64("default_budget"), I64("live_bytes"), I64("committed_bytes"), I64("total_allocated"), I64("min_budget_kib"), I64("growth_percent"),
        }),
        SafetyClass.Tuning,
        fuelBudget: 200,
        minResult: 64 * 1024,
        maxResult: 4L << 30,
        static c => c[0],
        static (c, budget) => (c[1] + budget) / 1024.0,
        "gc.peak_kib",
        MetricDirection.LowerIsBetter);

    /// <summary>Every hook, newly created, in the order the kernel registers them.</summary>
    public static PolicyHook[] CreateAll() => new[] { CreateTimeSlice(), CreatePriority(), CreateGcBudget() };

    /// <summary>Registers a new instance of every hook in <paramref name="registry"/>, in the
    /// kernel's order. The kernel and the host patch tool's preview (<see cref="PatchPreview"/>)
    /// both register their hooks here, so the two judge patches against the same targets.</summary>
    public static void RegisterAll(HookRegistry registry)
    {
        foreach (PolicyHook hook in CreateAll())
        {
            registry.AddHook(hook);
        }
    }

    /// <summary>A new instance of the hook named <paramref name="name"/>, or null when there is
    /// none: what the host patch tool translates and verifies a policy against.</summary>
    public static PolicyHook? Create(string name)
    {
        foreach (PolicyHook hook in CreateAll())
        {
            if (hook.Name == name)
            {
                return hook;
            }
        }

        return null;
    }

    private static ContextField I64(string name) => new(name, CilType.Int64);

    private static ContextField I32(string name) => new(name, CilType.Int32);
}

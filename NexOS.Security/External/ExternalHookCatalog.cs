using NexOS.Security.Cil;

namespace NexOS.Security.External;

/// <summary>
/// The hooks an external (person-written) patch may target, with the signatures the kernel
/// verifies them against. Provisional: the patch manager's hook registry will own these
/// signatures; until then this table is the single source that the kernel's inbox, the host
/// patch tool and the user-facing SDK (tools/NexOS.PatchSdk, whose context structs mirror these
/// fields and which a host test keeps in step) all agree on.
/// Field names are snake_case; the SDK spells them in PascalCase (base_priority: BasePriority).
/// </summary>
public static class ExternalHookCatalog
{
    /// <summary>Scheduler: how long a thread may run before the timer preempts it (ns).</summary>
    public static readonly HookSignature SchedTimeSlice = new(
        "sched.time_slice",
        CilType.Int64,
        new CilType[0],
        new[]
        {
            new ContextField("thread_id", CilType.Int32),
            new ContextField("base_priority", CilType.Int32),
            new ContextField("priority", CilType.Int32),
            new ContextField("slice_ns", CilType.Int64),
            new ContextField("last_ran_ns", CilType.Int64),
            new ContextField("runnable_threads", CilType.Int32),
            new ContextField("interactive", CilType.Bool),
        });

    /// <summary>Scheduler: the effective priority of a thread that just stopped running.</summary>
    public static readonly HookSignature SchedPriority = new(
        "sched.priority",
        CilType.Int32,
        new CilType[0],
        new[]
        {
            new ContextField("base_priority", CilType.Int32),
            new ContextField("priority", CilType.Int32),
            new ContextField("ran_ns", CilType.Int64),
            new ContextField("slice_ns", CilType.Int64),
            new ContextField("blocked", CilType.Bool),
        });

    private static readonly HookSignature[] s_all = { SchedTimeSlice, SchedPriority };

    /// <summary>Every hook in the catalog.</summary>
    public static IReadOnlyList<HookSignature> All => s_all;

    /// <summary>The hook with this name, or null.</summary>
    public static HookSignature? Find(string name)
    {
        foreach (HookSignature hook in s_all)
        {
            if (hook.Name == name)
            {
                return hook;
            }
        }

        return null;
    }
}

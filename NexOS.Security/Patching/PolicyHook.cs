using System.Threading;
using NexOS.Security.Cil;
using NexOS.Security.Evaluation;
using NexOS.Security.Policy;

namespace NexOS.Security.Patching;

/// <summary>The compiled default of a hook: the policy's own answer for a context.</summary>
public delegate long HookFunction(ReadOnlySpan<long> context);

/// <summary>The target metric of one decision, for the canary comparison.</summary>
public delegate double HookMetric(ReadOnlySpan<long> context, long result);

/// <summary>
/// A patchable policy point. It has a declared signature (a read-only context of int64 and
/// int32 fields, no explicit arguments), a compiled default, a fuel budget, a result range
/// that every answer must lie in, and a safety class. <see cref="Invoke"/> runs the default
/// unless a verified patch is installed; then the patch runs in <see cref="CilInterpreter"/>
/// with fuel, on its canary share of calls while on trial, and both versions are judged on
/// every call of the trial (the unserved one answers too, for the comparison only).
/// Contract of <see cref="Invoke"/>: never allocates, never throws, always returns a value in
/// [<see cref="MinResult"/>, <see cref="MaxResult"/>] (the default's answer is clamped too), and
/// is called with interrupts off: the kernel has one CPU, so that alone serialises calls with
/// each other and with the manager's swaps.
/// </summary>
public sealed class PolicyHook
{
    /// <summary>Watchdog removals remembered per hook until the manager logs them.</summary>
    public const int FaultHistory = 8;

    private readonly HookFault[] _faults = new HookFault[FaultHistory];
    private InstalledPatch? _active;
    private int _shareAccumulator;

    /// <summary>Creates a hook. The delegates are kernel code and must not allocate or throw.</summary>
    public PolicyHook(HookSignature signature, SafetyClass safetyClass, int fuelBudget, long minResult, long maxResult, HookFunction defaultFunction, HookMetric metric, string metricName, MetricDirection direction)
    {
        if (minResult > maxResult || signature.ArgumentCount != 0)
        {
            throw new ArgumentException($"hook {signature.Name}: bad result range or explicit arguments");
        }

        Signature = signature;
        SafetyClass = safetyClass;
        FuelBudget = Math.Max(1, fuelBudget);
        MinResult = minResult;
        MaxResult = maxResult;
        Default = defaultFunction;
        Metric = metric;
        MetricName = metricName;
        Direction = direction;
    }

    /// <summary>The hook's name, e.g. "sched.time_slice".</summary>
    public string Name => Signature.Name;

    /// <summary>Return type and context fields.</summary>
    public HookSignature Signature { get; }

    /// <summary>How harmful a wrong answer is; the security level decides who may patch it.</summary>
    public SafetyClass SafetyClass { get; }

    /// <summary>Instructions one call of a patch may execute at most (the policy may lower it).</summary>
    public int FuelBudget { get; }

    /// <summary>Smallest acceptable answer.</summary>
    public long MinResult { get; }

    /// <summary>Largest acceptable answer.</summary>
    public long MaxResult { get; }

    /// <summary>The compiled default.</summary>
    public HookFunction Default { get; }

    /// <summary>The canary's target metric of one decision.</summary>
    public HookMetric Metric { get; }

    /// <summary>The metric's name, for the audit trail.</summary>
    public string MetricName { get; }

    /// <summary>Whether higher or lower metric values are better.</summary>
    public MetricDirection Direction { get; }

    /// <summary>The installed patch, or null when the default serves.</summary>
    public InstalledPatch? Active => Volatile.Read(ref _active);

    /// <summary>Calls served by a patch (canary or promoted) since boot.</summary>
    public ulong PatchedCalls { get; private set; }

    /// <summary>Every call since boot.</summary>
    public ulong Calls { get; private set; }

    /// <summary>Watchdog removals since boot; the manager compares it with what it has logged.</summary>
    public int FaultCount { get; private set; }

    /// <summary>The last watchdog removal (default when none).</summary>
    public HookFault LastFault => FaultCount == 0 ? default : _faults[(FaultCount - 1) % FaultHistory];

    /// <summary>Removal number <paramref name="number"/> (1 for the first since boot); only the
    /// last <see cref="FaultHistory"/> are kept, older ones read as default.</summary>
    public HookFault FaultAt(int number)
        => number >= 1 && number <= FaultCount && FaultCount - number < FaultHistory ? _faults[(number - 1) % FaultHistory] : default;

    /// <summary>The clock for fault timing (nanoseconds); set by the registry.</summary>
    public Func<ulong>? Clock { get; set; }

    /// <summary>Swaps the installed patch with one reference write; returns what was there.</summary>
    public InstalledPatch? Swap(InstalledPatch? patch) => Interlocked.Exchange(ref _active, patch);

    /// <summary>Replaces <paramref name="expected"/> only if it is still installed (the
    /// watchdog may have removed it meanwhile); returns whether it did.</summary>
    public bool TryReplace(InstalledPatch? expected, InstalledPatch? patch)
        => Interlocked.CompareExchange(ref _active, patch, expected) == expected;

    /// <summary>The hook's answer for <paramref name="context"/> (one value per context field).</summary>
    public long Invoke(ReadOnlySpan<long> context)
    {
        Calls++;
        InstalledPatch? active = Volatile.Read(ref _active);
        if (active == null)
        {
            return RunDefault(context);
        }

        if (active.Evaluator == null)
        {
            return Run(active, active, context);
        }

        _shareAccumulator += active.CanaryShareBp;
        bool canaryArm = _shareAccumulator >= 10_000;
        if (canaryArm)
        {
            _shareAccumulator -= 10_000;
        }

        long result = Run(canaryArm ? active : active.Previous, active, context);
        if (Volatile.Read(ref _active) != active)
        {
            return result;
        }

        // Both arms are judged on this same decision: the arm that did not serve it answers
        // too, unserved (a pure function of the context, fuel-bounded like the served run),
        // so the comparison is of like with like. Judged on the decisions each arm happened
        // to serve, one unusual context in one arm (a burst of runnable threads) could make a
        // worse patch look better, or a better one worse.
        long shadow = Run(canaryArm ? active.Previous : active, active, context, served: false);
        if (Volatile.Read(ref _active) == active)
        {
            active.Evaluator.AddCanary(Metric(context, canaryArm ? result : shadow));
            active.Evaluator.AddBaseline(Metric(context, canaryArm ? shadow : result));
        }

        return result;
    }

    private long RunDefault(ReadOnlySpan<long> context)
    {
        long value = Default(context);
        return value < MinResult ? MinResult : value > MaxResult ? MaxResult : value;
    }

    /// <summary>Runs <paramref name="patch"/> (the default when null); on a fault removes it,
    /// restoring what ran before it, and answers with the restored version. An unserved run
    /// (the other arm of a canary's comparison) is not counted in <see cref="PatchedCalls"/>;
    /// a fault there removes the patch all the same, since serving would have met it.</summary>
    private long Run(InstalledPatch? patch, InstalledPatch observed, ReadOnlySpan<long> context, bool served = true)
    {
        while (patch != null)
        {
            PatchedCalls += served ? 1UL : 0;
            long fuel = patch.Fuel;
            CilExecStatus status = CilInterpreter.Run(patch.Code, context, ReadOnlySpan<long>.Empty, ref fuel, out long result);
            if (status == CilExecStatus.Ok && result >= MinResult && result <= MaxResult)
            {
                return result;
            }

            ulong faultNs = Clock?.Invoke() ?? 0;
            HookFaultKind kind = status == CilExecStatus.Ok ? HookFaultKind.Invariant : HookFaultKind.Execution;
            InstalledPatch? restored = patch.Previous;
            InstalledPatch? current = Volatile.Read(ref _active);
            if (current == observed || current == patch)
            {
                // The faulting patch and everything tried on top of it go; its predecessor serves.
                Volatile.Write(ref _active, restored);
            }

            ulong restoredNs = Clock?.Invoke() ?? 0;
            _faults[FaultCount % FaultHistory] = new HookFault(kind, status, patch.PatchId, result, patch.Fuel - fuel, faultNs, restoredNs, restored?.PatchId ?? 0);
            FaultCount++;
            patch = restored;
            observed = restored!;
        }

        return RunDefault(context);
    }
}

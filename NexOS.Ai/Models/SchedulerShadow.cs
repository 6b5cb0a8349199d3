using NexOS.Ai.Engine;
using NexOS.Core.Policy;
using NexOS.Core.Scheduling;
using NexOS.Security.Cil;
using NexOS.Security.Patching;
using NexOS.Security.Patches;

namespace NexOS.Ai.Models;

/// <summary>What one shadow run measured.</summary>
public readonly struct ShadowResult
{
    /// <summary>Mean time from an I/O-bound thread's wake-up to its running, ns.</summary>
    public double IoWaitNs { get; init; }

    /// <summary>Longest such wait, ns.</summary>
    public double IoMaxWaitNs { get; init; }

    /// <summary>CPU time the CPU-bound threads spent on their work (switch overhead excluded), ns.</summary>
    public double CpuWorkNs { get; init; }

    /// <summary>Context switches.</summary>
    public ulong Switches { get; init; }

    /// <summary>Improvement of the I/O wait over <paramref name="baseline"/>, percent (positive is better).</summary>
    public double GainOver(ShadowResult baseline) =>
        baseline.IoWaitNs > 0 ? (baseline.IoWaitNs - IoWaitNs) / baseline.IoWaitNs * 100 : 0;

    /// <summary>CPU-bound work lost against <paramref name="baseline"/>, percent (0 when none is lost).</summary>
    public double CostOver(ShadowResult baseline) =>
        baseline.CpuWorkNs > 0 && CpuWorkNs < baseline.CpuWorkNs ? (baseline.CpuWorkNs - CpuWorkNs) / baseline.CpuWorkNs * 100 : 0;
}

/// <summary>
/// Shadow evaluation of scheduler changes: replays a <see cref="SchedulerWorkload"/> in a
/// <see cref="SchedulerSimulator"/> under a fresh copy of the live normal-class policy, with
/// the live parameter values, optionally changed, and with hook bodies run exactly as the
/// kernel runs them (<see cref="SchedulerHookCalls"/>, <see cref="PolicyHook.Invoke"/>, the CIL
/// interpreter with the hook's fuel). Deterministic: equal inputs give equal results. Allocates
/// (a policy, hooks and threads per run); runs on the evolve thread, never on a hot path.
/// </summary>
public sealed class SchedulerShadow
{
    /// <summary>Simulated time per run: long enough for every I/O thread to wake many times.</summary>
    public const ulong DefaultDurationNs = 1_000_000_000;

    /// <summary>Switch cost charged per switch: a measured order of magnitude for NexOS under
    /// TCG emulation (interrupt entry, policy, register switch), so that the shadow sees what
    /// very short slices cost.</summary>
    public const ulong DefaultSwitchCostNs = 50_000;

    /// <summary>Simulated time per run.</summary>
    public ulong DurationNs { get; set; } = DefaultDurationNs;

    /// <summary>Simulated time per screening run by default: long enough for features that
    /// accumulate (a thread's CPU time, its interactivity score) to separate the threads;
    /// shorter screens rank programs on their start-up behaviour only.</summary>
    public const ulong DefaultScreenDurationNs = 250_000_000;

    /// <summary>Simulated time per screening run: a search first ranks many candidates on
    /// short runs and runs only the few best for <see cref="DurationNs"/>.</summary>
    public ulong ScreenDurationNs { get; set; } = DefaultScreenDurationNs;

    /// <summary>Simulated nanoseconds run so far: the engine's search work in one figure.</summary>
    public ulong SimulatedNs { get; private set; }

    /// <summary>Switch cost per switch.</summary>
    public ulong SwitchCostNs { get; set; } = DefaultSwitchCostNs;

    /// <summary>Runs so far (the engine's cost, for `models`).</summary>
    public int Runs { get; private set; }

    private SchedulerWorkload? _reading;
    private ulong _readingRound = ulong.MaxValue;
    private ulong _readingNs;
    private ShadowContext? _context;
    private ulong _contextKey;

    /// <summary>Least time between two readings that nobody needs fresh (the demos cycle ten
    /// times a second; the workload's statistics are the largest part of a quiet cycle).</summary>
    public ulong ReadingIntervalNs { get; set; } = 500_000_000;

    /// <summary>The workload (<see cref="SchedulerWorkload.Read"/> over
    /// <see cref="SchedulerShadowModel.Window"/> samples), read at most once per monitor round,
    /// whichever model asks first. <paramref name="fresh"/>: of the newest round (a search
    /// needs that); otherwise a reading up to <see cref="ReadingIntervalNs"/> old will do.</summary>
    public SchedulerWorkload? Reading(EngineSnapshot snapshot, bool fresh = true)
    {
        bool stale = _readingRound != snapshot.Monitor.Rounds;
        if (stale && (fresh || _readingRound == ulong.MaxValue || snapshot.NowNs - _readingNs >= ReadingIntervalNs))
        {
            _reading = SchedulerWorkload.Read(snapshot, SchedulerShadowModel.Window, SchedulerShadowModel.MinSamples);
            _readingRound = snapshot.Monitor.Rounds;
            _readingNs = snapshot.NowNs;
        }

        return _reading;
    }

    /// <summary>
    /// The context (baseline runs included) for <paramref name="workload"/> under the live state
    /// that <paramref name="stateKey"/> names: the last one again when both are the same, so that
    /// models sharing this shadow pay for the baselines of one state and mix once.
    /// </summary>
    public ShadowContext Context(SchedulerWorkload workload, PatchManager manager, ulong stateKey)
    {
        if (_context == null || stateKey != _contextKey || !_context.Workload.SameMix(workload))
        {
            _context = new ShadowContext(this, workload, manager);
            _contextKey = stateKey;
        }

        return _context;
    }

    /// <summary>
    /// One run of <paramref name="workload"/>: a policy like the live one (adaptive when
    /// <paramref name="live"/> has boost parameters, priority round robin otherwise) with its
    /// values, then <paramref name="changes"/>; the compiled hook bodies (null: the policy's
    /// answer) installed as promoted patches.
    /// </summary>
    public ShadowResult Run(SchedulerWorkload workload, ParameterSet? live, ReadOnlySpan<ParameterChange> changes, CompiledHook? slice, CompiledHook? priority)
        => Run(workload, live, changes, slice, priority, DurationNs);

    /// <summary>As <see cref="Run(SchedulerWorkload, ParameterSet?, ReadOnlySpan{ParameterChange}, CompiledHook?, CompiledHook?)"/>
    /// for <paramref name="durationNs"/> of simulated time.</summary>
    public ShadowResult Run(SchedulerWorkload workload, ParameterSet? live, ReadOnlySpan<ParameterChange> changes, CompiledHook? slice, CompiledHook? priority, ulong durationNs)
    {
        Runs++;
        SimulatedNs += durationNs;
        ISchedulerPolicy policy = CreatePolicy(live, changes);
        var simulator = new SchedulerSimulator(policy)
        {
            SwitchCostNs = SwitchCostNs,
            Hooks = new PolicyHookSchedulerHooks(Install(HookCatalog.CreateTimeSlice(), slice), Install(HookCatalog.CreatePriority(), priority)),
        };
        workload.AddTo(simulator);
        simulator.Run(durationNs);
        ulong waits = 0;
        ulong samples = 0;
        ulong max = 0;
        ulong work = 0;
        foreach (SimThread t in simulator.Threads)
        {
            if (t.Thread.Workload == WorkloadClass.Io)
            {
                waits += t.TotalWakeLatencyNs;
                samples += t.LatencySamples;
                max = Math.Max(max, t.MaxWakeLatencyNs);
            }
            else
            {
                work += t.UsefulCpuNs;
            }
        }

        return new ShadowResult
        {
            IoWaitNs = samples == 0 ? 0 : (double)waits / samples,
            IoMaxWaitNs = max,
            CpuWorkNs = work,
            Switches = simulator.ContextSwitches,
        };
    }

    /// <summary>A fresh policy of the live kind with the live values and <paramref name="changes"/>
    /// (values out of range are left at the live value, as the patch manager would refuse them).</summary>
    public static ISchedulerPolicy CreatePolicy(ParameterSet? live, ReadOnlySpan<ParameterChange> changes)
    {
        bool adaptive = live == null || live.Find("boost_levels") != null;
        ISchedulerPolicy policy = adaptive ? new AdaptivePolicy() : new PriorityRoundRobinPolicy();
        if (live != null)
        {
            foreach (Parameter p in live.All)
            {
                policy.Parameters.TrySet(p.Name, p.Value);
            }
        }

        foreach (ParameterChange change in changes)
        {
            policy.Parameters.TrySet(change.Name, change.Value);
        }

        return policy;
    }

    private static PolicyHook? Install(PolicyHook hook, CompiledHook? code)
    {
        if (code == null)
        {
            return null;
        }

        hook.Swap(new InstalledPatch(code, 1, hook.FuelBudget, null, null, 10_000, 0));
        return hook;
    }
}

namespace NexOS.Core.Scheduling;

/// <summary>
/// Runs an <see cref="ISchedulerPolicy"/> against synthetic threads on a simulated clock, one
/// CPU, no switch cost, and calls the policy exactly as the kernel's scheduler does, so it also
/// serves as the reference for that calling protocol:
/// <list type="number">
/// <item>a running thread stops: <c>OnStop</c> first, then <c>Add</c> (with no current thread)
/// if it is still runnable;</item>
/// <item>the CPU is free: <c>PickNext</c>, then <c>TimeSlice</c> for the chosen thread, and the
/// simulated timer is armed for the earlier of the slice end and, for an
/// <see cref="IReleaseSource"/>, <c>NextReleaseNs</c>;</item>
/// <item>a thread wakes: <c>Add</c> with the running thread; true preempts it (step 1 with
/// <see cref="StopReason.Preempted"/>);</item>
/// <item>the release time comes: <c>ReleaseDue</c>; true preempts likewise.</item>
/// </list>
/// With <see cref="Hooks"/> set, the patchable decisions are asked exactly where the kernel asks
/// them: after every <c>OnStop</c> (priority) and after every <c>TimeSlice</c> (with the number of
/// threads still queued). <see cref="SwitchCostNs"/> charges each switch to the incoming thread
/// as time that does no work, so slices that are too short show their throughput cost.
/// Everything is deterministic: equal inputs give equal results. It allocates freely; it is a
/// tool for tests and for the self-evolution engine, never part of a scheduling path.
/// </summary>
public sealed class SchedulerSimulator
{
    /// <summary>Upper bound on events per <see cref="Run"/> call, so that a policy that makes no
    /// progress (say, zero slices) ends the run with an exception instead of hanging it.</summary>
    private const long MaxEventsPerRun = 50_000_000;

    private readonly ISchedulerPolicy _policy;
    private readonly IReleaseSource? _releases;
    private readonly List<SimThread> _threads = new();
    private readonly Dictionary<SchedThread, SimThread> _byThread = new();
    private SimThread? _current;
    private SimThread? _lastRan;
    private ulong _sliceEndNs;
    private ulong _overheadLeftNs;

    public SchedulerSimulator(ISchedulerPolicy policy)
    {
        _policy = policy;
        _releases = policy as IReleaseSource;
    }

    /// <summary>The simulated clock.</summary>
    public ulong NowNs { get; private set; }

    /// <summary>Switches from one thread to a different one.</summary>
    public ulong ContextSwitches { get; private set; }

    /// <summary>The patchable decisions (null: the policy's answers stand).</summary>
    public ISchedulerHooks? Hooks { get; set; }

    /// <summary>CPU time each switch to a different thread costs before that thread does work (0 by default).</summary>
    public ulong SwitchCostNs { get; set; }

    /// <summary>Time no thread ran.</summary>
    public ulong IdleNs { get; private set; }

    /// <summary>The simulated threads, in the order they were added.</summary>
    public IReadOnlyList<SimThread> Threads => _threads;

    /// <summary>Adds a thread that first becomes runnable at <paramref name="startNs"/>. A
    /// real-time thread must already be admitted by the policy under test.</summary>
    public SimThread AddThread(SchedThread thread, SimBehavior behavior, ulong startNs = 0)
    {
        var sim = new SimThread(thread, behavior, Math.Max(startNs, NowNs));
        thread.State = ThreadState.Blocked;
        _threads.Add(sim);
        _byThread.Add(thread, sim);
        return sim;
    }

    /// <summary>Runs the simulation until the clock reads <paramref name="untilNs"/>.</summary>
    public void Run(ulong untilNs)
    {
        for (long events = 0; NowNs < untilNs; events++)
        {
            if (events == MaxEventsPerRun)
            {
                throw new InvalidOperationException($"policy {_policy.Name} made no progress at {NowNs} ns");
            }

            if (_current == null)
            {
                SchedThread? next = _policy.PickNext(NowNs);
                if (next != null)
                {
                    SwitchIn(_byThread[next]);
                }
            }

            ulong eventAt = NextEvent(untilNs);
            Advance(eventAt - NowNs);
            NowNs = eventAt;
            HandleEvents();
        }

        // A periodic job still unfinished when its deadline has passed is a miss already;
        // counting it now keeps a starved thread from hiding behind "not finished".
        foreach (SimThread sim in _threads)
        {
            sim.CountOverdueJob(NowNs);
        }
    }

    private ulong NextEvent(ulong untilNs)
    {
        ulong at = untilNs;
        if (_current != null)
        {
            at = Math.Min(at, _sliceEndNs);
            if (_current.RemainingNs != ulong.MaxValue)
            {
                at = Math.Min(at, NowNs + _overheadLeftNs + _current.RemainingNs);
            }
        }

        foreach (SimThread t in _threads)
        {
            at = Math.Min(at, t.WakeAtNs);
        }

        if (_releases != null)
        {
            at = Math.Min(at, _releases.NextReleaseNs);
        }

        return Math.Max(at, NowNs);
    }

    private void Advance(ulong elapsedNs)
    {
        if (_current == null)
        {
            IdleNs += elapsedNs;
            return;
        }

        _current.Thread.CpuTimeNs += elapsedNs;
        ulong overhead = Math.Min(elapsedNs, _overheadLeftNs);
        _overheadLeftNs -= overhead;
        _current.OverheadNs += overhead;
        ulong work = elapsedNs - overhead;
        if (_current.RemainingNs != ulong.MaxValue)
        {
            _current.RemainingNs -= Math.Min(work, _current.RemainingNs);
        }
    }

    /// <summary>Handles everything due now, in the kernel's order: the running thread's own
    /// event (work done before slice end: finishing on the last nanosecond of the slice counts as
    /// blocking, not as using the whole slice), then wake-ups in thread order, then releases.</summary>
    private void HandleEvents()
    {
        if (_current != null && _current.RemainingNs == 0)
        {
            SimThread done = _current;
            StopCurrent(StopReason.Blocked);
            done.FinishBurst(NowNs);
        }
        else if (_current != null && NowNs >= _sliceEndNs)
        {
            StopCurrent(StopReason.SliceExpired);
        }

        foreach (SimThread t in _threads)
        {
            if (t.WakeAtNs <= NowNs)
            {
                Wake(t);
            }
        }

        if (_releases != null && _releases.NextReleaseNs <= NowNs
            && _releases.ReleaseDue(NowNs, _current?.Thread) && _current != null)
        {
            StopCurrent(StopReason.Preempted);
        }
    }

    private void SwitchIn(SimThread sim)
    {
        SchedThread thread = sim.Thread;
        ulong waited = NowNs - thread.RunnableSinceNs;
        thread.RunnableWaitNs += waited;
        thread.LastRunLatencyNs = waited;
        if (sim.LatencyPending)
        {
            // A woken thread's own code starts after the switch into it.
            ulong latency = waited + (_lastRan != sim ? SwitchCostNs : 0);
            sim.LatencyPending = false;
            sim.LatencySamples++;
            sim.TotalWakeLatencyNs += latency;
            sim.MaxWakeLatencyNs = Math.Max(sim.MaxWakeLatencyNs, latency);
        }

        thread.State = ThreadState.Running;
        thread.RunningSinceNs = NowNs;
        if (_lastRan != sim)
        {
            thread.Switches++;
            ContextSwitches++;
            _overheadLeftNs = SwitchCostNs;
        }
        else
        {
            _overheadLeftNs = 0;
        }

        _lastRan = sim;
        _current = sim;
        ulong slice = _policy.TimeSlice(thread, NowNs);
        if (Hooks != null)
        {
            slice = Hooks.TimeSlice(thread, slice, _policy.RunnableCount);
        }

        slice = Math.Max(slice, 1);
        _sliceEndNs = slice > ulong.MaxValue - NowNs ? ulong.MaxValue : NowNs + slice;
    }

    /// <summary>The running thread stops for <paramref name="reason"/>: OnStop first (so that
    /// the policy's priority or budget is up to date), then Add if it is still runnable.</summary>
    private void StopCurrent(StopReason reason)
    {
        SimThread sim = _current!;
        SchedThread thread = sim.Thread;
        _current = null;
        ulong ran = NowNs - thread.RunningSinceNs;
        _policy.OnStop(thread, reason, ran, NowNs);
        Hooks?.AdjustPriority(thread, reason, ran);
        if (reason == StopReason.Blocked)
        {
            thread.State = ThreadState.Blocked;
            thread.BlockedSinceNs = NowNs;
            return;
        }

        thread.State = ThreadState.Runnable;
        thread.RunnableSinceNs = NowNs;
        _policy.Add(thread, null, NowNs);
    }

    private void Wake(SimThread sim)
    {
        SchedThread thread = sim.Thread;
        if (sim.Started)
        {
            thread.BlockedNs += NowNs - thread.BlockedSinceNs;
            sim.Wakeups++;
            sim.LatencyPending = true;
        }

        sim.BeginBurst();
        thread.State = ThreadState.Runnable;
        thread.RunnableSinceNs = NowNs;
        if (_policy.Add(thread, _current?.Thread, NowNs) && _current != null)
        {
            StopCurrent(StopReason.Preempted);
        }
    }
}

using System.Numerics;
using NexOS.Core.Policy;

namespace NexOS.Core.Scheduling;

/// <summary>
/// Priority round robin that adapts priorities to behaviour ("adaptive"). A thread that blocks
/// before its slice ends is treated as interactive and raised <c>boost_levels</c> levels, at most
/// <c>max_boost</c> above its base; a thread that uses its whole slice sinks one level per
/// expiry, at most <c>max_decay</c> below its base. Boosted threads get a shorter slice
/// (<c>interactive_slice_percent</c> of <c>slice_ns</c>) so that their preemptions cost the
/// CPU-bound threads little. The boost is kept implicitly as EffectivePriority - BasePriority,
/// so no per-thread state beyond <see cref="SchedThread"/> and the shared <see cref="SchedNode"/>
/// exists. Every call is O(1) and allocation-free after a thread's first <see cref="Add"/>.
/// </summary>
public sealed class AdaptivePolicy : ISchedulerPolicy
{
    /// <summary>Weight of the newest sample in <see cref="SchedThread.InteractivityScore"/>: 1/4.</summary>
    private const int ScoreWeightShift = 2;

    private readonly PriorityRunQueue _queue = new();
    private readonly Parameter _slice;
    private readonly Parameter _boostLevels;
    private readonly Parameter _maxBoost;
    private readonly Parameter _maxDecay;
    private readonly Parameter _interactiveSlicePercent;
    private readonly Parameter _starvationLimit;

    public AdaptivePolicy()
    {
        Parameters = new ParameterSet();
        _slice = Parameters.Add(PriorityRoundRobinPolicy.CreateSliceParameter());
        _boostLevels = Parameters.Add(new Parameter(
            "boost_levels", "levels", 0, 8, 2, "levels added each time a thread blocks before its slice ends"));
        _maxBoost = Parameters.Add(new Parameter(
            "max_boost", "levels", 0, 16, 4, "highest boost above the base priority"));
        _maxDecay = Parameters.Add(new Parameter(
            "max_decay", "levels", 0, 16, 4, "lowest decay below the base priority (one level per full slice)"));
        _interactiveSlicePercent = Parameters.Add(new Parameter(
            "interactive_slice_percent", "percent", 10, 100, 50, "slice of a boosted thread, as a percentage of slice_ns"));
        _starvationLimit = Parameters.Add(new Parameter(
            "starvation_ns", "ns", 1_000_000, 10_000_000_000, 250_000_000, "a thread waiting this long runs next, whatever its level"));
    }

    /// <summary>"adaptive".</summary>
    public string Name => "adaptive";

    /// <summary><c>slice_ns</c>, <c>boost_levels</c>, <c>max_boost</c>, <c>max_decay</c>,
    /// <c>interactive_slice_percent</c>.</summary>
    public ParameterSet Parameters { get; }

    /// <summary>Threads queued at any level.</summary>
    public int RunnableCount => _queue.Count;

    /// <summary>Bit n set exactly when level n holds a thread (diagnostics and tests).</summary>
    public uint LevelBitmap => _queue.Bitmap;

    /// <summary>True when this policy's queue holds <paramref name="thread"/>.</summary>
    public bool Holds(SchedThread thread) => _queue.Holds(thread);

    /// <summary>
    /// Queues <paramref name="thread"/> at the tail of its effective level (the head after a
    /// preemption), after clamping that level into the band the parameters allow now (they may
    /// have changed, or the thread may come from another policy). Returns true when it should preempt: the CPU is idle or its
    /// effective priority is strictly above the current thread's; a boosted interactive thread
    /// therefore preempts CPU-bound threads of the same base priority. A thread that any queue
    /// already holds is ignored and false is returned.
    /// </summary>
    public bool Add(SchedThread thread, SchedThread? current, ulong nowNs)
    {
        SchedNode? node = SchedNode.Find(thread);
        if (node != null && node.IsQueued)
        {
            return false;
        }

        thread.EffectivePriority = Bound(thread.EffectivePriority, thread);
        _queue.Enqueue(thread, thread.EffectivePriority);
        return current == null || thread.EffectivePriority > current.EffectivePriority;
    }

    /// <summary>Takes <paramref name="thread"/> off its level in O(1); false when not queued here.</summary>
    public bool Remove(SchedThread thread) => _queue.Remove(thread);

    /// <summary>
    /// Dequeues the first thread of the highest non-empty level, or returns null. Aging first:
    /// a lower-level thread that has waited <c>starvation_ns</c> moves to the tail of the
    /// highest level, so it gets a turn in that level's round robin. (Letting it jump the
    /// whole queue instead would let a crowd of starved threads starve the top level.)
    /// </summary>
    public SchedThread? PickNext(ulong nowNs)
    {
        SchedThread? starved = _queue.DequeueStarved(nowNs, (ulong)_starvationLimit.Value);
        if (starved != null)
        {
            int top = BitOperations.Log2(_queue.Bitmap | 1);
            starved.EffectivePriority = Math.Max(starved.EffectivePriority, top);
            _queue.Enqueue(starved, starved.EffectivePriority);
        }

        return _queue.DequeueHighest();
    }

    /// <summary><c>slice_ns</c> for a thread at or below its base priority; for a boosted thread
    /// <c>interactive_slice_percent</c> of it (at least 1 ns). A thread preempted in mid-slice
    /// gets only what it had left.</summary>
    public ulong TimeSlice(SchedThread thread, ulong nowNs)
    {
        ulong slice = (ulong)_slice.Value;
        if (thread.EffectivePriority > thread.BasePriority)
        {
            slice = slice * (ulong)_interactiveSlicePercent.Value / 100;
        }

        return PriorityRunQueue.SliceFor(thread, slice == 0 ? 1 : slice);
    }

    /// <summary>
    /// Adjusts the priority and the interactivity score: <see cref="StopReason.Blocked"/> raises
    /// EffectivePriority by <c>boost_levels</c> up to BasePriority + <c>max_boost</c> and pulls the
    /// score towards 100; <see cref="StopReason.SliceExpired"/> lowers it by one level down to
    /// BasePriority - <c>max_decay</c> and pulls the score towards 0. Both bounds are clamped to
    /// the priority range. Yielding and preemption say nothing about the thread's nature and
    /// leave priority and score alone; a preempted thread resumes at the head of its level with
    /// the rest of its slice, as in <see cref="PriorityRoundRobinPolicy"/>.
    /// </summary>
    public void OnStop(SchedThread thread, StopReason reason, ulong ranNs, ulong nowNs)
    {
        // The turn is recorded first, against the slice it was granted under the old priority.
        PriorityRunQueue.NoteStop(thread, reason, ranNs, TimeSlice(thread, nowNs));
        if (reason == StopReason.Blocked)
        {
            int raised = thread.EffectivePriority + (int)_boostLevels.Value;
            thread.EffectivePriority = Bound(raised, thread);
            thread.InteractivityScore = UpdateScore(thread.InteractivityScore, 100);
        }
        else if (reason == StopReason.SliceExpired)
        {
            thread.EffectivePriority = Bound(thread.EffectivePriority - 1, thread);
            thread.InteractivityScore = UpdateScore(thread.InteractivityScore, 0);
        }
    }

    /// <summary>
    /// One step of the exponential average score + (sample - score) / 4, rounded towards the
    /// sample so that a run of equal samples reaches exactly 0 or 100 instead of stalling one
    /// short of it through truncation. The result stays in 0..100 for inputs in 0..100.
    /// </summary>
    internal static int UpdateScore(int score, int sample)
    {
        score = Math.Clamp(score, 0, 100);
        int weight = 1 << ScoreWeightShift;
        int sum = (score * (weight - 1)) + sample;
        return sample > score ? (sum + weight - 1) / weight : sum / weight;
    }

    /// <summary>
    /// Clamps <paramref name="priority"/> into [base - max_decay, base + max_boost] intersected
    /// with the priority range. Written out rather than with Math.Clamp, which throws when its
    /// bounds cross; here they cannot cross because the base is clamped into range first, but an
    /// interrupts-off path should not even contain the throw.
    /// </summary>
    private int Bound(int priority, SchedThread thread)
    {
        int basePriority = thread.BasePriority;
        if (basePriority < SchedThread.MinPriority)
        {
            basePriority = SchedThread.MinPriority;
        }
        else if (basePriority > SchedThread.MaxPriority)
        {
            basePriority = SchedThread.MaxPriority;
        }

        int floor = Math.Max(basePriority - (int)_maxDecay.Value, SchedThread.MinPriority);
        int ceiling = Math.Min(basePriority + (int)_maxBoost.Value, SchedThread.MaxPriority);
        return priority < floor ? floor : priority > ceiling ? ceiling : priority;
    }
}

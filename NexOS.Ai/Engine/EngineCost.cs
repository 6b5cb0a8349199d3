namespace NexOS.Ai.Engine;

/// <summary>
/// What the engine itself costs: the CPU time and the memory allocated by everything it does
/// (cycles, dry runs from the shell or a demo, submissions), whichever thread it runs on, in
/// all and per model. Both are read through clocks the host supplies: the CPU time of the
/// calling thread (so that time the thread spends preempted is not counted, as a wall clock
/// would) and the bytes allocated so far. Without clocks nothing is measured and every figure
/// stays 0. Nested calls (a cycle analyses and submits) are counted once.
/// </summary>
public sealed class EngineCost
{
    private readonly List<string> _names = new();
    private readonly List<ulong> _modelNs = new();
    private readonly List<ulong> _modelBytes = new();
    private int _depth;
    private ulong _startNs;
    private ulong _startBytes;

    /// <summary>CPU time of the calling thread, ns (monotonic per thread); null: not measured.</summary>
    public Func<ulong>? CpuClock { get; set; }

    /// <summary>Bytes allocated so far by the whole system; null: not measured.</summary>
    public Func<ulong>? AllocationClock { get; set; }

    /// <summary>The CPU clock now (0 without one).</summary>
    public ulong CpuNowNs => CpuClock?.Invoke() ?? 0;

    /// <summary>CPU time spent in the engine, ns.</summary>
    public ulong BusyNs { get; private set; }

    /// <summary>Bytes the engine allocated (short-lived for the most part: proposals, shadow runs).</summary>
    public ulong AllocatedBytes { get; private set; }

    /// <summary>The most CPU time one outermost call took, ns (a search's worst case).</summary>
    public ulong LongestNs { get; private set; }

    /// <summary>The models measured, in order of first analysis.</summary>
    public IReadOnlyList<string> Models => _names;

    /// <summary>CPU time <paramref name="model"/>'s analyses took, ns (0 when never measured).</summary>
    public ulong ModelNs(string model)
    {
        int i = _names.IndexOf(model);
        return i < 0 ? 0 : _modelNs[i];
    }

    /// <summary>Bytes <paramref name="model"/>'s analyses allocated.</summary>
    public ulong ModelBytes(string model)
    {
        int i = _names.IndexOf(model);
        return i < 0 ? 0 : _modelBytes[i];
    }

    /// <summary>Starts counting an engine call (only the outermost of nested calls counts).</summary>
    internal void Enter()
    {
        if (_depth++ == 0)
        {
            _startNs = CpuClock?.Invoke() ?? 0;
            _startBytes = AllocationClock?.Invoke() ?? 0;
        }
    }

    /// <summary>Ends the call <see cref="Enter"/> started.</summary>
    internal void Leave()
    {
        if (--_depth != 0)
        {
            return;
        }

        ulong ns = Elapsed(CpuClock, _startNs);
        BusyNs += ns;
        LongestNs = Math.Max(LongestNs, ns);
        AllocatedBytes += Elapsed(AllocationClock, _startBytes);
    }

    /// <summary>Marks for <see cref="ModelDone"/>: the two clocks now.</summary>
    internal (ulong Ns, ulong Bytes) Mark() => (CpuClock?.Invoke() ?? 0, AllocationClock?.Invoke() ?? 0);

    /// <summary>Charges what happened since <paramref name="mark"/> to <paramref name="model"/>.</summary>
    internal void ModelDone(string model, (ulong Ns, ulong Bytes) mark)
    {
        int i = _names.IndexOf(model);
        if (i < 0)
        {
            _names.Add(model);
            _modelNs.Add(0);
            _modelBytes.Add(0);
            i = _names.Count - 1;
        }

        _modelNs[i] += Elapsed(CpuClock, mark.Ns);
        _modelBytes[i] += Elapsed(AllocationClock, mark.Bytes);
    }

    // A clock that went backwards (a host bug) counts as nothing rather than as 2^64 ns.
    private static ulong Elapsed(Func<ulong>? clock, ulong start)
    {
        ulong now = clock?.Invoke() ?? 0;
        return now >= start ? now - start : 0;
    }
}

namespace NexOS.Core.Heap;

/// <summary>
/// The memory demo's allocation pattern as a trace. Setup: fill <c>pages</c> pages of
/// <c>survivorSize</c>-byte objects, keep every <c>keepEvery</c>-th (long-lived survivors
/// scattered through every page, like a cache built up over time) and collect. Then rounds of
/// a working set in a smaller size class, as many objects as there are holes, each round
/// dropping the previous round's set and collecting. Under today's strategy the working set
/// cannot use the survivors' holes (another class) and takes fresh pages, so the holes stay
/// stranded: fragmentation over 50%.
/// </summary>
public sealed class FragmentingPattern
{
    private readonly List<int> _phaseEnds = new();
    private int _workFirst = -1;
    private int _workCount;

    /// <summary>Builds setup plus <paramref name="rounds"/> rounds.</summary>
    public FragmentingPattern(int rounds = 1, int pages = 128, int keepEvery = 16, int survivorSize = 64, int workSize = 48)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pages, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(keepEvery, 2);
        int cellsPerPage = (int)((HeapPage.PageSize - HeapPage.HeaderBytes) / SizeClasses.SizeOf(SizeClasses.ClassFor((ulong)survivorSize)));
        int survivors = pages * cellsPerPage;
        int first = Trace.Alloc(survivorSize, survivors);
        ArgumentOutOfRangeException.ThrowIfNegative(first, nameof(pages));
        for (int offset = 1; offset < keepEvery; offset++)
        {
            Trace.Free(first + offset, first + survivors, keepEvery);
        }

        Trace.Collect();
        _phaseEnds.Add(Trace.Ops.Count);
        Holes = survivors - ((survivors + keepEvery - 1) / keepEvery);
        for (int r = 0; r < rounds; r++)
        {
            AddRound(workSize);
        }
    }

    /// <summary>The trace.</summary>
    public AllocationTrace Trace { get; } = new();

    /// <summary>Cells the setup leaves free between survivors.</summary>
    public int Holes { get; }

    /// <summary>Op index after the setup (phase 0) and after each round (phase 1 on).</summary>
    public IReadOnlyList<int> PhaseEnds => _phaseEnds;

    private void AddRound(int workSize)
    {
        if (_workFirst >= 0)
        {
            Trace.Free(_workFirst, _workFirst + _workCount, 1);
            Trace.Collect();
        }

        _workFirst = Trace.Alloc(workSize, Holes);
        _workCount = Holes;
        Trace.Collect();
        _phaseEnds.Add(Trace.Ops.Count);
    }
}

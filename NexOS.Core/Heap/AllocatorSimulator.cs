namespace NexOS.Core.Heap;

/// <summary>What replaying a trace under one placement strategy gave.</summary>
public readonly record struct SimulationResult(
    PlacementSettings Settings,
    double Fragmentation,
    ulong LiveBytes,
    ulong StrandedBytes,
    int Pages,
    int PeakPages,
    ulong Allocations,
    ulong Refills,
    ulong Steps,
    ulong Borrowed,
    ulong InternalWasteBytes,
    string? Error)
{
    /// <summary>A refill (taking a run: a page choice, zeroing, interrupts off) costs about as
    /// much as this many fast-path allocations; the unit of <see cref="CostPerAllocation"/>.</summary>
    public const int RefillWeight = 16;

    /// <summary>Cache lines (64 bytes) the objects of each <c>alloc</c> step span, counted in
    /// allocation order (a line shared with the previous object of the step counts once): how
    /// scattered objects allocated together, and so likely used together, end up.</summary>
    public ulong LinesTouched { get; init; }

    /// <summary>The least lines those objects could span: each step's bytes packed, per line.</summary>
    public ulong LinesMinimum { get; init; }

    /// <summary>Lines touched per line needed (1: every step's objects packed); a strategy that
    /// fills scattered holes raises it, which costs cache misses when the objects are used.</summary>
    public double Scatter => LinesMinimum == 0 ? 1 : (double)LinesTouched / LinesMinimum;

    /// <summary>Allocation work per object in fast-path units: 1 for the bump, plus each
    /// refill's weight and each page the choice looked at, spread over the allocations.</summary>
    public double CostPerAllocation => Allocations == 0 ? 0 : (Allocations + (RefillWeight * (double)Refills) + Steps) / Allocations;
}

/// <summary>
/// The small-object heap's allocator, replayed on a trace: the kernel's own
/// <see cref="HeapPage"/>, <see cref="HeapIndex"/> and <see cref="PartialPages"/> at made-up
/// addresses, with the kernel heap's rules (runs of at most 4 KiB bumped through, the class's
/// current page until it is full, then a partial page by the strategy, then a spare, then a
/// fresh one; a collection frees the dead and the unused rest of each run, keeps up to
/// <see cref="SparePages"/> empty pages and gives the others back, and measures fragmentation
/// exactly as the kernel does). Deterministic. Runs on the host and in the kernel (shadow
/// evaluation). An instance keeps its handle table (4 bytes per traced object) and page
/// descriptors from one run to the next; one run at a time.
/// </summary>
public sealed partial class AllocatorSimulator
{
    /// <summary>Bytes of a class's first run after a collection, as in the kernel heap.</summary>
    public const ulong RunBytes = 4096;

    /// <summary>Most pages a replay may hold at once (2 GiB): a handle has 15 bits for the page.</summary>
    public const int MaxPages = 1 << 15;

    private const ulong BaseAddress = 0x10_0000_0000;

    // A traced object's handle: page slot (15 bits), size class (5 bits), cell (12 bits); 4
    // bytes per object is the simulator's main memory cost.
    private const int CellBits = 12;
    private const int ClassBits = 5;
    private const uint Dead = uint.MaxValue;

    // Kept between runs so that evaluating several strategies in a row (the memory model's
    // neighbours, a sweep) allocates the handle table and the page descriptors once.
    private readonly Stack<HeapPage> _pool = new();
    private uint[] _handles = Array.Empty<uint>();

    /// <summary>Empty pages a collection keeps (the kernel's gc.spare_pages default).</summary>
    public int SparePages { get; init; } = 8;

    /// <summary>Page descriptors kept for the next run.</summary>
    public int PooledPages => _pool.Count;

    /// <summary>Replays <paramref name="trace"/> under <paramref name="settings"/>. A trace that
    /// fails <see cref="AllocationTrace.Validate"/> gives a result with <c>Error</c> set.</summary>
    public SimulationResult Run(AllocationTrace trace, PlacementSettings settings)
    {
        string? invalid = trace.Validate();
        if (invalid != null)
        {
            return new SimulationResult(settings, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, invalid);
        }

        if (_handles.Length < trace.Objects)
        {
            _handles = new uint[trace.Objects];
        }

        var state = new State(_handles, _pool, settings, SparePages);
        SimulationResult result = Replay(trace, settings, state);
        state.ReturnPages();
        return result;
    }

    private static SimulationResult Replay(AllocationTrace trace, PlacementSettings settings, State state)
    {
        foreach (TraceOp op in trace.Ops)
        {
            switch (op.Kind)
            {
                case TraceOpKind.Alloc:
                    int sizeClass = SizeClasses.ClassFor((ulong)op.Size);
                    state.BeginStep(op.Size, op.Count);
                    state.Allocate(sizeClass, op.Count);

                    break;
                case TraceOpKind.Free:
                    state.Pending.Add(op);
                    break;
                default:
                    state.Collect();
                    break;
            }

            if (state.Overflow)
            {
                return new SimulationResult(settings, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, $"the trace needs more than {MaxPages} pages at once");
            }
        }

        return state.Result();
    }
}

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
public sealed class AllocatorSimulator
{
    /// <summary>Bytes of a run, as in the kernel heap.</summary>
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
                    for (int i = 0; i < op.Count; i++)
                    {
                        state.Allocate(sizeClass);
                    }

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

    private sealed class State
    {
        private readonly uint[] _handles;
        private readonly HeapIndex _index = new(64);
        private readonly PartialPages _partial = new();
        private readonly HeapPage?[] _current = new HeapPage?[SizeClasses.Count];
        private readonly ulong[] _cursor = new ulong[SizeClasses.Count];
        private readonly ulong[] _limit = new ulong[SizeClasses.Count];
        private readonly Stack<ulong> _releasedBases = new();
        private readonly Stack<HeapPage> _pool;
        private readonly PlacementSettings _settings;
        private readonly int _keepSpares;
        private HeapPage? _spare;
        private int _spareCount;
        private int _nextId;
        private ulong _nextBase = BaseAddress;
        private int _peak;
        private ulong _refills;
        private ulong _live;
        private ulong _stranded;
        private ulong _waste;

        public State(uint[] handles, Stack<HeapPage> pool, PlacementSettings settings, int keepSpares)
        {
            _handles = handles;
            _pool = pool;
            _settings = settings;
            _keepSpares = Math.Max(0, keepSpares);
        }

        /// <summary>Drops since the last collection: the objects die now, their cells are
        /// freed by the next collection, as in the collected heap.</summary>
        public List<TraceOp> Pending { get; } = new();

        public bool Overflow { get; private set; }

        public void Allocate(int sizeClass)
        {
            if (Overflow)
            {
                return;
            }

            if (_cursor[sizeClass] >= _limit[sizeClass])
            {
                Refill(sizeClass);
            }

            HeapPage? page = _current[sizeClass];
            if (page == null)
            {
                Overflow = true;
                return;
            }

            ulong address = _cursor[sizeClass];
            _cursor[sizeClass] = address + page.CellSize;
            ulong offset = address - page.BaseAddress - HeapPage.HeaderBytes;
            ulong slot = (page.BaseAddress - BaseAddress) / HeapPage.PageSize;
            _handles[_nextId] = (uint)(slot << (CellBits + ClassBits)) | ((uint)sizeClass << CellBits) | (uint)(offset / page.CellSize);
            _waste += page.CellSize - SizeClasses.SizeOf(sizeClass);
            _nextId++;
        }

        private void Refill(int sizeClass)
        {
            _refills++;
            HeapPage? page = _current[sizeClass];
            ulong start = 0;
            int count = 0;
            while (page == null || !page.TryTakeRun((int)Math.Max(1, RunBytes / page.CellSize), out start, out count))
            {
                page = _partial.Take(sizeClass, _settings) ?? Fresh(sizeClass);
                _current[sizeClass] = page;
                if (page == null)
                {
                    return;
                }
            }

            _cursor[sizeClass] = start;
            _limit[sizeClass] = start + ((ulong)count * page.CellSize);
        }

        private HeapPage? Fresh(int sizeClass)
        {
            HeapPage? page = _spare;
            if (page != null)
            {
                _spare = page.Next;
                _spareCount--;
                page.Reinitialize(page.BaseAddress, sizeClass);
                return page;
            }

            if (_releasedBases.Count == 0 && _nextBase >= BaseAddress + ((ulong)MaxPages * HeapPage.PageSize))
            {
                return null;
            }

            ulong pageBase = _releasedBases.Count > 0 ? _releasedBases.Pop() : NextBase();
            if (_pool.TryPop(out page))
            {
                page.Reinitialize(pageBase, sizeClass);
            }
            else
            {
                page = new HeapPage(pageBase, sizeClass);
            }

            _index.Add(page);
            _peak = Math.Max(_peak, _index.Count);
            return page;
        }

        private ulong NextBase()
        {
            ulong b = _nextBase;
            _nextBase += HeapPage.PageSize;
            return b;
        }

        public void Collect()
        {
            // The unused rest of every run goes back, as the kernel's sweep frees cells that
            // were taken but never handed out.
            for (int c = 0; c < SizeClasses.Count; c++)
            {
                HeapPage? page = _current[c];
                for (ulong a = _cursor[c]; page != null && a < _limit[c]; a += page.CellSize)
                {
                    page.Free(a);
                }

                _current[c] = null;
                _cursor[c] = 0;
                _limit[c] = 0;
            }

            foreach (TraceOp op in Pending)
            {
                for (int id = op.From; id < op.To; id += op.Step)
                {
                    FreeObject(id);
                }
            }

            Pending.Clear();
            _partial.Clear();
            _live = 0;
            _stranded = 0;
            for (int i = _index.Count - 1; i >= 0; i--)
            {
                HeapPage page = _index.PageAt(i);
                if (page.IsEmpty)
                {
                    if (!IsSpare(page))
                    {
                        Empty(page);
                    }

                    continue;
                }

                _live += (ulong)page.Count * page.CellSize;
                if (!page.IsFull)
                {
                    _stranded += (ulong)page.FreeCells * page.CellSize;
                    _partial.Push(page);
                }
            }
        }

        private void FreeObject(int id)
        {
            uint h = _handles[id];
            ulong pageBase = BaseAddress + ((ulong)(h >> (CellBits + ClassBits)) * HeapPage.PageSize);
            if (h != Dead && _index.TryFindPage(pageBase, out HeapPage? page))
            {
                page.Free(page.ObjectAddress((int)(h & ((1u << CellBits) - 1))));
                _waste -= page.CellSize - SizeClasses.SizeOf((int)((h >> CellBits) & ((1u << ClassBits) - 1)));
                _handles[id] = Dead;
            }
        }

        private void Empty(HeapPage page)
        {
            if (_spareCount < _keepSpares)
            {
                page.Next = _spare;
                _spare = page;
                _spareCount++;
                return;
            }

            _index.Remove(page);
            _releasedBases.Push(page.BaseAddress);
            _pool.Push(page);
        }

        /// <summary>Hands every page descriptor back to the simulator's pool.</summary>
        public void ReturnPages()
        {
            for (int i = 0; i < _index.Count; i++)
            {
                _pool.Push(_index.PageAt(i));
            }
        }

        private bool IsSpare(HeapPage page)
        {
            for (HeapPage? p = _spare; p != null; p = p.Next)
            {
                if (p == page)
                {
                    return true;
                }
            }

            return false;
        }

        public SimulationResult Result()
        {
            double fragmentation = _live + _stranded == 0 ? 0 : (double)_stranded / (_live + _stranded);
            return new SimulationResult(_settings, fragmentation, _live, _stranded, _index.Count, _peak, (ulong)_nextId,
                _refills, _partial.Steps, _partial.Borrowed, _waste, null);
        }
    }
}

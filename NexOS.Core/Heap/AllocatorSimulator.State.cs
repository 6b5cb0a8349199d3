namespace NexOS.Core.Heap;

/// <summary>One replay's heap: pages, runs, the placement lists and the counters.</summary>
public sealed partial class AllocatorSimulator
{
    private sealed class State
    {
        private readonly uint[] _handles;
        private readonly HeapIndex _index = new(64);
        private readonly PartialPages _partial = new();
        private readonly HeapPage?[] _current = new HeapPage?[SizeClasses.Count];
        private readonly ulong[] _cursor = new ulong[SizeClasses.Count];
        private readonly int[] _cell = new int[SizeClasses.Count];
        private readonly ulong[] _limit = new ulong[SizeClasses.Count];
        private readonly int[] _streak = new int[SizeClasses.Count];
        private readonly Stack<ulong> _releasedBases = new();
        private readonly Stack<HeapPage> _pool;
        private readonly PlacementSettings _settings;
        private readonly int _keepSpares;
        // Page by slot (the handle's page field): a free looks its page up here instead of
        // searching the index, and finds its cell without dividing.
        private HeapPage?[] _bySlot = new HeapPage?[64];
        private HeapPage? _spare;
        private int _spareCount;
        private int _nextId;
        private ulong _nextBase = BaseAddress;
        private int _peak;
        private ulong _refills;
        private ulong _live;
        private ulong _stranded;
        private ulong _waste;
        private ulong _stepSize;
        private ulong _lastLine;
        private ulong _lines;
        private ulong _minLines;

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

        /// <summary>An alloc step of <paramref name="count"/> objects of <paramref name="size"/>
        /// bytes begins: its lines are counted apart from the previous step's.</summary>
        public void BeginStep(int size, int count)
        {
            _stepSize = (ulong)size;
            _lastLine = ulong.MaxValue;
            _minLines += (((ulong)size * (ulong)count) + 63) / 64;
        }

        /// <summary>Allocates <paramref name="count"/> objects of <paramref name="sizeClass"/>,
        /// the next ids in order, a run at a time: within a run the cursor, the cell, the cache
        /// line and the id advance in locals (a replay is mostly this loop, and the kernel runs it
        /// under emulation in the demos).</summary>
        public void Allocate(int sizeClass, int count)
        {
            ulong objectBytes = Math.Max(1, _stepSize);
            while (count > 0 && !Overflow)
            {
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

                ulong cursor = _cursor[sizeClass], cellSize = page.CellSize;
                int n = (int)Math.Min((ulong)count, (_limit[sizeClass] - cursor) / cellSize);
                if (n <= 0)
                {
                    // A refill always yields at least one cell; stop rather than spin if not.
                    Overflow = true;
                    return;
                }

                int cell = _cell[sizeClass];
                uint slot = (uint)((page.BaseAddress - BaseAddress) / HeapPage.PageSize);
                uint prefix = (slot << (CellBits + ClassBits)) | ((uint)sizeClass << CellBits);
                ulong lines = _lines, lastLine = _lastLine;
                Span<uint> handles = _handles.AsSpan(_nextId, n);
                for (int i = 0; i < handles.Length; i++)
                {
                    ulong first = cursor / 64, last = (cursor + objectBytes - 1) / 64;
                    lines += last - first + (first == lastLine ? 0UL : 1UL);
                    lastLine = last;
                    handles[i] = prefix | (uint)(cell + i);
                    cursor += cellSize;
                }

                _cursor[sizeClass] = cursor;
                _cell[sizeClass] = cell + n;
                _lines = lines;
                _lastLine = lastLine;
                _nextId += n;
                _waste += (ulong)n * (cellSize - SizeClasses.SizeOf(sizeClass));
                count -= n;
            }
        }

        private void Refill(int sizeClass)
        {
            _refills++;
            HeapPage? page = _current[sizeClass];
            ulong start = 0;
            int count = 0;
            while (page == null || !page.TryTakeLongRun(_settings.RunCells(page.CellSize, _streak[sizeClass]), out start, out count))
            {
                page = _partial.Take(sizeClass, _settings) ?? Fresh(sizeClass);
                _current[sizeClass] = page;
                if (page == null)
                {
                    return;
                }
            }

            _cursor[sizeClass] = start;
            _cell[sizeClass] = (int)((start - page.BaseAddress - HeapPage.HeaderBytes) / page.CellSize);
            _limit[sizeClass] = start + ((ulong)count * page.CellSize);
            _streak[sizeClass]++;
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
            SetSlot(pageBase, page);
            _peak = Math.Max(_peak, _index.Count);
            return page;
        }

        private void SetSlot(ulong pageBase, HeapPage? page)
        {
            int slot = (int)((pageBase - BaseAddress) / HeapPage.PageSize);
            if (slot >= _bySlot.Length)
            {
                Array.Resize(ref _bySlot, Math.Max(slot + 1, _bySlot.Length * 2));
            }

            _bySlot[slot] = page;
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
                int end = page == null ? 0 : _cell[c] + (int)((_limit[c] - _cursor[c]) / page.CellSize);
                for (int cell = _cell[c]; cell < end; cell++)
                {
                    page!.FreeCell(cell);
                }

                _current[c] = null;
                _cursor[c] = 0;
                _limit[c] = 0;
                _streak[c] = 0;
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
            uint slot = h >> (CellBits + ClassBits);
            HeapPage? page = h != Dead && slot < (uint)_bySlot.Length ? _bySlot[slot] : null;
            if (page != null)
            {
                page.FreeCell((int)(h & ((1u << CellBits) - 1)));
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
            SetSlot(page.BaseAddress, null);
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
                _refills, _partial.Steps, _partial.Borrowed, _waste, null)
            {
                LinesTouched = _lines,
                LinesMinimum = _minLines,
            };
        }
    }
}

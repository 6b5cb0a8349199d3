namespace NexOS.Core.Heap;

/// <summary>
/// Turning a recording into a trace. The recorder counts objects, not which ones die, so the
/// frees are derived:
/// <list type="bullet">
/// <item>Each epoch's allocations of a class become one <c>alloc</c> of the class's cell size
/// (class 0, 16 bytes, is below a trace's least size and left out; so are large objects).</item>
/// <item>At a collection a class whose live count (in the trace) exceeds what the collector
/// reported loses objects. The deaths fall on its "fresh" objects (whole allocations never yet
/// thinned by a collection: the young, and allocations that were still reachable when an
/// earlier collection ran); objects that already survived a thinning die last, newest first.</item>
/// <item>When some fresh objects survive, every k-th of them is kept (then the newest extra
/// ones die), with k the density the collector saw: pages holding the class / pages its
/// survivors would need packed, at most fresh / surviving fresh and <see cref="MaxSpread"/>.
/// A class whose pages are full keeps its oldest fresh objects packed (k = 1); one whose
/// survivors are scattered one to a sixteenth of a page keeps every 16th, which is what
/// fragments.</item>
/// <item>Borrowed cells count for the page's class (the collector sees the page, not the
/// request): a class can then show more survivors than the trace holds, which is read as
/// "nothing of it died".</item>
/// <item>A recording with more objects than the limit is scaled: every count (allocations and
/// survivors) divided by the same factor, rounded; densities are computed unscaled.</item>
/// <item>A trace stops before the epoch that would take it over <see cref="AllocationTrace.MaxOps"/> steps.</item>
/// </list>
/// </summary>
public sealed partial class AllocationRecording
{
    /// <summary>Widest spacing of surviving ids (each step of spacing costs one free op).</summary>
    public const int MaxSpread = 32;

    private const int FirstClass = 1;

    /// <summary>
    /// The recording as a trace of at most <paramref name="maxObjects"/> objects (scaled down
    /// when bigger). <paramref name="note"/> says what was scaled, left out or cut.
    /// </summary>
    public AllocationTrace ToTrace(int maxObjects, out string note)
    {
        maxObjects = Math.Clamp(maxObjects, 1, AllocationTrace.MaxObjects);
        ulong total = TraceableObjects();
        uint scale = (uint)Math.Max(1, (total + (ulong)maxObjects - 1) / (ulong)maxObjects);
        var ops = new List<TraceOp>();
        var live = new List<(int First, int Count, int Step)>[SizeClasses.Count];
        for (int c = 0; c < live.Length; c++)
        {
            live[c] = new();
        }

        int nextId = 0, used = 0, collections = 0;
        for (int e = 0; e < _epochs.Count; e++)
        {
            int mark = ops.Count;
            int idsBefore = nextId;
            uint[] epoch = _epochs[e];
            for (int c = FirstClass; c < SizeClasses.Count; c++)
            {
                int count = Scaled(epoch[c], scale);
                if (count > 0)
                {
                    ops.Add(new TraceOp(TraceOpKind.Alloc, (int)SizeClasses.SizeOf(c), count, 0, 0, 0));
                    live[c].Add((nextId, count, 1));
                    nextId += count;
                }
            }

            if (Collected(e))
            {
                for (int c = FirstClass; c < SizeClasses.Count; c++)
                {
                    Die(ops, live[c], Scaled(Survivors(e, c), scale), Density(e, c));
                }

                ops.Add(new TraceOp(TraceOpKind.Collect, 0, 0, 0, 0, 0));
            }

            if (ops.Count > AllocationTrace.MaxOps || nextId > maxObjects)
            {
                ops.RemoveRange(mark, ops.Count - mark);
                nextId = idsBefore;
                break;
            }

            used++;
            collections += Collected(e) ? 1 : 0;
        }

        var trace = new AllocationTrace { Recorded = true };
        foreach (TraceOp op in ops)
        {
            _ = op.Kind switch
            {
                TraceOpKind.Alloc => trace.Alloc(op.Size, op.Count) >= 0,
                TraceOpKind.Free => trace.Free(op.From, op.To, op.Step),
                _ => trace.Collect(),
            };
        }

        note = $"{used} of {_epochs.Count} epochs ({collections} collections), {trace.Objects} objects, scale 1:{scale}; left out: {SmallestClassObjects()} objects of 16 bytes, {LargeObjects} large objects";
        return trace;
    }

    private static int Scaled(uint n, uint scale) => (int)((n + (scale / 2)) / scale);

    /// <summary>How many times more pages than it needs the class's survivors occupy,
    /// unscaled: 1 when packed, 16 when each page holds a sixteenth of what it could.</summary>
    private int Density(int e, int c)
    {
        uint survivors = Survivors(e, c);
        uint cells = CellsPerPage(c);
        uint needed = cells == 0 ? 0 : (survivors + cells - 1) / cells;
        return needed == 0 ? 1 : (int)Math.Clamp(Pages(e, c) / needed, 1, MaxSpread);
    }

    private static void Die(List<TraceOp> ops, List<(int First, int Count, int Step)> live, int survivors, int density)
    {
        long count = 0, thinned = 0;
        foreach (var p in live)
        {
            count += p.Count;
            thinned += p.Step > 1 ? p.Count : 0;
        }

        if (survivors >= count)
        {
            return;
        }

        // Objects never thinned by a collection (whole allocations that were still reachable)
        // are where the deaths fall; those that already survived a thinning are kept longest.
        long fresh = count - thinned;
        if (survivors <= thinned)
        {
            for (int i = live.Count - 1; i >= 0; i--)
            {
                if (live[i].Step == 1)
                {
                    Truncate(ops, live, i, live[i].Count);
                }
            }

            TruncateNewest(ops, live, (int)(thinned - survivors));
            return;
        }

        // Some fresh objects survive: every k-th of them, spread as thinly as the collector
        // saw the class's pages, then the newest extra ones die.
        long keep = survivors - thinned;
        int k = (int)Math.Max(1, Math.Min(density, fresh / keep));
        long kept = thinned;
        var freshAt = new List<int>();
        for (int i = 0; i < live.Count; i++)
        {
            (int first, int n, int step) = live[i];
            if (step != 1)
            {
                continue;
            }

            freshAt.Add(i);
            if (k > 1)
            {
                for (int j = 1; j < k && j < n; j++)
                {
                    ops.Add(new TraceOp(TraceOpKind.Free, 0, 0, first + j, first + n, k));
                }

                n = (n + k - 1) / k;
                live[i] = (first, n, k);
            }

            kept += n;
        }

        // Highest index first, so removing an emptied progression moves none still to visit.
        long drop = kept - survivors;
        for (int f = freshAt.Count - 1; f >= 0 && drop > 0; f--)
        {
            drop -= Truncate(ops, live, freshAt[f], (int)drop);
        }
    }

    /// <summary>Frees the <paramref name="drop"/> newest ids of the class.</summary>
    private static void TruncateNewest(List<TraceOp> ops, List<(int First, int Count, int Step)> live, int drop)
    {
        for (int i = live.Count - 1; i >= 0 && drop > 0; i--)
        {
            drop -= Truncate(ops, live, i, drop);
        }
    }

    /// <summary>Frees the newest <paramref name="drop"/> ids (at most all) of progression
    /// <paramref name="i"/>, removing it when it empties; returns how many were freed.</summary>
    private static int Truncate(List<TraceOp> ops, List<(int First, int Count, int Step)> live, int i, int drop)
    {
        (int first, int n, int step) = live[i];
        int keep = Math.Max(0, n - drop);
        if (drop <= 0 || n == 0)
        {
            return 0;
        }

        ops.Add(new TraceOp(TraceOpKind.Free, 0, 0, first + (step * keep), first + (step * (n - 1)) + 1, step));
        if (keep == 0)
        {
            live.RemoveAt(i);
        }
        else
        {
            live[i] = (first, keep, step);
        }

        return n - keep;
    }
}

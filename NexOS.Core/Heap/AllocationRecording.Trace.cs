namespace NexOS.Core.Heap;

/// <summary>
/// Turning a recording into a trace. The recorder counts objects, not which ones die, so the
/// frees are derived:
/// <list type="bullet">
/// <item>Each epoch's allocations of a class become one <c>alloc</c> of the class's cell size
/// (class 0, 16 bytes, is below a trace's least size and left out; so are large objects).</item>
/// <item>At a collection a class whose live count (in the trace) exceeds what the collector
/// reported loses objects youngest first, as generational experience says: first from this
/// epoch's allocations, then from older survivors, newest first.</item>
/// <item>When some of the epoch's own objects survive, they are spread through its range
/// every k-th id, with k chosen so their density matches what the collector saw: k = (pages
/// holding the class x cells a page) / survivors, at most the range / survivors and
/// <see cref="MaxSpread"/>. A class whose pages are full keeps a packed prefix (k = 1); one
/// whose survivors are scattered thinly keeps scattered ones, which is what fragments.</item>
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
        var young = new int[SizeClasses.Count];
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
                young[c] = count;
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
                    Die(ops, live[c], young[c], Scaled(Survivors(e, c), scale), Density(e, c));
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

        var trace = new AllocationTrace();
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

    /// <summary>Cells of the pages holding the class per survivor, unscaled: how thinly the
    /// survivors are spread (1: packed).</summary>
    private int Density(int e, int c)
    {
        uint survivors = Survivors(e, c);
        ulong cells = (ulong)Pages(e, c) * CellsPerPage(c);
        return survivors == 0 ? 1 : (int)Math.Clamp(cells / survivors, 1, MaxSpread);
    }

    private static void Die(List<TraceOp> ops, List<(int First, int Count, int Step)> live, int young, int survivors, int density)
    {
        long count = 0;
        foreach (var p in live)
        {
            count += p.Count;
        }

        if (survivors >= count)
        {
            return;
        }

        long old = count - young;
        if (survivors <= old)
        {
            // Everything of this epoch dies, then older objects, newest first.
            Truncate(ops, live, (int)(count - survivors));
            return;
        }

        // Some of this epoch's objects survive: keep every k-th, then trim to the count.
        int keepYoung = survivors - (int)old;
        int k = Math.Max(1, Math.Min(density, young / keepYoung));
        (int first, int n, _) = live[^1];
        if (k > 1)
        {
            for (int j = 1; j < k && j < n; j++)
            {
                ops.Add(new TraceOp(TraceOpKind.Free, 0, 0, first + j, first + n, k));
            }

            live[^1] = (first, (n + k - 1) / k, k);
            n = live[^1].Count;
        }

        Truncate(ops, live, n - keepYoung);
    }

    /// <summary>Frees the <paramref name="drop"/> newest ids of the class.</summary>
    private static void Truncate(List<TraceOp> ops, List<(int First, int Count, int Step)> live, int drop)
    {
        while (drop > 0 && live.Count > 0)
        {
            (int first, int n, int step) = live[^1];
            int keep = Math.Max(0, n - drop);
            ops.Add(new TraceOp(TraceOpKind.Free, 0, 0, first + (step * keep), first + (step * (n - 1)) + 1, step));
            drop -= n - keep;
            if (keep == 0)
            {
                live.RemoveAt(live.Count - 1);
            }
            else
            {
                live[^1] = (first, keep, step);
            }
        }
    }
}

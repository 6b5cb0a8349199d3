namespace NexOS.Core.Heap;

/// <summary>
/// A thinned copy of an <see cref="AllocationTrace"/>, for replays that must be cheap (the
/// memory model replays a trace several times per decision, in the kernel). Of every alloc
/// step about 1/<c>every</c> is kept: its first objects, with the frees that hit them; the
/// rest of the step is dropped with its frees. A step of at least 8 x <c>every</c> objects keeps
/// count / <c>every</c> rounded down, on its own, so two steps of the same size keep the same
/// (a working set sized to the holes stays sized to them: one object over opens a page, and
/// in a small sample a page is a large share). Smaller steps carry the remainder per size
/// class, so of many one-object steps one in <c>every</c> is kept.
/// <para>Why a prefix: a step's objects are allocated one after another, so they fill whole
/// pages in the heap, and its prefix fills whole pages in the replay the same way; a free keeps
/// its stride inside the prefix. Page-level patterns (survivors scattered through every page,
/// a working set sized to the holes, runs and refills) and so the ratios the memory model
/// judges (fragmentation, refills per allocation, cache lines per burst) survive; counts fall
/// about <c>every</c>-fold.</para>
/// <para>What it gets wrong: a sample of a few pages per class is coarse; a recording's
/// thinned replays missed its whole replays by up to 0.33 in tests (so the memory model replays
/// <see cref="AllocationTrace.Recorded"/> traces whole); and a double free among the dropped
/// objects is not seen (thin only traces that passed <see cref="AllocationTrace.Validate"/>
/// when that matters).</para>
/// </summary>
public static class TraceThinning
{
    /// <summary>Most steps a thinned trace may have: a free that spans many alloc steps
    /// becomes one free per step's kept prefix.</summary>
    public const int MaxOps = 4 * AllocationTrace.MaxOps;

    // A step of at least this many times 'every' objects is thinned on its own.
    private const int BigStep = 8;

    /// <summary>The largest power-of-two thinning of <paramref name="trace"/> that still keeps
    /// about <paramref name="sampleObjects"/> objects and <paramref name="samplePages"/> pages'
    /// worth of bytes (a sample of a few pages per class is coarse: each object over a class's
    /// holes opens a page); 1 when the trace is no larger than that (replay it whole).
    /// <para>Why a power of two: a trace's counts tend to be multiples of a page's cells and of
    /// its strides (a working set sized to the holes of every 16th survivor), and halving keeps
    /// those relations exact longest. At 1/27 the demo's working set comes out one object over
    /// its holes and replays 5 points off; at 1/16 and 1/32, 1 point.</para></summary>
    public static int Factor(AllocationTrace trace, int sampleObjects, int samplePages)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ulong bytes = 0;
        foreach (TraceOp op in trace.Ops)
        {
            if (op.Kind == TraceOpKind.Alloc)
            {
                bytes += (ulong)op.Size * (ulong)op.Count;
            }
        }

        ulong byObjects = (ulong)trace.Objects / (ulong)Math.Max(1, sampleObjects);
        ulong byBytes = bytes / ((ulong)Math.Max(1, samplePages) * HeapPage.PageSize);
        ulong most = Math.Max(1, Math.Min(byObjects, byBytes));
        return 1 << (63 - System.Numerics.BitOperations.LeadingZeroCount(most));
    }

    /// <summary>The thinned copy of <paramref name="trace"/> keeping about one object in
    /// <paramref name="every"/>; null when <paramref name="every"/> is under 2 or the copy would
    /// need more than <see cref="MaxOps"/> steps (replay the trace itself then). Cost: linear in
    /// the steps and the kept ranges, not in the objects.</summary>
    public static AllocationTrace? Thin(AllocationTrace trace, int every)
    {
        ArgumentNullException.ThrowIfNull(trace);
        if (every < 2)
        {
            return null;
        }

        var thin = new AllocationTrace(MaxOps);
        var kept = new List<KeptRange>();
        var small = new long[SizeClasses.Count];
        int nextOld = 0;
        foreach (TraceOp op in trace.Ops)
        {
            bool ok = op.Kind switch
            {
                TraceOpKind.Alloc => Alloc(thin, kept, small, op, every, ref nextOld),
                TraceOpKind.Free => Free(thin, kept, op),
                _ => thin.Collect(),
            };
            if (!ok)
            {
                return null;
            }
        }

        return thin;
    }

    // Appends the kept prefix of one alloc step as one alloc step; its old ids are the next
    // op.Count after nextOld. small: objects of the class's small steps so far.
    private static bool Alloc(AllocationTrace thin, List<KeptRange> kept, long[] small, in TraceOp op, int every, ref int nextOld)
    {
        int taken;
        if (op.Count / BigStep >= every)
        {
            taken = op.Count / every;
        }
        else
        {
            int sizeClass = SizeClasses.ClassFor((ulong)op.Size);
            long before = small[sizeClass], after = before + op.Count;
            taken = (int)((after / every) - (before / every));
            small[sizeClass] = after;
        }

        if (taken > 0)
        {
            kept.Add(new KeptRange(nextOld, thin.Objects, taken));
        }

        nextOld += op.Count;
        return taken == 0 || thin.Alloc(op.Size, taken) >= 0;
    }

    // Appends one free per kept range the freed ids from, from + step, ... below to meet; a
    // range's ids map to new ids by a shift, so the stride holds inside it.
    private static bool Free(AllocationTrace thin, List<KeptRange> kept, in TraceOp op)
    {
        for (int i = FirstEndingAfter(kept, op.From); i < kept.Count && kept[i].OldStart < op.To; i++)
        {
            KeptRange r = kept[i];
            long lo = Math.Max(r.OldStart, op.From);
            long first = op.From + ((lo - op.From + op.Step - 1) / op.Step * op.Step);
            long hi = Math.Min(r.OldStart + (long)r.Length, op.To);
            if (first < hi && !thin.Free(r.NewStart + (int)(first - r.OldStart), r.NewStart + (int)(hi - r.OldStart), op.Step))
            {
                return false;
            }
        }

        return true;
    }

    // The first kept range whose old ids reach past id (binary search: ranges are in id order).
    private static int FirstEndingAfter(List<KeptRange> kept, int id)
    {
        int lo = 0, hi = kept.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (kept[mid].OldStart + kept[mid].Length <= id)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private readonly record struct KeptRange(int OldStart, int NewStart, int Length);
}

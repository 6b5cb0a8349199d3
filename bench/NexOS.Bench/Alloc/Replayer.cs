namespace NexOS.Bench.Alloc;

/// <summary>Plays a trace through an allocator: each allocation's first byte is written (a
/// program uses what it allocates), each free gives the slot's block back.</summary>
public static unsafe class Replayer
{
    public static IAllocator Create(string name, nint[] slots) => name switch
    {
        "NexOS" => new NexOSHeap(slots),
        "glibc" => new GlibcAllocator(),
        "mimalloc" => new MimallocAllocator(),
        _ => throw new ArgumentException("unknown allocator " + name, nameof(name)),
    };

    public static IReadOnlyList<string> Allocators { get; } = ["NexOS", "glibc", "mimalloc"];

    public static void Run(IAllocator allocator, Trace trace, nint[] slots)
    {
        foreach (Op op in trace.Ops)
        {
            if (op.IsFree)
            {
                allocator.Free(slots[op.Slot]);
                slots[op.Slot] = 0;
            }
            else
            {
                nint p = allocator.Allocate(op.Size);
                *(byte*)p = 1;
                slots[op.Slot] = p;
            }
        }
    }

    /// <summary>Peaks over one replay, sampled every 256 operations, above the figures before
    /// it: <see cref="IAllocator.HeldBytes"/> (the allocator's own account of what it holds
    /// from the system, committed or not) and the process's resident memory (what it
    /// touched).</summary>
    public static (long Held, long Resident) PeakBytes(IAllocator allocator, Trace trace, nint[] slots)
    {
        // The managed heap settles first, so its growth is not counted as the allocator's.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        allocator.Trim();
        long baseline = allocator.HeldBytes;
        long rssBaseline = ResidentBytes();
        long peak = 0;
        long rssPeak = 0;
        Op[] ops = trace.Ops;
        for (int start = 0; start < ops.Length; start += 256)
        {
            int end = Math.Min(ops.Length, start + 256);
            for (int i = start; i < end; i++)
            {
                Op op = ops[i];
                if (op.IsFree)
                {
                    allocator.Free(slots[op.Slot]);
                    slots[op.Slot] = 0;
                }
                else
                {
                    nint p = allocator.Allocate(op.Size);
                    *(byte*)p = 1;
                    slots[op.Slot] = p;
                }
            }

            peak = Math.Max(peak, allocator.HeldBytes - baseline);
            rssPeak = Math.Max(rssPeak, ResidentBytes() - rssBaseline);
        }

        return (peak, rssPeak);
    }

    private static readonly byte[] s_statm = new byte[256];

    /// <summary>Resident set size from /proc/self/statm (its second field, in pages), read
    /// into a buffer kept for the purpose so that sampling allocates nothing.</summary>
    public static long ResidentBytes()
    {
        using var file = new FileStream("/proc/self/statm", FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
        int length = file.Read(s_statm, 0, s_statm.Length);
        int i = 0;
        while (i < length && s_statm[i] != ' ')
        {
            i++;
        }

        long pages = 0;
        for (i++; i < length && s_statm[i] >= '0' && s_statm[i] <= '9'; i++)
        {
            pages = (pages * 10) + (s_statm[i] - '0');
        }

        return pages * Environment.SystemPageSize;
    }
}

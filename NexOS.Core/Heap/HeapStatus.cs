namespace NexOS.Core.Heap;

/// <summary>What became of a request to the heap's bookkeeping. Anything but
/// <see cref="Ok"/> means the request was refused and nothing changed.</summary>
public enum HeapStatus
{
    /// <summary>Done.</summary>
    Ok,

    /// <summary>The address is the start of a cell or run that is not allocated (a double
    /// free, or a free cell), or lies in no run at all.</summary>
    NotAllocated,

    /// <summary>The address lies in the managed area but is not the start of a cell or run:
    /// inside one, in a page's header, or in the slack after a page's last cell.</summary>
    Misaligned,

    /// <summary>The address is outside the page, or a run's length is 0 or wraps past the
    /// top of the address space.</summary>
    OutOfRange,

    /// <summary>A new page or run would overlap one already recorded.</summary>
    Overlaps,

    /// <summary>The table has no room left (its capacity is fixed at construction).</summary>
    Full,
}

/// <summary>Names for <see cref="HeapStatus"/> values, spelled out because
/// <c>Enum.ToString</c> needs reflection, which the kernel lacks.</summary>
public static class HeapStatusText
{
    /// <summary>A short lower-case description of <paramref name="status"/> for log lines.</summary>
    public static string Describe(this HeapStatus status) => status switch
    {
        HeapStatus.Ok => "ok",
        HeapStatus.NotAllocated => "not allocated",
        HeapStatus.Misaligned => "misaligned",
        HeapStatus.OutOfRange => "out of range",
        HeapStatus.Overlaps => "overlaps",
        HeapStatus.Full => "full",
        _ => "unknown",
    };
}

namespace NexOS.Core.Memory;

/// <summary>What became of a request to free frames. Anything but <see cref="Ok"/> means the
/// request was refused and the allocator's state is unchanged.</summary>
public enum AllocationResult
{
    /// <summary>The block was freed (and merged with its free buddies).</summary>
    Ok,

    /// <summary>The address is managed but is not the start of an allocated block: a hole, a
    /// reserved frame, or the middle of an allocated block.</summary>
    NotAllocated,

    /// <summary>The address lies in a block that is already free.</summary>
    DoubleFree,

    /// <summary>The address is not on a frame boundary, or not aligned to the order's block
    /// size.</summary>
    Misaligned,

    /// <summary>The address is outside the physical span the allocator manages.</summary>
    OutOfRange,

    /// <summary>The order is outside 0 to MaxOrder, or differs from the order the block was
    /// allocated with.</summary>
    WrongOrder,
}

/// <summary>Names for <see cref="AllocationResult"/> values, spelled out because
/// <c>Enum.ToString</c> needs reflection, which the kernel lacks.</summary>
public static class FrameAllocatorResultText
{
    /// <summary>A short lower-case description of <paramref name="result"/> for log lines.</summary>
    public static string Describe(this AllocationResult result) => result switch
    {
        AllocationResult.Ok => "ok",
        AllocationResult.NotAllocated => "not allocated",
        AllocationResult.DoubleFree => "double free",
        AllocationResult.Misaligned => "misaligned",
        AllocationResult.OutOfRange => "out of range",
        AllocationResult.WrongOrder => "wrong order",
        _ => "unknown",
    };
}

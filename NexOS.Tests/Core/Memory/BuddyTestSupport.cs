using NexOS.Core.Memory;

namespace NexOS.Tests.Core.Memory;

/// <summary>Shared helpers for the buddy allocator tests.</summary>
internal static class BuddyTestSupport
{
    public const ulong Frame = BuddyFrameAllocator.FrameSize;

    public static PhysRange R(ulong start, ulong end) => new(new PhysAddr(start), new PhysAddr(end));

    public static PhysAddr A(ulong value) => new(value);

    public static int[] Blocks(BuddyFrameAllocator allocator)
    {
        var counts = new int[allocator.MaxOrder + 1];
        allocator.FreeBlocksPerOrder(counts);
        return counts;
    }

    public static void AssertConsistent(BuddyFrameAllocator allocator)
    {
        Assert.That(allocator.CheckConsistency(out string? problem), Is.True, problem);
    }

    public static void Shuffle<T>(List<T> items, Random random)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>Everything observable about the allocator's free memory, to show a refused
    /// request changed nothing.</summary>
    public static string State(BuddyFrameAllocator allocator) =>
        $"total={allocator.TotalFrames} free={allocator.FreeFrames} blocks={string.Join(",", Blocks(allocator))}";
}

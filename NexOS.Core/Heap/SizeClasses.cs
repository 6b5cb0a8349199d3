namespace NexOS.Core.Heap;

/// <summary>
/// The small-object size classes of the garbage-collected heap: cell sizes in bytes, all
/// multiples of 8 so every object stays 8-aligned, growing by roughly 1.25x to 1.5x so that
/// rounding a request up to its class wastes at most about a third of the cell. Sizes count
/// the object's header word (NativeAOT's BaseSize already includes it). Requests above
/// <see cref="LargestSize"/> are large objects (<see cref="LargeObjectSpace"/>). Every member
/// is O(log Count), never allocates and never throws.
/// </summary>
public static class SizeClasses
{
    /// <summary>Number of size classes; classes are numbered 0 to Count - 1, smallest first.</summary>
    public const int Count = 22;

    /// <summary>Cell size of the largest class; anything bigger is a large object.</summary>
    public const ulong LargestSize = 8192;

    /// <summary>Cell size of the smallest class (class 0).</summary>
    public const ulong SmallestSize = 16;

    /// <summary>Every cell size is a multiple of this, which is also the object alignment.</summary>
    public const ulong Granule = 8;

    // The smallest class is 16 bytes: a header word plus a MethodTable pointer, the least any
    // object occupies. A static readonly array of constants is preinitialised data under
    // NativeAOT, so reading it needs no class constructor at run time.
    private static readonly ulong[] s_sizes =
    {
        16, 24, 32, 48, 64, 80, 96, 128, 160, 192, 256,
        320, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144, 8192,
    };

    /// <summary>The smallest class whose cells hold <paramref name="size"/> bytes (0 bytes
    /// gives class 0), or -1 when <paramref name="size"/> exceeds <see cref="LargestSize"/>.</summary>
    public static int ClassFor(ulong size)
    {
        if (size > LargestSize)
        {
            return -1;
        }

        int low = 0;
        int high = Count - 1;
        while (low < high)
        {
            int mid = (low + high) >> 1;
            if (s_sizes[mid] < size)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    /// <summary>Cell size in bytes of class <paramref name="sizeClass"/>, or 0 for a number
    /// outside 0 to <see cref="Count"/> - 1.</summary>
    public static ulong SizeOf(int sizeClass) => (uint)sizeClass < Count ? s_sizes[sizeClass] : 0;
}

namespace NexOS.Core.Heap;

/// <summary>Binary search over a sorted array of start addresses, shared by the page index
/// and the large object space.</summary>
internal static class SortedAddresses
{
    /// <summary>Index of the last entry not above <paramref name="address"/>, or -1 when
    /// every entry is above it (or there are none). O(log n), allocation-free.</summary>
    public static int Floor(ReadOnlySpan<ulong> sorted, ulong address)
    {
        int low = 0;
        int high = sorted.Length - 1;
        int found = -1;
        while (low <= high)
        {
            int mid = low + ((high - low) >> 1);
            if (sorted[mid] <= address)
            {
                found = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return found;
    }
}

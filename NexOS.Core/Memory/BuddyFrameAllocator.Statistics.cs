namespace NexOS.Core.Memory;

/// <summary>Read-only figures about free memory, cheap enough to publish as metrics: each is
/// O(MaxOrder) and allocates nothing.</summary>
public sealed partial class BuddyFrameAllocator
{
    /// <summary>Order of the largest free block, or -1 when nothing is free.</summary>
    public int LargestFreeOrder
    {
        get
        {
            for (int order = MaxOrder; order >= 0; order--)
            {
                if (_freeHead[order] >= 0)
                {
                    return order;
                }
            }

            return -1;
        }
    }

    /// <summary>1 minus the largest free block's size over all free memory: 0 when all free
    /// memory is one block (or nothing is free), approaching 1 as it splinters. Free memory
    /// larger than one MaxOrder block always scores above 0 (two free MaxOrder blocks score
    /// 0.5); <see cref="UnusableFreeFraction"/> is the better gauge of whether requests of a
    /// given size can still be met.</summary>
    public double Fragmentation
    {
        get
        {
            int largest = LargestFreeOrder;
            return largest < 0 ? 0 : 1 - ((double)(1L << largest) / _freeFrames);
        }
    }

    /// <summary>Writes the number of free blocks of each order, from order 0, into
    /// <paramref name="counts"/> and returns how many entries it wrote (the smaller of its
    /// length and MaxOrder + 1).</summary>
    public int FreeBlocksPerOrder(Span<int> counts)
    {
        int n = Math.Min(counts.Length, MaxOrder + 1);
        _freeBlocks.AsSpan(0, n).CopyTo(counts);
        return n;
    }

    /// <summary>Fraction (0 to 1) of the free frames that lie in blocks smaller than
    /// 2^<paramref name="order"/> frames, i.e. that cannot serve a request of that order.
    /// 0 when nothing is free or for orders of 0 and below; orders above MaxOrder count as
    /// MaxOrder + 1 (no block is large enough).</summary>
    public double UnusableFreeFraction(int order)
    {
        if (_freeFrames == 0 || order <= 0)
        {
            return 0;
        }

        int limit = Math.Min(order, MaxOrder + 1);
        long small = 0;
        for (int k = 0; k < limit; k++)
        {
            small += (long)_freeBlocks[k] << k;
        }

        return (double)small / _freeFrames;
    }
}

namespace NexOS.Core.Memory;

/// <summary>A full consistency check, for tests and the kernel's self tests.</summary>
public sealed partial class BuddyFrameAllocator
{
    /// <summary>
    /// Walks every free list and every frame's state and checks that they agree: list links
    /// are consistent, each free block is aligned, inside the span and marked with its order,
    /// per-order counts and <see cref="FreeFrames"/> match the lists, allocated blocks add up
    /// to <see cref="AllocatedFrames"/>, no block overlaps another, and no two free buddies of
    /// the same order were left unmerged. Returns false with a one-line
    /// <paramref name="problem"/> at the first disagreement. O(span); does not allocate.
    /// </summary>
    public bool CheckConsistency(out string? problem)
    {
        long listed = 0;
        int listedBlocks = 0;
        for (int order = 0; order <= MaxOrder; order++)
        {
            int blocks = 0;
            int prev = -1;
            int index = _freeHead[order];

            // A list longer than the span can only mean a cycle.
            while (index >= 0 && blocks <= _spanFrames)
            {
                if (index >= _spanFrames || (index & ((1 << order) - 1)) != 0 || index + (1 << order) > _spanFrames)
                {
                    problem = "free block misaligned or outside the span";
                    return false;
                }

                if (_state[index] != (byte)(HeadFree | order) || _prev[index] != prev)
                {
                    problem = "free list entry not marked free with its order, or bad back link";
                    return false;
                }

                if (order < MaxOrder)
                {
                    int buddy = index ^ (1 << order);
                    if (buddy < _spanFrames && _state[buddy] == (byte)(HeadFree | order))
                    {
                        problem = "two free buddies left unmerged";
                        return false;
                    }
                }

                blocks++;
                prev = index;
                index = _next[index];
            }

            if (index >= 0 || blocks != _freeBlocks[order])
            {
                problem = "free list length differs from its count, or the list has a cycle";
                return false;
            }

            listed += (long)blocks << order;
            listedBlocks += blocks;
        }

        if (listed != _freeFrames)
        {
            problem = "FreeFrames differs from the free lists";
            return false;
        }

        // Every head must be on a list (free) or allocated, and the frames a block covers
        // must carry no other head.
        long used = 0;
        int freeHeads = 0;
        int coveredUntil = 0;
        for (int i = 0; i < _spanFrames; i++)
        {
            byte state = _state[i];
            if (state == 0)
            {
                continue;
            }

            bool isFree = (state & HeadFree) != 0;
            if (i < coveredUntil || (state & ~(HeadFree | HeadUsed | OrderMask)) != 0 || isFree == ((state & HeadUsed) != 0))
            {
                problem = "overlapping blocks or an invalid frame state";
                return false;
            }

            int order = state & OrderMask;
            if (order > MaxOrder || (i & ((1 << order) - 1)) != 0 || i + (1 << order) > _spanFrames)
            {
                problem = "block with an invalid order or alignment";
                return false;
            }

            coveredUntil = i + (1 << order);
            if (isFree)
            {
                freeHeads++;
            }
            else
            {
                used += 1L << order;
            }
        }

        if (freeHeads != listedBlocks || used != _totalFrames - _freeFrames)
        {
            problem = "frame states disagree with the free lists or AllocatedFrames";
            return false;
        }

        problem = null;
        return true;
    }
}

namespace NexOS.Core.Memory;

/// <summary>Taking frames out of the allocator after construction.</summary>
public sealed partial class BuddyFrameAllocator
{
    /// <summary>Takes the free frames that overlap <paramref name="range"/> out of the
    /// allocator for good (e.g. firmware areas found after construction) and returns how many
    /// it took. A frame only partly covered by the range is taken too. Allocated frames are
    /// left alone and not counted: their owner still frees them normally. Lowers
    /// <see cref="TotalFrames"/> and <see cref="FreeFrames"/> by the result. Does not
    /// allocate; the time taken grows with the length of the range.</summary>
    public long Reserve(PhysRange range)
    {
        if (range.IsEmpty || _spanFrames == 0)
        {
            return 0;
        }

        ulong first = range.Start.Value >> FrameShift;
        ulong end = (range.End.Value >> FrameShift) + ((range.End.Value & (FrameSize - 1)) != 0 ? 1UL : 0UL);
        ulong spanEnd = _baseFrame + (ulong)_spanFrames;
        if (end <= _baseFrame || first >= spanEnd)
        {
            return 0;
        }

        int lo = (int)(Math.Max(first, _baseFrame) - _baseFrame);
        int hi = (int)(Math.Min(end, spanEnd) - _baseFrame);
        long taken = 0;
        int i = lo;
        while (i < hi)
        {
            byte state = _state[i];
            if ((state & HeadUsed) != 0)
            {
                i += 1 << (state & OrderMask);
                continue;
            }

            int head = ContainingFreeBlock(i, out int order);
            if (head < 0)
            {
                i++;
                continue;
            }

            // Take the whole free block off its list, then give back the parts on either side
            // of the reserved frames as the largest aligned blocks they hold.
            int blockEnd = head + (1 << order);
            int cutStart = Math.Max(head, lo);
            int cutEnd = Math.Min(blockEnd, hi);
            RemoveFree(head, order);
            Carve(head, cutStart);
            Carve(cutEnd, blockEnd);
            taken += cutEnd - cutStart;
            i = blockEnd;
        }

        _totalFrames -= taken;
        return taken;
    }
}

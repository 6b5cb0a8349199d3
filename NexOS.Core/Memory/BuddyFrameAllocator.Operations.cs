namespace NexOS.Core.Memory;

/// <summary>Allocation and freeing, and the free-list primitives under them.</summary>
public sealed partial class BuddyFrameAllocator
{
    /// <summary>Allocates a block of 2^<paramref name="order"/> frames, aligned to its size,
    /// splitting a larger free block when no block of that order is free. Returns false, with
    /// <paramref name="address"/> zero, when the order is outside 0 to <see cref="MaxOrder"/>
    /// or no block large enough is free. O(MaxOrder); never allocates or throws.</summary>
    public bool TryAllocate(int order, out PhysAddr address)
    {
        address = default;
        if ((uint)order > (uint)MaxOrder)
        {
            return false;
        }

        int k = order;
        while (k <= MaxOrder && _freeHead[k] < 0)
        {
            k++;
        }

        if (k > MaxOrder)
        {
            return false;
        }

        // Keep the lower half at each split and give the upper halves back to the free lists.
        int index = _freeHead[k];
        RemoveFree(index, k);
        while (k > order)
        {
            k--;
            PushFree(index + (1 << k), k);
        }

        _state[index] = (byte)(HeadUsed | order);
        address = AddressOf(index);
        return true;
    }

    /// <summary>Allocates the smallest block that holds <paramref name="bytes"/> bytes and
    /// reports its <paramref name="order"/> (needed to free it). Returns false for 0 bytes,
    /// more than a MaxOrder block, or no memory; <paramref name="order"/> is then the order
    /// that was needed, or -1 when no order fits.</summary>
    public bool TryAllocateBytes(ulong bytes, out PhysAddr address, out int order)
    {
        order = OrderForBytes(bytes);
        if (order > MaxOrder)
        {
            order = -1;
        }

        if (order < 0)
        {
            address = default;
            return false;
        }

        return TryAllocate(order, out address);
    }

    /// <summary>Frees the block of 2^<paramref name="order"/> frames at
    /// <paramref name="address"/>, which must be exactly what <see cref="TryAllocate"/>
    /// returned with that order, and merges it with free buddies. Anything else is refused
    /// with a status saying why, leaving the allocator unchanged. O(MaxOrder); never
    /// allocates or throws.</summary>
    public AllocationResult Free(PhysAddr address, int order)
    {
        AllocationResult decoded = FrameIndex(address, order, out int index);
        if (decoded != AllocationResult.Ok)
        {
            return decoded;
        }

        byte state = _state[index];
        if ((state & HeadUsed) != 0)
        {
            if ((state & OrderMask) != order)
            {
                return AllocationResult.WrongOrder;
            }

            Release(index, order);
            return AllocationResult.Ok;
        }

        if ((index & ((1 << order) - 1)) != 0)
        {
            return AllocationResult.Misaligned;
        }

        return ContainingFreeBlock(index, out _) >= 0 ? AllocationResult.DoubleFree : AllocationResult.NotAllocated;
    }

    /// <summary>The frame index of <paramref name="address"/>, for Free and Split: WrongOrder
    /// for an order outside 0 to MaxOrder, Misaligned for an address inside a frame,
    /// OutOfRange for one outside the allocator's span.</summary>
    private AllocationResult FrameIndex(PhysAddr address, int order, out int index)
    {
        index = -1;
        if ((uint)order > (uint)MaxOrder)
        {
            return AllocationResult.WrongOrder;
        }

        if ((address.Value & (FrameSize - 1)) != 0)
        {
            return AllocationResult.Misaligned;
        }

        ulong frame = address.Value >> FrameShift;
        if (frame < _baseFrame || frame - _baseFrame >= (ulong)_spanFrames)
        {
            return AllocationResult.OutOfRange;
        }

        index = (int)(frame - _baseFrame);
        return AllocationResult.Ok;
    }

    /// <summary>Marks the allocated block at <paramref name="index"/> free, merging upwards
    /// while the buddy of the same order is free.</summary>
    private void Release(int index, int order)
    {
        _state[index] = 0;
        int k = order;
        while (k < MaxOrder)
        {
            int buddy = index ^ (1 << k);
            if (buddy >= _spanFrames || _state[buddy] != (byte)(HeadFree | k))
            {
                break;
            }

            RemoveFree(buddy, k);
            index &= ~(1 << k);
            k++;
        }

        PushFree(index, k);
    }

    /// <summary>Head of the free block containing frame <paramref name="index"/>, with its
    /// order, or -1. A block of order k starts at the index with its low k bits cleared, so
    /// there is one candidate per order.</summary>
    private int ContainingFreeBlock(int index, out int order)
    {
        for (int k = 0; k <= MaxOrder; k++)
        {
            int head = index & ~((1 << k) - 1);
            if (_state[head] == (byte)(HeadFree | k))
            {
                order = k;
                return head;
            }
        }

        order = -1;
        return -1;
    }

    /// <summary>Frees [start, end) as the largest naturally aligned blocks that fit. Greedy
    /// carving never leaves two free buddies side by side, so no merging is needed.</summary>
    private void Carve(int start, int end)
    {
        while (start < end)
        {
            int order = MaxOrder;
            while ((start & ((1 << order) - 1)) != 0 || end - start < (1 << order))
            {
                order--;
            }

            PushFree(start, order);
            start += 1 << order;
        }
    }

    private void PushFree(int index, int order)
    {
        int head = _freeHead[order];
        _state[index] = (byte)(HeadFree | order);
        _prev[index] = -1;
        _next[index] = head;
        if (head >= 0)
        {
            _prev[head] = index;
        }

        _freeHead[order] = index;
        _freeBlocks[order]++;
        _freeFrames += 1L << order;
    }

    private void RemoveFree(int index, int order)
    {
        int next = _next[index];
        int prev = _prev[index];
        if (prev >= 0)
        {
            _next[prev] = next;
        }
        else
        {
            _freeHead[order] = next;
        }

        if (next >= 0)
        {
            _prev[next] = prev;
        }

        _state[index] = 0;
        _freeBlocks[order]--;
        _freeFrames -= 1L << order;
    }

    private PhysAddr AddressOf(int index) => new((_baseFrame + (ulong)index) << FrameShift);
}

namespace NexOS.Core.Memory;

/// <summary>Splitting an allocated block into single frames.</summary>
public sealed partial class BuddyFrameAllocator
{
    /// <summary>
    /// Turns the allocated block of 2^<paramref name="order"/> frames at
    /// <paramref name="address"/> into 2^order allocated single frames, each freed on its own
    /// with <see cref="Free"/> at order 0. A DMA buffer needs its frames in one physically
    /// contiguous piece, but is mapped and given back page by page like any other memory.
    /// Refuses anything but a block <see cref="TryAllocate"/> returned with that order
    /// (WrongOrder, Misaligned, OutOfRange, NotAllocated), changing nothing. O(2^order);
    /// never allocates or throws.
    /// </summary>
    public AllocationResult Split(PhysAddr address, int order)
    {
        AllocationResult decoded = FrameIndex(address, order, out int index);
        if (decoded != AllocationResult.Ok)
        {
            return decoded;
        }

        byte state = _state[index];
        if ((state & HeadUsed) == 0 || (state & HeadFree) != 0)
        {
            return AllocationResult.NotAllocated;
        }

        if ((state & OrderMask) != order)
        {
            return AllocationResult.WrongOrder;
        }

        for (int i = 0; i < 1 << order; i++)
        {
            _state[index + i] = HeadUsed;
        }

        return AllocationResult.Ok;
    }
}

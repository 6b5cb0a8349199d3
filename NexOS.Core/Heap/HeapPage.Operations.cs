using System.Runtime.CompilerServices;
using System.Numerics;

namespace NexOS.Core.Heap;

/// <summary>Allocation, free, conservative lookup, marking and sweeping. None of these
/// allocates or throws.</summary>
public sealed partial class HeapPage
{
    /// <summary>Takes the lowest free cell and returns its object address in
    /// <paramref name="address"/> (not zeroed: the caller zeroes the cell). False, with
    /// <paramref name="address"/> 0, when the page is full. Amortised O(1).</summary>
    public bool TryAllocate(out ulong address)
    {
        for (int w = _hint; w < _words; w++)
        {
            ulong free = ~_allocated[w] & (w == _words - 1 ? _lastWordMask : ulong.MaxValue);
            if (free != 0)
            {
                int index = (w << WordShift) + BitOperations.TrailingZeroCount(free);
                _allocated[w] |= Bit(index);
                _count++;
                _hint = w;
                address = ObjectAddress(index);
                return true;
            }
        }

        _hint = _words;
        address = 0;
        return false;
    }

    /// <summary>
    /// Takes the run of consecutive free cells that starts at the lowest free cell, up to the
    /// end of its bitmap word (so at most 64 cells), for an allocator that bumps a pointer
    /// through the run: <paramref name="address"/> is the first cell's object address and
    /// <paramref name="count"/> the number of cells, all now allocated (not zeroed: the
    /// caller zeroes them). False, with both 0, when the page is full. Amortised O(1).
    /// </summary>
    public bool TryTakeRun(out ulong address, out int count) => TryTakeRun(WordBits, out address, out count);

    /// <summary>As <see cref="TryTakeRun(out ulong, out int)"/>, taking at most
    /// <paramref name="maxCount"/> cells (at least one).</summary>
    public bool TryTakeRun(int maxCount, out ulong address, out int count)
    {
        maxCount = Math.Clamp(maxCount, 1, WordBits);
        for (int w = _hint; w < _words; w++)
        {
            ulong free = ~_allocated[w] & (w == _words - 1 ? _lastWordMask : ulong.MaxValue);
            if (free != 0)
            {
                int first = BitOperations.TrailingZeroCount(free);
                ulong shifted = free >> first;
                count = shifted == ulong.MaxValue ? WordBits - first : BitOperations.TrailingZeroCount(~shifted);
                count = Math.Min(count, maxCount);
                ulong bits = count == WordBits ? ulong.MaxValue : ((1UL << count) - 1) << first;
                _allocated[w] |= bits;
                _count += count;
                _hint = w;
                address = ObjectAddress((w << WordShift) + first);
                return true;
            }
        }

        _hint = _words;
        address = 0;
        count = 0;
        return false;
    }

    /// <summary>As <see cref="TryTakeRun(int, out ulong, out int)"/>, but a run that reaches the
    /// end of its bitmap word goes on into the following words while their first cells are
    /// free, up to <paramref name="maxCount"/> cells in all (the allocator's longer runs for a
    /// class whose demand is forecast to go on). Allocation-free, never throws.</summary>
    public bool TryTakeLongRun(int maxCount, out ulong address, out int count)
    {
        if (!TryTakeRun(Math.Min(maxCount, WordBits), out address, out count))
        {
            return false;
        }

        int end = (int)((address - ObjectAddress(0)) / _cellSize) + count;
        while (count < maxCount && (end & (WordBits - 1)) == 0 && end < Capacity)
        {
            int w = end >> WordShift;
            ulong free = ~_allocated[w] & (w == _words - 1 ? _lastWordMask : ulong.MaxValue);
            if ((free & 1) == 0)
            {
                break;
            }

            int n = Math.Min(free == ulong.MaxValue ? WordBits : BitOperations.TrailingZeroCount(~free), maxCount - count);
            _allocated[w] |= n == WordBits ? ulong.MaxValue : (1UL << n) - 1;
            _count += n;
            count += n;
            end += n;
        }

        return true;
    }

    /// <summary>Frees the object at <paramref name="address"/>, which must be the exact
    /// address <see cref="TryAllocate"/> returned; its mark is cleared too. Returns
    /// <see cref="HeapStatus.NotAllocated"/> for a free cell (double free),
    /// <see cref="HeapStatus.Misaligned"/> for any address in the page that is not an object
    /// address, <see cref="HeapStatus.OutOfRange"/> outside the page.</summary>
    public HeapStatus Free(ulong address)
    {
        HeapStatus status = Locate(address, out int index);
        return status != HeapStatus.Ok ? status : FreeCell(index);
    }

    /// <summary>As <see cref="Free"/>, by cell index (the simulator keeps indices, not
    /// addresses): <see cref="HeapStatus.OutOfRange"/> for an index outside the page,
    /// <see cref="HeapStatus.NotAllocated"/> for a free cell.</summary>
    public HeapStatus FreeCell(int index)
    {
        if ((uint)index >= (uint)Capacity)
        {
            return HeapStatus.OutOfRange;
        }

        if (!IsSet(_allocated, index))
        {
            return HeapStatus.NotAllocated;
        }

        int word = index >> WordShift;
        _allocated[word] &= ~Bit(index);
        _marked[word] &= ~Bit(index);
        _count--;
        _hint = Math.Min(_hint, word);
        return HeapStatus.Ok;
    }

    /// <summary>The conservative filter: when <paramref name="anyAddress"/> lies in an
    /// allocated cell (its object address, an interior address, or its past-the-end address
    /// as described on the class), returns true and that cell's object address. False, with
    /// 0, for free cells, the page header, the slack after the last cell and addresses
    /// outside the page.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryFindObject(ulong anyAddress, out ulong objectStart)
    {
        Locate(anyAddress, out int index);
        if (index >= 0 && IsSet(_allocated, index))
        {
            objectStart = ObjectAddress(index);
            return true;
        }

        objectStart = 0;
        return false;
    }

    /// <summary>True when <paramref name="address"/> is the object address of an allocated
    /// cell.</summary>
    public bool IsAllocated(ulong address) =>
        Locate(address, out int index) == HeapStatus.Ok && IsSet(_allocated, index);

    /// <summary>Marks the allocated object at <paramref name="objectStart"/> (an exact object
    /// address; map other addresses with <see cref="TryFindObject"/> first). Returns true only
    /// when the mark was newly set, i.e. the collector should trace the object now; false when
    /// it was already marked or the address is not an allocated object.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Mark(ulong objectStart)
    {
        if (Locate(objectStart, out int index) != HeapStatus.Ok || !IsSet(_allocated, index) || IsSet(_marked, index))
        {
            return false;
        }

        _marked[index >> WordShift] |= Bit(index);
        return true;
    }

    /// <summary>True when <paramref name="objectStart"/> is an allocated, marked object.</summary>
    public bool IsMarked(ulong objectStart) =>
        Locate(objectStart, out int index) == HeapStatus.Ok && IsSet(_marked, index);

    /// <summary>The first marked cell at or after <paramref name="fromCell"/>, or -1 when
    /// there is none; for walking the marked objects (the collector's mark-stack overflow
    /// recovery). O(Capacity / 64).</summary>
    public int NextMarked(int fromCell)
    {
        if (fromCell < 0)
        {
            fromCell = 0;
        }

        for (int w = fromCell >> WordShift; w < _words; w++)
        {
            ulong bits = _marked[w];
            if (w == fromCell >> WordShift)
            {
                bits &= ulong.MaxValue << (fromCell & (WordBits - 1));
            }

            if (bits != 0)
            {
                return (w << WordShift) + BitOperations.TrailingZeroCount(bits);
            }
        }

        return -1;
    }

    /// <summary>Frees every allocated cell that is not marked, clears all marks and returns
    /// how many cells were freed. O(Capacity / 64).</summary>
    public int Sweep()
    {
        int freed = 0;
        int lowest = -1;
        for (int w = 0; w < _words; w++)
        {
            // Marked cells are always allocated, so the survivors are exactly the marks.
            ulong dead = _allocated[w] & ~_marked[w];
            if (dead != 0)
            {
                freed += BitOperations.PopCount(dead);
                if (lowest < 0)
                {
                    lowest = w;
                }
            }

            _allocated[w] = _marked[w];
            _marked[w] = 0;
        }

        _count -= freed;
        if (lowest >= 0)
        {
            _hint = Math.Min(_hint, lowest);
        }

        return freed;
    }
}

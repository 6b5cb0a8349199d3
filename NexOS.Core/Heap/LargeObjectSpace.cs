namespace NexOS.Core.Heap;

/// <summary>A run of memory holding one large object: [Start, Start + Length).</summary>
public readonly record struct HeapRun(ulong Start, ulong Length);

/// <summary>
/// Bookkeeping for large objects (above <see cref="SizeClasses.LargestSize"/>), each in its
/// own run of memory that the kernel takes from its frame allocator. Runs are kept sorted by
/// start address in fixed arrays sized at construction, so every lookup is a binary search.
/// A run is identified by its start, the address given to <see cref="Add"/>; where the kernel
/// places the object inside the run is its own business, and any address in the run maps back
/// to the start. The constructor allocates; afterwards nothing allocates or throws. Adding and
/// freeing shift the arrays (O(n)); large objects are few, so this stays cheap.
/// </summary>
public sealed class LargeObjectSpace
{
    private readonly ulong[] _starts;
    private readonly ulong[] _lengths;
    private readonly bool[] _marked;
    private int _count;
    private ulong _totalBytes;

    /// <summary>Makes room for <paramref name="capacity"/> runs. Throws
    /// <see cref="ArgumentOutOfRangeException"/> for a negative capacity.</summary>
    public LargeObjectSpace(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _starts = new ulong[capacity];
        _lengths = new ulong[capacity];
        _marked = new bool[capacity];
    }

    /// <summary>Most runs the space can record.</summary>
    public int Capacity => _starts.Length;

    /// <summary>Runs currently recorded.</summary>
    public int Count => _count;

    /// <summary>Sum of the lengths of the recorded runs.</summary>
    public ulong TotalBytes => _totalBytes;

    /// <summary>Records the run [<paramref name="address"/>, address + length), unmarked.
    /// Returns <see cref="HeapStatus.Misaligned"/> for an address that is not 8-aligned,
    /// <see cref="HeapStatus.OutOfRange"/> for a zero length or a run that wraps past the top
    /// of the address space, <see cref="HeapStatus.Overlaps"/> when it overlaps a recorded run
    /// and <see cref="HeapStatus.Full"/> when <see cref="Capacity"/> runs are recorded.</summary>
    public HeapStatus Add(ulong address, ulong length)
    {
        if ((address & (SizeClasses.Granule - 1)) != 0)
        {
            return HeapStatus.Misaligned;
        }

        // Comparing last bytes rather than ends lets a run reach the very top of memory.
        if (length == 0 || length - 1 > ulong.MaxValue - address)
        {
            return HeapStatus.OutOfRange;
        }

        int before = SortedAddresses.Floor(_starts.AsSpan(0, _count), address);
        bool hitsBefore = before >= 0 && address - _starts[before] < _lengths[before];
        bool hitsAfter = before + 1 < _count && _starts[before + 1] - address < length;
        if (hitsBefore || hitsAfter)
        {
            return HeapStatus.Overlaps;
        }

        if (_count == _starts.Length)
        {
            return HeapStatus.Full;
        }

        int at = before + 1;
        int tail = _count - at;
        _starts.AsSpan(at, tail).CopyTo(_starts.AsSpan(at + 1));
        _lengths.AsSpan(at, tail).CopyTo(_lengths.AsSpan(at + 1));
        _marked.AsSpan(at, tail).CopyTo(_marked.AsSpan(at + 1));
        _starts[at] = address;
        _lengths[at] = length;
        _marked[at] = false;
        _count++;
        _totalBytes += length;
        return HeapStatus.Ok;
    }

    /// <summary>Forgets the run starting at <paramref name="start"/> (its memory goes back to
    /// the kernel). Returns <see cref="HeapStatus.Misaligned"/> for an address inside a run
    /// but not its start and <see cref="HeapStatus.NotAllocated"/> for one in no run.</summary>
    public HeapStatus Free(ulong start)
    {
        HeapStatus status = Locate(start, out int index);
        if (status == HeapStatus.Ok)
        {
            RemoveAt(index);
        }

        return status;
    }

    /// <summary>When <paramref name="anyAddress"/> lies in a recorded run, returns true and
    /// the run; otherwise false and an empty run.</summary>
    public bool TryFindRun(ulong anyAddress, out HeapRun run)
    {
        int index = SortedAddresses.Floor(_starts.AsSpan(0, _count), anyAddress);
        if (index >= 0 && anyAddress - _starts[index] < _lengths[index])
        {
            run = new HeapRun(_starts[index], _lengths[index]);
            return true;
        }

        run = default;
        return false;
    }

    /// <summary>The first run starting at or above <paramref name="address"/>, for walking
    /// every run in address order: true and the run, or false and an empty run when there is
    /// none.</summary>
    public bool TryFindNextRun(ulong address, out HeapRun run)
    {
        int index = SortedAddresses.Floor(_starts.AsSpan(0, _count), address);
        if (index < 0 || _starts[index] != address)
        {
            index++;
        }

        if (index < _count)
        {
            run = new HeapRun(_starts[index], _lengths[index]);
            return true;
        }

        run = default;
        return false;
    }

    /// <summary>The conservative filter: when <paramref name="anyAddress"/> lies in a
    /// recorded run, returns true and the run's start; otherwise false and 0.</summary>
    public bool TryFindObject(ulong anyAddress, out ulong start)
    {
        bool found = TryFindRun(anyAddress, out HeapRun run);
        start = run.Start;
        return found;
    }

    /// <summary>Marks the run starting at <paramref name="start"/>. True only when the mark
    /// was newly set; false when already marked or when no run starts there.</summary>
    public bool Mark(ulong start)
    {
        if (Locate(start, out int index) != HeapStatus.Ok || _marked[index])
        {
            return false;
        }

        _marked[index] = true;
        return true;
    }

    /// <summary>True when a run starts at <paramref name="start"/> and is marked.</summary>
    public bool IsMarked(ulong start) => Locate(start, out int index) == HeapStatus.Ok && _marked[index];

    /// <summary>
    /// Removes unmarked runs, writing each into <paramref name="freed"/> so the kernel can
    /// return its memory, and returns how many it wrote. When <paramref name="freed"/> fills
    /// up before every unmarked run is out, <paramref name="complete"/> is false and all marks
    /// are left in place: call again with more room. When it is true every unmarked run has
    /// been removed and the survivors' marks are cleared, ready for the next collection.
    /// </summary>
    public int Sweep(Span<HeapRun> freed, out bool complete)
    {
        int written = 0;
        int kept = 0;
        complete = true;
        for (int i = 0; i < _count; i++)
        {
            if (!_marked[i] && written < freed.Length)
            {
                freed[written++] = new HeapRun(_starts[i], _lengths[i]);
                _totalBytes -= _lengths[i];
                continue;
            }

            complete &= _marked[i];
            _starts[kept] = _starts[i];
            _lengths[kept] = _lengths[i];
            _marked[kept] = _marked[i];
            kept++;
        }

        _count = kept;
        if (complete)
        {
            _marked.AsSpan(0, kept).Clear();
        }

        return written;
    }

    private HeapStatus Locate(ulong address, out int index)
    {
        index = SortedAddresses.Floor(_starts.AsSpan(0, _count), address);
        if (index < 0 || address - _starts[index] >= _lengths[index])
        {
            return HeapStatus.NotAllocated;
        }

        return address == _starts[index] ? HeapStatus.Ok : HeapStatus.Misaligned;
    }

    private void RemoveAt(int index)
    {
        _totalBytes -= _lengths[index];
        int tail = _count - index - 1;
        _starts.AsSpan(index + 1, tail).CopyTo(_starts.AsSpan(index));
        _lengths.AsSpan(index + 1, tail).CopyTo(_lengths.AsSpan(index));
        _marked.AsSpan(index + 1, tail).CopyTo(_marked.AsSpan(index));
        _count--;
    }
}

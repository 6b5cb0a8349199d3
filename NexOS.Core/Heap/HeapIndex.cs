using System.Diagnostics.CodeAnalysis;

namespace NexOS.Core.Heap;

/// <summary>
/// Every small-object page of the heap, sorted by base address, so that any address maps to
/// its page in O(log n): what the collector needs to filter conservative stack words and to
/// check heap references. <see cref="Add"/> and <see cref="Remove"/> run when pages come and
/// go and may allocate (the arrays grow by doubling); every other member is allocation-free
/// and, apart from <see cref="PageAt"/>'s index check, never throws. Not thread-safe.
/// </summary>
public sealed class HeapIndex
{
    private ulong[] _bases;
    private HeapPage[] _pages;
    private int _count;

    /// <summary>Makes room for <paramref name="initialCapacity"/> pages before the first
    /// growth. Throws <see cref="ArgumentOutOfRangeException"/> when it is below 1.</summary>
    public HeapIndex(int initialCapacity = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initialCapacity, 1);
        _bases = new ulong[initialCapacity];
        _pages = new HeapPage[initialCapacity];
    }

    /// <summary>Pages recorded.</summary>
    public int Count => _count;

    /// <summary>The <paramref name="index"/>th page in address order (0 to Count - 1), for
    /// walking the heap without an enumerator. Throws for an index out of range.</summary>
    public HeapPage PageAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
        return _pages[index];
    }

    /// <summary>Records <paramref name="page"/>. Returns <see cref="HeapStatus.Overlaps"/>,
    /// changing nothing, when it overlaps a recorded page (the same page included).</summary>
    public HeapStatus Add(HeapPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        ulong start = page.BaseAddress;
        int before = SortedAddresses.Floor(_bases.AsSpan(0, _count), start);
        bool hitsBefore = before >= 0 && start - _bases[before] < HeapPage.PageSize;
        bool hitsAfter = before + 1 < _count && _bases[before + 1] - start < HeapPage.PageSize;
        if (hitsBefore || hitsAfter)
        {
            return HeapStatus.Overlaps;
        }

        if (_count == _bases.Length)
        {
            Array.Resize(ref _bases, _count * 2);
            Array.Resize(ref _pages, _count * 2);
        }

        int at = before + 1;
        int tail = _count - at;
        _bases.AsSpan(at, tail).CopyTo(_bases.AsSpan(at + 1));
        _pages.AsSpan(at, tail).CopyTo(_pages.AsSpan(at + 1));
        _bases[at] = start;
        _pages[at] = page;
        _count++;
        return HeapStatus.Ok;
    }

    /// <summary>Forgets <paramref name="page"/> (this exact instance). False when it is not
    /// recorded.</summary>
    public bool Remove(HeapPage page)
    {
        int index = SortedAddresses.Floor(_bases.AsSpan(0, _count), page.BaseAddress);
        if (index < 0 || !ReferenceEquals(_pages[index], page))
        {
            return false;
        }

        int tail = _count - index - 1;
        _bases.AsSpan(index + 1, tail).CopyTo(_bases.AsSpan(index));
        _pages.AsSpan(index + 1, tail).CopyTo(_pages.AsSpan(index));
        _count--;
        _pages[_count] = null!; // let the page go once the kernel drops it
        return true;
    }

    /// <summary>The page containing <paramref name="address"/> (header included): true and
    /// the page, or false and null.</summary>
    public bool TryFindPage(ulong address, [NotNullWhen(true)] out HeapPage? page)
    {
        int index = SortedAddresses.Floor(_bases.AsSpan(0, _count), address);
        if (index >= 0 && address - _bases[index] < HeapPage.PageSize)
        {
            page = _pages[index];
            return true;
        }

        page = null;
        return false;
    }

    /// <summary>The conservative filter over every page: see
    /// <see cref="HeapPage.TryFindObject"/>. False, with 0, outside every page.</summary>
    public bool TryFindObject(ulong anyAddress, out ulong objectStart)
    {
        if (TryFindPage(anyAddress, out HeapPage? page))
        {
            return page.TryFindObject(anyAddress, out objectStart);
        }

        objectStart = 0;
        return false;
    }

    /// <summary>Sweeps every page (<see cref="HeapPage.Sweep"/>) and returns the cells freed
    /// in all. Empty pages stay recorded; the kernel decides which to give back.</summary>
    public int Sweep()
    {
        int freed = 0;
        for (int i = 0; i < _count; i++)
        {
            freed += _pages[i].Sweep();
        }

        return freed;
    }

    /// <summary>
    /// Bytes in allocated and in free cells per size class, summed over every page: entry c
    /// of <paramref name="allocatedBytes"/> and <paramref name="freeBytes"/> is for class c.
    /// Entries past <see cref="SizeClasses.Count"/> are set to 0; classes past a span's length
    /// are left out. Page headers and tail slack count in neither.
    /// </summary>
    public void GetClassStatistics(Span<ulong> allocatedBytes, Span<ulong> freeBytes)
    {
        allocatedBytes.Clear();
        freeBytes.Clear();
        for (int i = 0; i < _count; i++)
        {
            HeapPage page = _pages[i];
            int c = page.SizeClass;
            if (c < allocatedBytes.Length)
            {
                allocatedBytes[c] += (ulong)page.Count * page.CellSize;
            }

            if (c < freeBytes.Length)
            {
                freeBytes[c] += (ulong)page.FreeCells * page.CellSize;
            }
        }
    }
}

namespace NexOS.Runtime.Gc;

/// <summary>
/// A growable list of words in native memory (the boot heap), for the collector's own books:
/// it must not live in the heap it collects. Growing copies into a block twice the size and
/// abandons the old one, so the waste stays below the list's own size. Not thread-safe:
/// callers hold interrupts off.
/// </summary>
internal unsafe struct NativeList
{
    private ulong* _items;
    private int _count;
    private int _capacity;

    public readonly int Count => _count;

    /// <summary>The item at <paramref name="index"/>; the caller keeps it below Count.</summary>
    public readonly ulong this[int index] => _items[index];

    /// <summary>Appends <paramref name="value"/>; false (nothing added) when no memory is left.</summary>
    public bool Add(ulong value)
    {
        if (_count == _capacity && !Grow())
        {
            return false;
        }

        _items[_count++] = value;
        return true;
    }

    /// <summary>Replaces the item at <paramref name="index"/> (below Count).</summary>
    public readonly void Set(int index, ulong value) => _items[index] = value;

    /// <summary>Removes the item at <paramref name="index"/> by moving the last one into its
    /// place (order is not kept).</summary>
    public void RemoveAtSwap(int index)
    {
        _items[index] = _items[--_count];
    }

    private bool Grow()
    {
        int capacity = _capacity == 0 ? 256 : _capacity * 2;
        var items = (ulong*)BootHeap.Allocate((ulong)capacity * sizeof(ulong));
        if (items == null)
        {
            return false;
        }

        if (_count > 0)
        {
            Buffer.MemoryCopy(_items, items, (ulong)capacity * sizeof(ulong), (ulong)_count * sizeof(ulong));
        }

        _items = items;
        _capacity = capacity;
        return true;
    }
}

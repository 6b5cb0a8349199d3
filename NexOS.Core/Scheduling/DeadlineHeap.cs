namespace NexOS.Core.Scheduling;

/// <summary>
/// A binary min-heap of threads keyed by <see cref="SchedNode.DeadlineNs"/> (ties broken by
/// thread id, so the order is deterministic), over an array allocated up front. Each thread's
/// position is kept in <see cref="SchedNode.HeapIndex"/>, which makes removal of an arbitrary
/// thread O(log n). Nothing allocates except <see cref="EnsureCapacity"/>, which the real-time
/// policy calls only from admission.
/// </summary>
internal sealed class DeadlineHeap
{
    private SchedThread[] _items;

    public DeadlineHeap(int capacity)
    {
        _items = new SchedThread[Math.Max(capacity, 1)];
    }

    public int Count { get; private set; }

    public int Capacity => _items.Length;

    /// <summary>The thread with the earliest deadline, or null when the heap is empty.</summary>
    public SchedThread? Top => Count == 0 ? null : _items[0];

    /// <summary>Grows the array to hold at least <paramref name="capacity"/> threads. Allocates;
    /// never call it with interrupts off.</summary>
    public void EnsureCapacity(int capacity)
    {
        if (capacity <= _items.Length)
        {
            return;
        }

        var items = new SchedThread[capacity];
        Array.Copy(_items, items, Count);
        _items = items;
    }

    /// <summary>Inserts <paramref name="thread"/>. Returns false when the heap is full, which
    /// admission control prevents (capacity is at least the number of admitted threads).</summary>
    public bool Push(SchedThread thread, SchedNode node)
    {
        if (Count == _items.Length)
        {
            return false;
        }

        _items[Count] = thread;
        node.HeapIndex = Count;
        Count++;
        SiftUp(Count - 1);
        return true;
    }

    /// <summary>Removes and returns the earliest-deadline thread, or null when empty.</summary>
    public SchedThread? Pop()
    {
        if (Count == 0)
        {
            return null;
        }

        SchedThread top = _items[0];
        RemoveAt(0);
        return top;
    }

    /// <summary>Removes the thread whose node says it sits at <paramref name="index"/>.</summary>
    public void RemoveAt(int index)
    {
        SchedThread removed = _items[index];
        Count--;
        if (index != Count)
        {
            Place(_items[Count], index);
            _items[Count] = null!;
            SiftDown(index);
            SiftUp(index);
        }
        else
        {
            _items[Count] = null!;
        }

        SchedNode? node = SchedNode.Find(removed);
        if (node != null)
        {
            node.HeapIndex = -1;
        }
    }

    /// <summary>Restores the heap order after the top thread's deadline grew.</summary>
    public void TopKeyIncreased() => SiftDown(0);

    private void SiftUp(int index)
    {
        // Each step halves the index, so the loop runs at most log2(Count) times.
        while (index > 0)
        {
            int parent = (index - 1) / 2;
            if (!Earlier(_items[index], _items[parent]))
            {
                return;
            }

            Swap(index, parent);
            index = parent;
        }
    }

    private void SiftDown(int index)
    {
        // Each step at least doubles the index, so the loop runs at most log2(Count) times.
        while (true)
        {
            int left = (2 * index) + 1;
            if (left >= Count)
            {
                return;
            }

            int child = left + 1 < Count && Earlier(_items[left + 1], _items[left]) ? left + 1 : left;
            if (!Earlier(_items[child], _items[index]))
            {
                return;
            }

            Swap(index, child);
            index = child;
        }
    }

    private void Swap(int a, int b)
    {
        SchedThread first = _items[a];
        Place(_items[b], a);
        Place(first, b);
    }

    private void Place(SchedThread thread, int index)
    {
        _items[index] = thread;
        SchedNode? node = SchedNode.Find(thread);
        if (node != null)
        {
            node.HeapIndex = index;
        }
    }

    private static bool Earlier(SchedThread a, SchedThread b)
    {
        ulong da = SchedNode.Find(a)?.DeadlineNs ?? ulong.MaxValue;
        ulong db = SchedNode.Find(b)?.DeadlineNs ?? ulong.MaxValue;
        return da < db || (da == db && a.Id < b.Id);
    }
}

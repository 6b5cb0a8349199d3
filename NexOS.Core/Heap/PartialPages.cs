namespace NexOS.Core.Heap;

/// <summary>
/// Per size class, the pages a collection left partly used, in address order, and the
/// placement decision: which of them the next run of a class comes from under
/// <see cref="PlacementSettings"/>. Shared by the kernel's heap and the allocator simulator so
/// that both make the same choice. Lists go through <see cref="HeapPage.Next"/>; after
/// construction nothing here allocates or throws (a bad class number gives null).
/// </summary>
public sealed class PartialPages
{
    private readonly HeapPage?[] _heads = new HeapPage?[SizeClasses.Count];

    /// <summary>Pages looked at by <see cref="Take"/> since construction: the cost of the
    /// choice, which the simulator reports.</summary>
    public ulong Steps { get; private set; }

    /// <summary>Runs served from a larger class's page since construction.</summary>
    public ulong Borrowed { get; private set; }

    /// <summary>Forgets every list (a collection rebuilds them).</summary>
    public void Clear()
    {
        for (int c = 0; c < _heads.Length; c++)
        {
            _heads[c] = null;
        }
    }

    /// <summary>Puts <paramref name="page"/> in front of its class's list. A collection walks
    /// the pages from the highest address down, so each list ends up in address order.</summary>
    public void Push(HeapPage page)
    {
        int c = page.SizeClass;
        page.Next = _heads[c];
        _heads[c] = page;
    }

    /// <summary>The first page of class <paramref name="sizeClass"/>'s list, or null.</summary>
    public HeapPage? First(int sizeClass) => (uint)sizeClass < (uint)_heads.Length ? _heads[sizeClass] : null;

    /// <summary>
    /// Unlinks and returns the page the next run of <paramref name="sizeClass"/> comes from:
    /// the first page of its own list that <paramref name="settings"/> reuses, else the first
    /// reusable page of the nearest larger class it may borrow from; null when none (the
    /// caller takes a spare or a fresh page). With the defaults this is the head of the own
    /// list, today's behaviour, in O(1).
    /// </summary>
    public HeapPage? Take(int sizeClass, in PlacementSettings settings)
    {
        if ((uint)sizeClass >= (uint)_heads.Length)
        {
            return null;
        }

        HeapPage? page = TakeFrom(sizeClass, settings);
        for (int c = sizeClass + 1; page == null && c < _heads.Length && settings.MayBorrow(sizeClass, c); c++)
        {
            page = TakeFrom(c, settings);
            Borrowed += page != null ? 1UL : 0;
        }

        return page;
    }

    private HeapPage? TakeFrom(int c, in PlacementSettings settings)
    {
        HeapPage? previous = null;
        for (HeapPage? page = _heads[c]; page != null; previous = page, page = page.Next)
        {
            Steps++;
            if (settings.Reuses(page))
            {
                if (previous == null)
                {
                    _heads[c] = page.Next;
                }
                else
                {
                    previous.Next = page.Next;
                }

                page.Next = null;
                return page;
            }
        }

        return null;
    }
}

using System.Runtime.InteropServices;
using NexOS.Core.Heap;

namespace NexOS.Bench.Alloc;

/// <summary>
/// NexOS's small-object heap on the host: the kernel's own <see cref="HeapPage"/>,
/// <see cref="HeapIndex"/> and <see cref="SizeClasses"/>, driven as
/// NexOS.Runtime/Gc/GcHeap*.cs drives them. The fast path bumps a cursor through the
/// class's run of free cells; the slow path takes the next run (at most 4 KiB) from the
/// class's page, zeroes it, and moves on to a partly free page, a spare page or a new one.
/// Pages are 64 KiB from NativeMemory.AlignedAlloc instead of page frames.
/// <para>
/// The heap is garbage collected, so <see cref="Free"/> does nothing: the trace's slot table
/// is the root set. When allocation since the last collection reaches the budget (the
/// kernel's defaults: at least 4 MiB, else as much as survived), a collection marks every cell
/// a slot still holds and sweeps every page, giving empty pages back beyond 8 spares. Both
/// run inside the timed trace, so a trace's time is its allocations plus its collections.
/// </para>
/// </summary>
public sealed unsafe class NexOSHeap : IAllocator
{
    private const ulong RunBytes = 4096;
    private const ulong MinBudget = 4096 * 1024;
    private const int SparePages = 8;
    private const ulong PageMask = HeapPage.PageSize - 1;

    private readonly nint[] _roots;
    private readonly ulong* _cursor;
    private readonly ulong* _limit;
    private readonly ulong* _cellBytes;
    private readonly byte* _classBySize;
    private readonly HeapPage?[] _current = new HeapPage?[SizeClasses.Count];
    private readonly HeapPage?[] _partial = new HeapPage?[SizeClasses.Count];
    private readonly HeapIndex _index = new(64);
    private readonly Dictionary<ulong, HeapPage> _pageMap = [];
    private HeapPage? _spare;
    private int _spareCount;
    private HeapPage? _unusedDescriptors;
    private ulong _allocatedSinceGc;
    private ulong _budget = MinBudget;

    public NexOSHeap(nint[] roots)
    {
        _roots = roots;
        _cursor = (ulong*)NativeMemory.AllocZeroed(SizeClasses.Count, sizeof(ulong));
        _limit = (ulong*)NativeMemory.AllocZeroed(SizeClasses.Count, sizeof(ulong));
        _cellBytes = (ulong*)NativeMemory.Alloc(SizeClasses.Count, sizeof(ulong));
        _classBySize = (byte*)NativeMemory.Alloc((nuint)(SizeClasses.LargestSize / 8) + 1);
        for (int c = 0; c < SizeClasses.Count; c++)
        {
            _cellBytes[c] = SizeClasses.SizeOf(c);
        }

        for (ulong units = 0; units <= SizeClasses.LargestSize / 8; units++)
        {
            _classBySize[units] = (byte)SizeClasses.ClassFor(units * 8);
        }
    }

    public string Name => "NexOS";

    public int Collections { get; private set; }

    public long HeldBytes => (long)((ulong)_index.Count * HeapPage.PageSize);

    /// <summary>A cell for <paramref name="size"/> bytes of payload plus the object header
    /// word, as a NativeAOT object's base size counts it; the object address is returned.</summary>
    public nint Allocate(int size)
    {
        ulong aligned = ((ulong)size + 8 + 7) & ~7UL;
        int sizeClass = aligned <= SizeClasses.LargestSize ? _classBySize[aligned >> 3] : -1;
        if (sizeClass >= 0)
        {
            ulong cursor = _cursor[sizeClass];
            if (cursor < _limit[sizeClass])
            {
                _cursor[sizeClass] = cursor + _cellBytes[sizeClass];
                return (nint)cursor;
            }
        }

        return TakeSlow(sizeClass);
    }

    /// <summary>Nothing: the cell is free once no slot holds it, at the next collection.</summary>
    public void Free(nint p)
    {
    }

    /// <summary>A collection, so the next trace starts from a swept heap.</summary>
    public void Trim() => Collect();

    private nint TakeSlow(int sizeClass)
    {
        if (sizeClass < 0)
        {
            throw new NotSupportedException("the traces stay below the large-object size");
        }

        if (_allocatedSinceGc >= _budget)
        {
            Collect();
        }

        if (!Refill(sizeClass))
        {
            throw new OutOfMemoryException();
        }

        ulong cursor = _cursor[sizeClass];
        _cursor[sizeClass] = cursor + _cellBytes[sizeClass];
        return (nint)cursor;
    }

    private bool Refill(int sizeClass)
    {
        HeapPage? page = _current[sizeClass];
        ulong start;
        int count;
        int maxCells = (int)Math.Max(1, RunBytes / _cellBytes[sizeClass]);
        while (page == null || !page.TryTakeRun(maxCells, out start, out count))
        {
            page = NextPage(sizeClass);
            if (page == null)
            {
                return false;
            }

            _current[sizeClass] = page;
        }

        ulong bytes = (ulong)count * page.CellSize;
        _allocatedSinceGc += bytes;
        NativeMemory.Clear((void*)(start - 8), (nuint)bytes);
        _cursor[sizeClass] = start;
        _limit[sizeClass] = start + bytes;
        return true;
    }

    private HeapPage? NextPage(int sizeClass)
    {
        HeapPage? page = _partial[sizeClass];
        if (page != null)
        {
            _partial[sizeClass] = page.Next;
            page.Next = null;
            return page;
        }

        page = _spare;
        if (page != null)
        {
            _spare = page.Next;
            _spareCount--;
            page.Reinitialize(page.BaseAddress, sizeClass);
            return page;
        }

        ulong memory = (ulong)NativeMemory.AlignedAlloc((nuint)HeapPage.PageSize, (nuint)HeapPage.PageSize);
        page = _unusedDescriptors;
        if (page != null)
        {
            _unusedDescriptors = page.Next;
            page.Reinitialize(memory, sizeClass);
        }
        else
        {
            page = new HeapPage(memory, sizeClass);
        }

        _index.Add(page);
        _pageMap[memory] = page;
        return page;
    }

    /// <summary>Marks the cells the slots hold, then sweeps as GcHeap.Sweep does.</summary>
    private void Collect()
    {
        Collections++;
        foreach (nint root in _roots)
        {
            if (root != 0)
            {
                _pageMap[(ulong)root & ~PageMask].Mark((ulong)root);
            }
        }

        for (int c = 0; c < SizeClasses.Count; c++)
        {
            _cursor[c] = 0;
            _limit[c] = 0;
            _current[c] = null;
            _partial[c] = null;
        }

        _index.Sweep();
        ulong live = 0;
        for (int i = _index.Count - 1; i >= 0; i--)
        {
            HeapPage page = _index.PageAt(i);
            if (page.IsEmpty)
            {
                if (!IsSpare(page))
                {
                    if (_spareCount < SparePages)
                    {
                        page.Next = _spare;
                        _spare = page;
                        _spareCount++;
                    }
                    else
                    {
                        Release(page);
                    }
                }

                continue;
            }

            live += (ulong)page.Count * page.CellSize;
            if (!page.IsFull)
            {
                page.Next = _partial[page.SizeClass];
                _partial[page.SizeClass] = page;
            }
        }

        _allocatedSinceGc = 0;
        _budget = Math.Max(MinBudget, live);
    }

    private bool IsSpare(HeapPage page)
    {
        for (HeapPage? p = _spare; p != null; p = p.Next)
        {
            if (p == page)
            {
                return true;
            }
        }

        return false;
    }

    private void Release(HeapPage page)
    {
        _index.Remove(page);
        _pageMap.Remove(page.BaseAddress);
        NativeMemory.AlignedFree((void*)page.BaseAddress);
        page.Next = _unusedDescriptors;
        _unusedDescriptors = page;
    }

    public void Dispose()
    {
        for (int i = _index.Count - 1; i >= 0; i--)
        {
            NativeMemory.AlignedFree((void*)_index.PageAt(i).BaseAddress);
        }

        NativeMemory.Free(_cursor);
        NativeMemory.Free(_limit);
        NativeMemory.Free(_cellBytes);
        NativeMemory.Free(_classBySize);
    }
}

namespace NexOS.Core.Processes;

/// <summary>Access a program asked for on a region of its memory.</summary>
[Flags]
public enum RegionAccess
{
    None = 0,
    Read = 1,
    Write = 2,
    Execute = 4,
}

/// <summary>How a region operation ended.</summary>
public enum RegionStatus
{
    Ok,

    /// <summary>Address or length not page aligned, zero, wrapping, or outside the range the map covers.</summary>
    BadRange,

    /// <summary>Part of the range is already reserved.</summary>
    InUse,

    /// <summary>Part of the range is not reserved.</summary>
    NotReserved,

    /// <summary>No free stretch is long enough, or the map holds <see cref="RegionMap.MaxRegions"/>.</summary>
    Full,

    /// <summary>The access asks for write and execute at once, or for bits that do not exist.</summary>
    BadAccess,
}

/// <summary>One reserved stretch of a program's address space.</summary>
public readonly record struct Region(ulong Start, ulong End, RegionAccess Access)
{
    public ulong Length => End - Start;
}

/// <summary>
/// The memory a program has asked for with MemoryMap: reserved page-aligned stretches of its
/// address space inside [<see cref="Low"/>, <see cref="High"/>), each with the access it was
/// given. Pages arrive on first touch, so the map, not the page tables, says whether an
/// address is the program's; the page-fault handler asks <see cref="Find"/>. Regions are kept
/// sorted and never overlap; adjacent regions of equal access are merged. Reserving,
/// releasing and protecting split regions where a range cuts one. The list is bounded
/// (<see cref="MaxRegions"/>) and preallocated, so no operation allocates; each is linear in
/// the number of regions. Not thread-safe: the owner serialises calls.
/// </summary>
public sealed class RegionMap
{
    /// <summary>The most regions one program may hold.</summary>
    public const int MaxRegions = 1024;

    private const ulong Page = 4096;

    private readonly Region[] _regions = new Region[MaxRegions];
    private int _count;

    /// <summary>Creates a map for [<paramref name="low"/>, <paramref name="high"/>); both page
    /// aligned, low below high. Throws <see cref="ArgumentException"/> otherwise (set-up only).</summary>
    public RegionMap(ulong low, ulong high)
    {
        if (low % Page != 0 || high % Page != 0 || low >= high)
        {
            throw new ArgumentException("the range must be page aligned and not empty");
        }

        Low = low;
        High = high;
    }

    public ulong Low { get; }

    public ulong High { get; }

    public int Count => _count;

    /// <summary>Bytes reserved in all regions.</summary>
    public ulong ReservedBytes
    {
        get
        {
            ulong total = 0;
            for (int i = 0; i < _count; i++)
            {
                total += _regions[i].Length;
            }

            return total;
        }
    }

    /// <summary>The region at <paramref name="index"/> (0 to <see cref="Count"/> - 1), lowest first.</summary>
    public Region this[int index] => (uint)index < (uint)_count ? _regions[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>True when write and execute are not asked for together and no unknown bit is set.</summary>
    public static bool IsValidAccess(RegionAccess access) =>
        (access & ~(RegionAccess.Read | RegionAccess.Write | RegionAccess.Execute)) == 0
        && (access & (RegionAccess.Write | RegionAccess.Execute)) != (RegionAccess.Write | RegionAccess.Execute);

    /// <summary>The region holding <paramref name="address"/>, or false.</summary>
    public bool Find(ulong address, out Region region)
    {
        int lo = 0, hi = _count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >> 1;
            Region r = _regions[mid];
            if (address < r.Start)
            {
                hi = mid - 1;
            }
            else if (address >= r.End)
            {
                lo = mid + 1;
            }
            else
            {
                region = r;
                return true;
            }
        }

        region = default;
        return false;
    }

    /// <summary>
    /// Reserves <paramref name="length"/> bytes with <paramref name="access"/>: at
    /// <paramref name="address"/> when it is not 0 (the whole range must be free), else at
    /// the lowest free stretch that fits. Returns the start in <paramref name="start"/>.
    /// </summary>
    public RegionStatus Reserve(ulong address, ulong length, RegionAccess access, out ulong start)
    {
        start = 0;
        if (!IsValidAccess(access))
        {
            return RegionStatus.BadAccess;
        }

        if (length == 0 || length % Page != 0 || length > High - Low)
        {
            return RegionStatus.BadRange;
        }

        if (address != 0)
        {
            if (!InBounds(address, length))
            {
                return RegionStatus.BadRange;
            }

            if (Overlaps(address, address + length))
            {
                return RegionStatus.InUse;
            }

            start = address;
        }
        else if (!FindFree(length, out start))
        {
            return RegionStatus.Full;
        }

        // Adding one region may need one slot (merging only ever frees slots).
        if (_count == MaxRegions)
        {
            start = 0;
            return RegionStatus.Full;
        }

        Insert(new Region(start, start + length, access));
        return RegionStatus.Ok;
    }

    /// <summary>Removes [<paramref name="address"/>, +<paramref name="length"/>) from the
    /// map; every byte of it must be reserved. A region cut in the middle becomes two.</summary>
    public RegionStatus Release(ulong address, ulong length) => Rewrite(address, length, RegionAccess.None, remove: true);

    /// <summary>Gives [<paramref name="address"/>, +<paramref name="length"/>) the access
    /// <paramref name="access"/>; every byte of it must be reserved.</summary>
    public RegionStatus Protect(ulong address, ulong length, RegionAccess access) =>
        IsValidAccess(access) ? Rewrite(address, length, access, remove: false) : RegionStatus.BadAccess;

    private bool InBounds(ulong address, ulong length) =>
        address % Page == 0 && length != 0 && length % Page == 0 && address >= Low && address <= High && length <= High - address;

    private bool Overlaps(ulong start, ulong end)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_regions[i].Start < end && start < _regions[i].End)
            {
                return true;
            }
        }

        return false;
    }

    private bool FindFree(ulong length, out ulong start)
    {
        ulong cursor = Low;
        for (int i = 0; i <= _count; i++)
        {
            ulong gapEnd = i < _count ? _regions[i].Start : High;
            if (gapEnd - cursor >= length)
            {
                start = cursor;
                return true;
            }

            if (i < _count)
            {
                cursor = _regions[i].End;
            }
        }

        start = 0;
        return false;
    }

    /// <summary>True when [start, end) is covered by regions with no gap.</summary>
    private bool Covered(ulong start, ulong end)
    {
        ulong cursor = start;
        for (int i = 0; i < _count && cursor < end; i++)
        {
            Region r = _regions[i];
            if (r.End <= cursor)
            {
                continue;
            }

            if (r.Start > cursor)
            {
                return false;
            }

            cursor = r.End;
        }

        return cursor >= end;
    }

    private RegionStatus Rewrite(ulong address, ulong length, RegionAccess access, bool remove)
    {
        if (!InBounds(address, length))
        {
            return RegionStatus.BadRange;
        }

        ulong end = address + length;
        if (!Covered(address, end))
        {
            return RegionStatus.NotReserved;
        }

        // Each end that falls inside a region splits it and takes a slot (merging afterwards
        // may give them back); check before changing anything.
        int needed = (CutsRegion(address) ? 1 : 0) + (CutsRegion(end) ? 1 : 0);
        if (_count + needed > MaxRegions)
        {
            return RegionStatus.Full;
        }

        Split(address);
        Split(end);
        for (int i = 0; i < _count; i++)
        {
            Region r = _regions[i];
            if (r.Start >= address && r.End <= end)
            {
                if (remove)
                {
                    RemoveAt(i);
                    i--;
                }
                else
                {
                    _regions[i] = r with { Access = access };
                }
            }
        }

        MergeAll();
        return RegionStatus.Ok;
    }

    private bool CutsRegion(ulong at) => Find(at, out Region r) && r.Start != at;

    /// <summary>Makes <paramref name="at"/> a region boundary when it falls inside one.</summary>
    private void Split(ulong at)
    {
        if (Find(at, out Region r) && r.Start != at)
        {
            int i = IndexOf(r.Start);
            _regions[i] = r with { End = at };
            InsertAt(i + 1, new Region(at, r.End, r.Access));
        }
    }

    private int IndexOf(ulong start)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_regions[i].Start == start)
            {
                return i;
            }
        }

        return -1;
    }

    private void Insert(Region region)
    {
        int i = 0;
        while (i < _count && _regions[i].Start < region.Start)
        {
            i++;
        }

        InsertAt(i, region);
        MergeAll();
    }

    private void InsertAt(int index, Region region)
    {
        Array.Copy(_regions, index, _regions, index + 1, _count - index);
        _regions[index] = region;
        _count++;
    }

    private void RemoveAt(int index)
    {
        Array.Copy(_regions, index + 1, _regions, index, _count - index - 1);
        _count--;
    }

    private void MergeAll()
    {
        for (int i = 0; i + 1 < _count; i++)
        {
            if (_regions[i].End == _regions[i + 1].Start && _regions[i].Access == _regions[i + 1].Access)
            {
                _regions[i] = _regions[i] with { End = _regions[i + 1].End };
                RemoveAt(i + 1);
                i--;
            }
        }
    }
}

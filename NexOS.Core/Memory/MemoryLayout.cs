namespace NexOS.Core.Memory;

/// <summary>
/// Works out which physical memory is free: the usable regions of the firmware's map minus
/// everything already taken (the kernel image, boot modules, the boot information itself).
/// It never allocates, so the kernel can run it before its heap exists.
/// </summary>
public static class MemoryLayout
{
    /// <summary>
    /// Writes the free ranges into <paramref name="output"/>, sorted and without overlaps, and
    /// returns how many it wrote. Usable regions may overlap each other and arrive unsorted
    /// (firmware maps do both). Reserved ranges may overlap anything. If
    /// <paramref name="output"/> is too small, the smallest ranges are the ones dropped and
    /// <paramref name="truncated"/> is set.
    /// </summary>
    public static int ComputeFree(
        ReadOnlySpan<PhysRange> usable,
        ReadOnlySpan<PhysRange> reserved,
        Span<PhysRange> output,
        out bool truncated)
    {
        truncated = false;
        int count = 0;
        foreach (PhysRange region in usable)
        {
            if (region.IsEmpty)
            {
                continue;
            }

            // Cut the region into the pieces that no reserved range covers, scanning the
            // reserved ranges in address order.
            ulong cursor = region.Start.Value;
            ulong end = region.End.Value;
            while (cursor < end)
            {
                ulong pieceEnd = end;
                ulong skipTo = cursor;
                foreach (PhysRange r in reserved)
                {
                    if (r.IsEmpty)
                    {
                        continue;
                    }

                    if (r.Start.Value <= cursor && r.End.Value > cursor)
                    {
                        skipTo = Math.Max(skipTo, r.End.Value);
                    }
                    else if (r.Start.Value > cursor && r.Start.Value < pieceEnd)
                    {
                        pieceEnd = r.Start.Value;
                    }
                }

                if (skipTo > cursor)
                {
                    cursor = Math.Min(skipTo, end);
                    continue;
                }

                Add(output, ref count, new PhysRange(new PhysAddr(cursor), new PhysAddr(pieceEnd)), ref truncated);
                cursor = pieceEnd;
            }
        }

        return Normalize(output[..count]);
    }

    /// <summary>Sum of the lengths of the ranges.</summary>
    public static ulong TotalLength(ReadOnlySpan<PhysRange> ranges)
    {
        ulong total = 0;
        foreach (PhysRange r in ranges)
        {
            total += r.Length;
        }

        return total;
    }

    /// <summary>The union of the ranges' lengths, counting overlapping bytes once.</summary>
    public static ulong UnionLength(ReadOnlySpan<PhysRange> ranges, Span<PhysRange> scratch)
    {
        int n = Math.Min(ranges.Length, scratch.Length);
        ranges[..n].CopyTo(scratch);
        int merged = Normalize(scratch[..n]);
        return TotalLength(scratch[..merged]);
    }

    /// <summary>Index of the longest range, or -1 when there is none.</summary>
    public static int Largest(ReadOnlySpan<PhysRange> ranges)
    {
        int best = -1;
        for (int i = 0; i < ranges.Length; i++)
        {
            if (best < 0 || ranges[i].Length > ranges[best].Length)
            {
                best = i;
            }
        }

        return best;
    }

    private static void Add(Span<PhysRange> output, ref int count, PhysRange range, ref bool truncated)
    {
        if (range.IsEmpty)
        {
            return;
        }

        if (count < output.Length)
        {
            output[count++] = range;
            return;
        }

        // Full: replace the smallest range if the new one is larger.
        truncated = true;
        int smallest = 0;
        for (int i = 1; i < count; i++)
        {
            if (output[i].Length < output[smallest].Length)
            {
                smallest = i;
            }
        }

        if (count > 0 && output[smallest].Length < range.Length)
        {
            output[smallest] = range;
        }
    }

    /// <summary>Sorts the ranges in place (insertion sort: maps are short) and merges overlapping
    /// or touching ones. Returns the new count.</summary>
    private static int Normalize(Span<PhysRange> ranges)
    {
        for (int i = 1; i < ranges.Length; i++)
        {
            PhysRange key = ranges[i];
            int j = i - 1;
            while (j >= 0 && ranges[j].Start > key.Start)
            {
                ranges[j + 1] = ranges[j];
                j--;
            }

            ranges[j + 1] = key;
        }

        int count = 0;
        foreach (PhysRange r in ranges)
        {
            if (r.IsEmpty)
            {
                continue;
            }

            if (count > 0 && r.Start <= ranges[count - 1].End)
            {
                PhysRange last = ranges[count - 1];
                ranges[count - 1] = new PhysRange(last.Start, r.End > last.End ? r.End : last.End);
            }
            else
            {
                ranges[count++] = r;
            }
        }

        return count;
    }
}

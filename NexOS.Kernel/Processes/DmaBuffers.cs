using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Memory;

namespace NexOS.Kernel.Processes;

/// <summary>
/// A process's DMA buffers that the IOMMU lets a device reach: each is a run of pages at a
/// virtual address of the process, the physical run behind it, and the PCI function it was
/// allocated for. When the process unmaps part of one, or ends, the pages are taken away from
/// the device (<see cref="Iommu.Unmap"/>, which also empties the IOTLB) before their frames
/// are freed. A fixed number of buffers per process, so recording one never allocates with
/// interrupts off.
/// </summary>
internal sealed class DmaBuffers
{
    /// <summary>Buffers one process may hold at once.</summary>
    public const int Capacity = 32;

    private readonly ulong[] _virtual = new ulong[Capacity];
    private readonly ulong[] _physical = new ulong[Capacity];
    private readonly int[] _pages = new int[Capacity];
    private readonly ushort[] _source = new ushort[Capacity];

    /// <summary>Buffers held.</summary>
    public int Count
    {
        get
        {
            int n = 0;
            foreach (int p in _pages)
            {
                n += p > 0 ? 1 : 0;
            }

            return n;
        }
    }

    /// <summary>Records a buffer; false when all <see cref="Capacity"/> are in use. Interrupts off.</summary>
    public bool Add(ulong virtualStart, ulong physical, int pages, ushort sourceId)
    {
        int free = Array.IndexOf(_pages, 0);
        if (free < 0 || pages <= 0)
        {
            return false;
        }

        _virtual[free] = virtualStart;
        _physical[free] = physical;
        _pages[free] = pages;
        _source[free] = sourceId;
        return true;
    }

    /// <summary>Takes the pages of [address, +length) away from their devices and forgets
    /// them; a buffer partly inside keeps the rest (split in two when the range is in its
    /// middle and a record is free; otherwise the rest goes too, which is safe, only less
    /// useful). Interrupts off.</summary>
    public void Release(ulong address, ulong length)
    {
        ulong end = address + length;
        for (int i = 0; i < Capacity; i++)
        {
            if (_pages[i] == 0)
            {
                continue;
            }

            ulong start = _virtual[i], stop = start + ((ulong)_pages[i] * 4096);
            ulong from = Math.Max(start, address), to = Math.Min(stop, end);
            if (from >= to)
            {
                continue;
            }

            bool tail = to < stop && (from == start || Array.IndexOf(_pages, 0) >= 0);
            ulong cutFrom = from, cutTo = tail ? to : stop;
            Iommu.Unmap(_source[i], _physical[i] + (cutFrom - start), (int)((cutTo - cutFrom) / 4096));
            ulong physical = _physical[i];
            ushort source = _source[i];
            _pages[i] = (int)((cutFrom - start) / 4096);
            if (tail)
            {
                // The part after the range stays the device's: a record of its own (or this
                // one, when nothing before the range is left).
                int pages = (int)((stop - cutTo) / 4096);
                ulong tailPhysical = physical + (cutTo - start);
                if (_pages[i] == 0)
                {
                    _virtual[i] = cutTo;
                    _physical[i] = tailPhysical;
                    _pages[i] = pages;
                }
                else
                {
                    _ = Add(cutTo, tailPhysical, pages, source);
                }
            }
        }
    }

    /// <summary>Takes every buffer away from its device: the process is ending. Interrupts off.</summary>
    public void ReleaseAll() => Release(0, ulong.MaxValue - 4095);
}

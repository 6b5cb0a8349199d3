using NexOS.Drivers.Hardware;

namespace NexOS.Drivers.Virtio;

/// <summary>One buffer of a request: its device address, length and direction.</summary>
public readonly record struct VirtqSegment(ulong Address, uint Length, bool DeviceWrites);

/// <summary>
/// A split virtqueue (virtio 1.0, 2.4) laid out in a <see cref="DmaRegion"/>: the descriptor
/// table (16-byte aligned), the available ring (2-byte aligned) right after it, and the used
/// ring (4-byte aligned) after that. The free list and the chains live in driver-private
/// arrays, never read back from DMA memory, so whatever the device writes there cannot
/// misdirect the driver. Everything the device writes to the used ring is checked: an index
/// that moves further than the chains outstanding, or an id that is not an outstanding head,
/// marks the queue <see cref="Broken"/>; then only <see cref="TryAbort"/> gives chains back.
/// </summary>
public sealed class SplitVirtqueue
{
    /// <summary>Descriptor flag: the chain continues at <c>next</c>.</summary>
    public const ushort DescNext = 1;

    /// <summary>Descriptor flag: the device writes this buffer.</summary>
    public const ushort DescWrite = 2;

    /// <summary>Largest queue size the specification allows.</summary>
    public const int MaxSize = 32768;

    private const int DescriptorBytes = 16;

    private readonly DmaRegion _dma;
    private readonly int _desc;
    private readonly int _avail;
    private readonly int _used;
    private readonly ushort[] _freeNext;
    private readonly ushort[] _chainNext;
    private readonly ushort[] _chainLength;
    private readonly bool[] _inFlight;
    private ushort _freeHead;
    private ushort _availIdx;
    private ushort _lastUsed;

    private SplitVirtqueue(DmaRegion dma, int offset, ushort size, ushort index)
    {
        _dma = dma;
        Size = size;
        Index = index;
        _desc = offset;
        _avail = offset + (DescriptorBytes * size);
        _used = Align(_avail + 6 + (2 * size), 4);
        _freeNext = new ushort[size];
        _chainNext = new ushort[size];
        _chainLength = new ushort[size];
        _inFlight = new bool[size];
        dma.Span.Slice(offset, RequiredBytes(size)).Clear();
        for (int i = 0; i < size; i++)
        {
            _freeNext[i] = (ushort)(i + 1);
        }

        FreeCount = size;
    }

    /// <summary>Descriptors in the queue (a power of two).</summary>
    public ushort Size { get; }

    /// <summary>The queue's number on its device.</summary>
    public ushort Index { get; }

    /// <summary>Free descriptors.</summary>
    public int FreeCount { get; private set; }

    /// <summary>Chains given to the device and not yet returned.</summary>
    public int InFlight { get; private set; }

    /// <summary>True once the device broke the protocol; the queue then takes no requests.</summary>
    public bool Broken { get; private set; }

    /// <summary>The offset in the notify structure where this queue's doorbell is (set by
    /// the transport).</summary>
    public ulong NotifyOffset { get; internal set; }

    /// <summary>Device address of the descriptor table.</summary>
    public ulong DescriptorAddress => _dma.PhysicalAddress(_desc);

    /// <summary>Device address of the available ring.</summary>
    public ulong AvailAddress => _dma.PhysicalAddress(_avail);

    /// <summary>Device address of the used ring.</summary>
    public ulong UsedAddress => _dma.PhysicalAddress(_used);

    /// <summary>Bytes a queue of <paramref name="size"/> entries occupies.</summary>
    public static int RequiredBytes(int size) => Align((DescriptorBytes * size) + 6 + (2 * size), 4) + 6 + (8 * size);

    /// <summary>Lays a queue of <paramref name="size"/> entries (a power of two up to
    /// <see cref="MaxSize"/>) out at <paramref name="offset"/> (16-byte aligned) of
    /// <paramref name="dma"/> and clears it. BadArgument for a bad size or alignment,
    /// DmaTooSmall when it does not fit.</summary>
    public static VirtioStatus Create(DmaRegion dma, int offset, ushort size, ushort index, out SplitVirtqueue? queue)
    {
        queue = null;
        if (size == 0 || size > MaxSize || (size & (size - 1)) != 0 || offset < 0 || (offset & 15) != 0)
        {
            return VirtioStatus.BadArgument;
        }

        if (!dma.Fits(offset, RequiredBytes(size)) || ((dma.PhysicalBase + (ulong)offset) & 15) != 0)
        {
            return VirtioStatus.DmaTooSmall;
        }

        queue = new SplitVirtqueue(dma, offset, size, index);
        return VirtioStatus.Ok;
    }

    /// <summary>
    /// Writes <paramref name="segments"/> as one descriptor chain and publishes it on the
    /// available ring (the caller then notifies the device). Returns the chain's head in
    /// <paramref name="head"/>. BadArgument for no segments or more than the queue holds,
    /// QueueFull when too few descriptors are free, Broken after a protocol violation.
    /// </summary>
    public VirtioStatus Submit(ReadOnlySpan<VirtqSegment> segments, out ushort head)
    {
        head = 0;
        if (Broken)
        {
            return VirtioStatus.Broken;
        }

        if (segments.Length == 0 || segments.Length > Size)
        {
            return VirtioStatus.BadArgument;
        }

        if (segments.Length > FreeCount)
        {
            return VirtioStatus.QueueFull;
        }

        head = _freeHead;
        ushort d = head;
        for (int i = 0; i < segments.Length; i++)
        {
            bool last = i == segments.Length - 1;
            ushort next = _freeNext[d];
            int at = _desc + (DescriptorBytes * d);
            _dma.WriteUInt64(at, segments[i].Address);
            _dma.WriteUInt32(at + 8, segments[i].Length);
            _dma.WriteUInt16(at + 12, (ushort)((last ? 0 : DescNext) | (segments[i].DeviceWrites ? DescWrite : 0)));
            _dma.WriteUInt16(at + 14, last ? (ushort)0 : next);
            _chainNext[d] = next;
            if (last)
            {
                _freeHead = next;
            }
            else
            {
                d = next;
            }
        }

        FreeCount -= segments.Length;
        _chainLength[head] = (ushort)segments.Length;
        _inFlight[head] = true;
        InFlight++;

        _dma.WriteUInt16(_avail + 4 + (2 * (_availIdx & (Size - 1))), head);

        // The descriptors and the ring entry must be visible before the index that hands them
        // to the device (the device may read them the moment it sees the new index).
        DmaRegion.Fence();
        _availIdx++;
        _dma.WriteUInt16(_avail + 2, _availIdx);
        return VirtioStatus.Ok;
    }

    /// <summary>
    /// Takes the next entry the device put on the used ring: the chain's head and the bytes
    /// the device says it wrote (unchecked: only the caller knows what it allowed). The
    /// chain's descriptors are free again. NothingUsed when there is none; BadUsedIndex or
    /// BadUsedId when the device broke the protocol (the queue is then <see cref="Broken"/>);
    /// Broken on every call after that.
    /// </summary>
    public VirtioStatus TryPopUsed(out ushort head, out uint length)
    {
        head = 0;
        length = 0;
        if (Broken)
        {
            return VirtioStatus.Broken;
        }

        ushort usedIdx = _dma.ReadUInt16(_used + 2);
        ushort pending = (ushort)(usedIdx - _lastUsed);
        if (pending == 0)
        {
            return VirtioStatus.NothingUsed;
        }

        if (pending > InFlight)
        {
            Broken = true;
            return VirtioStatus.BadUsedIndex;
        }

        // The entry must be read only after the index that published it: without this fence
        // the loads could be satisfied early and return the entry's stale contents.
        DmaRegion.Fence();
        int entry = _used + 4 + (8 * (_lastUsed & (Size - 1)));
        uint id = _dma.ReadUInt32(entry);
        length = _dma.ReadUInt32(entry + 4);
        if (id >= Size || !_inFlight[id])
        {
            Broken = true;
            return VirtioStatus.BadUsedId;
        }

        head = (ushort)id;
        _lastUsed++;
        Release(head);
        return VirtioStatus.Ok;
    }

    /// <summary>After the device was reset (it no longer touches the queue), gives back one
    /// outstanding chain as if it had completed; false when none is left.</summary>
    public bool TryAbort(out ushort head)
    {
        for (int i = 0; i < Size; i++)
        {
            if (_inFlight[i])
            {
                head = (ushort)i;
                Release(head);
                return true;
            }
        }

        head = 0;
        return false;
    }

    private void Release(ushort head)
    {
        // Follow the driver's own record of the chain, bounded by its recorded length.
        ushort d = head;
        int length = _chainLength[head];
        for (int i = 0; i < length - 1; i++)
        {
            d = _chainNext[d];
        }

        _freeNext[d] = _freeHead;
        _freeHead = head;
        FreeCount += length;
        _inFlight[head] = false;
        InFlight--;
    }

    private static int Align(int value, int alignment) => (value + alignment - 1) & ~(alignment - 1);
}

namespace NexOS.Core.Heap;

/// <summary>
/// What the live heap's allocation recorder saw, at size-class granularity: a series of
/// epochs, each the objects allocated per class since the previous collection and, when the
/// epoch ended in a collection, what that collection left per class (live objects and the
/// pages holding them). The first epoch is the heap as the recording found it (each class's
/// pages as if filled, and what was live in them). <see cref="ToTrace"/> turns it into an
/// <see cref="AllocationTrace"/> the simulator replays; see there for what it approximates.
/// </summary>
public sealed partial class AllocationRecording
{
    /// <summary>Numbers per epoch in the flat form: allocations, survivors and pages per
    /// class, then a flag word (1: the epoch ended in a collection).</summary>
    public const int EpochWords = (3 * SizeClasses.Count) + 1;

    private readonly List<uint[]> _epochs = new();

    /// <summary>Epochs recorded (the last one may still be open: no collection yet).</summary>
    public int Epochs => _epochs.Count;

    /// <summary>Large objects (over <see cref="SizeClasses.LargestSize"/>) allocated while
    /// recording: counted, but not part of a trace.</summary>
    public ulong LargeObjects { get; set; }

    /// <summary>Objects of <paramref name="sizeClass"/> allocated in epoch <paramref name="epoch"/>.</summary>
    public uint Allocated(int epoch, int sizeClass) => _epochs[epoch][sizeClass];

    /// <summary>Objects of <paramref name="sizeClass"/> live after epoch <paramref name="epoch"/>'s collection.</summary>
    public uint Survivors(int epoch, int sizeClass) => _epochs[epoch][SizeClasses.Count + sizeClass];

    /// <summary>Pages of <paramref name="sizeClass"/> holding live objects after that collection.</summary>
    public uint Pages(int epoch, int sizeClass) => _epochs[epoch][(2 * SizeClasses.Count) + sizeClass];

    /// <summary>True when epoch <paramref name="epoch"/> ended in a collection.</summary>
    public bool Collected(int epoch) => _epochs[epoch][EpochWords - 1] != 0;

    /// <summary>Adds an epoch: <paramref name="allocated"/>, <paramref name="survivors"/> and
    /// <paramref name="pages"/> per size class. False (nothing added) when a span is not
    /// <see cref="SizeClasses.Count"/> long.</summary>
    public bool AddEpoch(ReadOnlySpan<uint> allocated, ReadOnlySpan<uint> survivors, ReadOnlySpan<uint> pages, bool collected)
    {
        const int n = SizeClasses.Count;
        if (allocated.Length != n || survivors.Length != n || pages.Length != n)
        {
            return false;
        }

        var e = new uint[EpochWords];
        allocated.CopyTo(e);
        survivors.CopyTo(e.AsSpan(n));
        pages.CopyTo(e.AsSpan(2 * n));
        e[EpochWords - 1] = collected ? 1u : 0u;
        _epochs.Add(e);
        return true;
    }

    /// <summary>Adds epochs from the flat form the kernel's recorder keeps
    /// (<see cref="EpochWords"/> numbers each); a trailing partial epoch is ignored.</summary>
    public void AddFlat(ReadOnlySpan<uint> words)
    {
        const int n = SizeClasses.Count;
        for (int at = 0; at + EpochWords <= words.Length; at += EpochWords)
        {
            ReadOnlySpan<uint> e = words.Slice(at, EpochWords);
            AddEpoch(e[..n], e.Slice(n, n), e.Slice(2 * n, n), e[EpochWords - 1] != 0);
        }
    }

    /// <summary>Cells a page of <paramref name="sizeClass"/> holds (as <see cref="HeapPage"/>).</summary>
    public static uint CellsPerPage(int sizeClass)
    {
        ulong size = SizeClasses.SizeOf(sizeClass);
        return size == 0 ? 0 : (uint)((HeapPage.PageSize - HeapPage.HeaderBytes) / size);
    }

    /// <summary>Objects the recording counted in classes a trace can hold (class 1 up).</summary>
    public ulong TraceableObjects()
    {
        ulong total = 0;
        foreach (uint[] e in _epochs)
        {
            for (int c = FirstClass; c < SizeClasses.Count; c++)
            {
                total += e[c];
            }
        }

        return total;
    }

    /// <summary>Objects of class 0 (16 bytes, smaller than a trace's least size) counted.</summary>
    public ulong SmallestClassObjects()
    {
        ulong total = 0;
        foreach (uint[] e in _epochs)
        {
            total += e[0];
        }

        return total;
    }
}

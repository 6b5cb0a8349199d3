using System.Runtime.CompilerServices;
namespace NexOS.Core.Heap;

/// <summary>
/// Bookkeeping for one <see cref="PageSize"/> page of the garbage-collected heap, cut into
/// equal cells of one size class. The kernel supplies the memory; this class only does the
/// address arithmetic and keeps two bitmaps outside the objects (allocated and marked, one bit
/// per cell), so it never reads or writes the page itself and runs unchanged on the host.
/// <para>
/// Object i's address (where its MethodTable pointer goes) is
/// <c>BaseAddress + HeaderBytes + i * CellSize</c>. Its header word sits 8 bytes below, in the
/// last word of the cell before it or, for object 0, in the page header, so the bytes an
/// object owns are <c>[address - 8, address - 8 + CellSize)</c>. The caller zeroes those
/// before handing an object out.
/// </para>
/// <para>
/// The constructor allocates the bitmaps; afterwards no member allocates or throws. Bad
/// requests come back as status values and change nothing. Invariant: a marked cell is always
/// allocated. Not thread-safe; the collector runs with the world stopped.
/// </para>
/// </summary>
public sealed partial class HeapPage
{
    /// <summary>Bytes in a heap page.</summary>
    public const ulong PageSize = 64 * 1024;

    /// <summary>Bytes before object 0: 8 for its header word and 8 spare, which keeps object
    /// 0 16-aligned on an aligned page.</summary>
    public const ulong HeaderBytes = 16;

    private const int WordShift = 6;
    private const int WordBits = 64;

    // The bitmaps are sized for the smallest class, so one descriptor can describe any page
    // of any class: the kernel recycles descriptors (Reinitialize) instead of allocating new
    // ones while it runs.
    private const int MaxWords = (int)(((PageSize - HeaderBytes) / SizeClasses.SmallestSize) + WordBits - 1) >> WordShift;

    private readonly ulong[] _allocated;
    private readonly ulong[] _marked;
    private ulong _baseAddress;
    private ulong _cellSize;
    private ulong _reciprocal;
    private int _words;
    private ulong _lastWordMask;
    private int _count;

    // Lowest bitmap word that may hold a free cell. Allocation only moves it forward and a
    // free only moves it back to the freed word, so TryAllocate is amortised O(1).
    private int _hint;

    /// <summary>
    /// Describes the page at <paramref name="baseAddress"/> as cells of class
    /// <paramref name="sizeClass"/>, all free. Throws <see cref="ArgumentOutOfRangeException"/>
    /// for a class outside <see cref="SizeClasses"/> and <see cref="ArgumentException"/> for a
    /// base that is not 8-aligned or a page that would wrap past the top of the address space.
    /// </summary>
    public HeapPage(ulong baseAddress, int sizeClass)
    {
        _allocated = new ulong[MaxWords];
        _marked = new ulong[MaxWords];
        Reinitialize(baseAddress, sizeClass);
    }

    /// <summary>
    /// Makes this descriptor describe the page at <paramref name="baseAddress"/> as cells of
    /// class <paramref name="sizeClass"/>, all free, forgetting what it described before.
    /// Allocation-free. Throws like the constructor for bad arguments, changing nothing.
    /// </summary>
    public void Reinitialize(ulong baseAddress, int sizeClass)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sizeClass);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(sizeClass, SizeClasses.Count);
        if ((baseAddress & (SizeClasses.Granule - 1)) != 0 || baseAddress > ulong.MaxValue - PageSize)
        {
            throw new ArgumentException("page base must be 8-aligned and the page must not wrap", nameof(baseAddress));
        }

        _baseAddress = baseAddress;
        SizeClass = sizeClass;
        _cellSize = SizeClasses.SizeOf(sizeClass);
        _reciprocal = ReciprocalOf(_cellSize);
        Capacity = (int)((PageSize - HeaderBytes) / _cellSize);
        _words = (Capacity + WordBits - 1) >> WordShift;
        Array.Clear(_allocated);
        Array.Clear(_marked);
        int tail = Capacity & (WordBits - 1);
        _lastWordMask = tail == 0 ? ulong.MaxValue : (1UL << tail) - 1;
        _count = 0;
        _hint = 0;
        Next = null;
    }

    /// <summary>A link for the owner's lists (free pages of a class, spare descriptors); the
    /// page itself never reads it.</summary>
    public HeapPage? Next { get; set; }

    /// <summary>Address of the page's first byte, as given to the constructor.</summary>
    public ulong BaseAddress => _baseAddress;

    /// <summary>First address past the page.</summary>
    public ulong EndAddress => _baseAddress + PageSize;

    /// <summary>The page's size class.</summary>
    public int SizeClass { get; private set; }

    /// <summary>Bytes per cell: <see cref="SizeClasses.SizeOf"/> of the class.</summary>
    public ulong CellSize => _cellSize;

    /// <summary>Cells in the page.</summary>
    public int Capacity { get; private set; }

    /// <summary>Cells currently allocated.</summary>
    public int Count => _count;

    /// <summary>Cells currently free.</summary>
    public int FreeCells => Capacity - _count;

    /// <summary>True when no cell is allocated, so the page can go back to the kernel.</summary>
    public bool IsEmpty => _count == 0;

    /// <summary>True when every cell is allocated.</summary>
    public bool IsFull => _count == Capacity;

    /// <summary>True when <paramref name="address"/> lies in the page, header included.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Contains(ulong address) => address - _baseAddress < PageSize;

    /// <summary>Address of object <paramref name="cell"/> (0 to Capacity - 1), allocated or
    /// not; 0 for a cell number outside the page.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ObjectAddress(int cell) =>
        (uint)cell < (uint)Capacity ? _baseAddress + HeaderBytes + ((ulong)cell * _cellSize) : 0;

    /// <summary>
    /// Finds the cell for <paramref name="address"/>. Cell i covers
    /// <c>[ObjectAddress(i), ObjectAddress(i) + CellSize)</c>: everything from its
    /// MethodTable word up to the next object's MethodTable word. That range includes the
    /// past-the-end address of an object filling its cell, which a byref may hold, but not the
    /// object's own header word, which no reference points at. Returns <see cref="HeapStatus.Ok"/>
    /// for a cell start, <see cref="HeapStatus.Misaligned"/> inside a cell (index set) or in the
    /// header or tail slack (index -1), <see cref="HeapStatus.OutOfRange"/> outside the page.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private HeapStatus Locate(ulong address, out int index)
    {
        index = -1;
        ulong offset = address - _baseAddress;
        if (address < _baseAddress || offset >= PageSize)
        {
            return HeapStatus.OutOfRange;
        }

        if (offset < HeaderBytes)
        {
            return HeapStatus.Misaligned;
        }

        offset -= HeaderBytes;
        ulong cell = (offset * _reciprocal) >> 32;
        if (cell >= (ulong)Capacity)
        {
            return HeapStatus.Misaligned;
        }

        index = (int)cell;
        return offset == cell * _cellSize ? HeapStatus.Ok : HeapStatus.Misaligned;
    }

    /// <summary>
    /// A multiplier that turns division by <paramref name="cellSize"/> into a multiply and a
    /// shift, which the collector's address lookups do for every reference: for any offset
    /// below 2^16 (a page), (offset * m) &gt;&gt; 32 equals offset / cellSize. With
    /// m = floor(2^32 / d) + 1 the product overshoots offset / d by less than
    /// 2^16 / 2^32 = 2^-16, while the fraction of offset / d is at most 1 - 1/d and
    /// 1/d &gt;= 2^-13 for every class, so the floor never moves.
    /// </summary>
    public static ulong ReciprocalOf(ulong cellSize) => ((1UL << 32) / cellSize) + 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Bit(int index) => 1UL << (index & (WordBits - 1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsSet(ulong[] bitmap, int index) => (bitmap[index >> WordShift] & Bit(index)) != 0;
}

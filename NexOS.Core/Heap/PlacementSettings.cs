using NexOS.Core.Policy;

namespace NexOS.Core.Heap;

/// <summary>
/// The allocation strategy of the small-object heap as plain values: where a size class takes
/// its next run of cells. The allocator reads a copy of these (a struct, no class constructor)
/// at each collection, so it never touches the parameter objects on its own paths.
/// </summary>
public readonly struct PlacementSettings
{
    /// <summary>Creates settings; values are clamped to 0..100.</summary>
    public PlacementSettings(int borrowWastePercent, int reuseMaxFreePercent)
    {
        BorrowWastePercent = Math.Clamp(borrowWastePercent, 0, 100);
        ReuseMaxFreePercent = Math.Clamp(reuseMaxFreePercent, 0, 100);
    }

    /// <summary>Today's strategy: own class only, every partially used page reused.</summary>
    public static PlacementSettings Default => new(0, 100);

    /// <summary>
    /// A class may take free cells in a partially used page of a larger class when the larger
    /// cell wastes at most this share of itself: (larger - own) * 100 / larger &lt;= value.
    /// 0 never borrows (today's behaviour).
    /// </summary>
    public int BorrowWastePercent { get; }

    /// <summary>
    /// A partially used page is reused only while at most this share of its cells is free;
    /// emptier pages are left to drain so a collection can give them back. 100 reuses every
    /// page (today's behaviour); 0 never reuses one (every run from a fresh page).
    /// </summary>
    public int ReuseMaxFreePercent { get; }

    /// <summary>True when a request of class <paramref name="own"/> may use a cell of class
    /// <paramref name="larger"/> under these settings.</summary>
    public bool MayBorrow(int own, int larger)
    {
        ulong mine = SizeClasses.SizeOf(own);
        ulong theirs = SizeClasses.SizeOf(larger);
        return larger > own && mine != 0 && theirs != 0 && (theirs - mine) * 100 <= theirs * (ulong)BorrowWastePercent;
    }

    /// <summary>True when <paramref name="page"/> has a free cell and is full enough to reuse.</summary>
    public bool Reuses(HeapPage page) =>
        page.FreeCells > 0 && (ulong)page.FreeCells * 100 <= (ulong)page.Capacity * (ulong)ReuseMaxFreePercent;

    /// <summary>"borrow 25% / reuse <= 100% free", for JSON and logs.</summary>
    public override string ToString() => $"borrow {BorrowWastePercent}% / reuse <= {ReuseMaxFreePercent}% free";
}

/// <summary>
/// The placement strategy as named, typed, range-checked parameters ("heap" in the patch
/// manager's registry): one instance in the kernel, fresh ones in host tests.
/// </summary>
public sealed class PlacementParameters
{
    /// <summary>Name of <see cref="BorrowWastePercent"/>.</summary>
    public const string BorrowName = "heap.borrow_waste_percent";

    /// <summary>Name of <see cref="ReuseMaxFreePercent"/>.</summary>
    public const string ReuseName = "heap.reuse_max_free_percent";

    /// <summary>Creates the set at today's defaults.</summary>
    public PlacementParameters()
    {
        BorrowWastePercent = Set.Add(new Parameter(BorrowName, "percent", 0, 100, 0, "largest share of a larger class's cell a request may waste to fill a hole there"));
        ReuseMaxFreePercent = Set.Add(new Parameter(ReuseName, "percent", 0, 100, 100, "a partly used page is reused only while at most this share of it is free"));
    }

    /// <summary>The parameter set to register.</summary>
    public ParameterSet Set { get; } = new();

    /// <summary>See <see cref="PlacementSettings.BorrowWastePercent"/>.</summary>
    public Parameter BorrowWastePercent { get; }

    /// <summary>See <see cref="PlacementSettings.ReuseMaxFreePercent"/>.</summary>
    public Parameter ReuseMaxFreePercent { get; }

    /// <summary>The current values as settings.</summary>
    public PlacementSettings Read() => new((int)BorrowWastePercent.Value, (int)ReuseMaxFreePercent.Value);

    /// <summary>Reads settings out of any parameter set holding the two names (the registry's
    /// copy); the defaults for names it lacks.</summary>
    public static PlacementSettings ReadFrom(ParameterSet? set)
    {
        Parameter? borrow = set?.Find(BorrowName);
        Parameter? reuse = set?.Find(ReuseName);
        return new((int)(borrow?.Value ?? 0), (int)(reuse?.Value ?? 100));
    }
}

using NexOS.Core.Policy;

namespace NexOS.Core.Heap;

/// <summary>
/// The allocation strategy of the small-object heap as plain values: where a size class takes
/// its next run of cells. The allocator reads a copy of these (a struct, no class constructor)
/// at each collection, so it never touches the parameter objects on its own paths.
/// </summary>
public readonly struct PlacementSettings
{
    /// <summary>Today's run size and the least a run may be capped at, KiB.</summary>
    public const int BaseRunKib = 4;

    /// <summary>The most a run may be capped at, KiB (interrupts are off while it is zeroed).</summary>
    public const int MaxRunKib = 64;

    /// <summary>Creates settings; percentages are clamped to 0..100, the run cap to
    /// <see cref="BaseRunKib"/>..<see cref="MaxRunKib"/>.</summary>
    public PlacementSettings(int borrowWastePercent, int reuseMaxFreePercent, int runMaxKib = BaseRunKib)
    {
        BorrowWastePercent = Math.Clamp(borrowWastePercent, 0, 100);
        ReuseMaxFreePercent = Math.Clamp(reuseMaxFreePercent, 0, 100);
        RunMaxKib = Math.Clamp(runMaxKib, BaseRunKib, MaxRunKib);
    }

    /// <summary>
    /// The largest run a refill may take, KiB. A class's first run after a collection is
    /// <see cref="BaseRunKib"/> (at most 64 cells, as always); each further refill of the class
    /// before the next collection doubles its run up to this cap: a class that used up its run
    /// is forecast to go on allocating at that rate, so the allocator fetches ahead for it and
    /// takes the slow path less often. <see cref="BaseRunKib"/> (the default) is today's behaviour.
    /// </summary>
    public int RunMaxKib { get; }

    /// <summary>Cells the next run of a class with <paramref name="cellSize"/>-byte cells takes
    /// after <paramref name="refills"/> refills since the last collection.</summary>
    public int RunCells(ulong cellSize, int refills)
    {
        ulong bytes = Math.Min((ulong)RunMaxKib * 1024, (ulong)BaseRunKib * 1024 << Math.Clamp(refills, 0, 8));
        ulong cells = Math.Max(1, bytes / Math.Max(1, cellSize));
        return bytes <= (ulong)BaseRunKib * 1024 ? (int)Math.Min(64, cells) : (int)Math.Min(cells, 1 << 16);
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
    public override string ToString() => $"borrow {BorrowWastePercent}% / reuse <= {ReuseMaxFreePercent}% free"
        + (RunMaxKib == BaseRunKib ? string.Empty : $" / runs <= {RunMaxKib} KiB");
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
        RunMaxKib = Set.Add(new Parameter(RunName, "KiB", PlacementSettings.BaseRunKib, PlacementSettings.MaxRunKib, PlacementSettings.BaseRunKib, "a class that keeps refilling before a collection doubles its run up to this size"));
    }

    /// <summary>Name of <see cref="RunMaxKib"/>.</summary>
    public const string RunName = "heap.run_max_kib";

    /// <summary>See <see cref="PlacementSettings.RunMaxKib"/>.</summary>
    public Parameter RunMaxKib { get; }

    /// <summary>The parameter set to register.</summary>
    public ParameterSet Set { get; } = new();

    /// <summary>See <see cref="PlacementSettings.BorrowWastePercent"/>.</summary>
    public Parameter BorrowWastePercent { get; }

    /// <summary>See <see cref="PlacementSettings.ReuseMaxFreePercent"/>.</summary>
    public Parameter ReuseMaxFreePercent { get; }

    /// <summary>The current values as settings.</summary>
    public PlacementSettings Read() => new((int)BorrowWastePercent.Value, (int)ReuseMaxFreePercent.Value, (int)RunMaxKib.Value);

    /// <summary>Reads settings out of any parameter set holding the two names (the registry's
    /// copy); the defaults for names it lacks.</summary>
    public static PlacementSettings ReadFrom(ParameterSet? set)
    {
        Parameter? borrow = set?.Find(BorrowName);
        Parameter? reuse = set?.Find(ReuseName);
        Parameter? run = set?.Find(RunName);
        return new((int)(borrow?.Value ?? 0), (int)(reuse?.Value ?? 100), (int)(run?.Value ?? PlacementSettings.BaseRunKib));
    }
}

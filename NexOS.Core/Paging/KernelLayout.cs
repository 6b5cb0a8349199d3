using NexOS.Core.Memory;

namespace NexOS.Core.Paging;

/// <summary>Where the kernel image's sections were loaded (the link script's symbols). Data
/// includes .bss. Sections need not be page aligned; the link script aligns them, and a
/// page shared by two sections gets the permissions of both.</summary>
public readonly record struct KernelImage(PhysRange Text, PhysRange ReadOnlyData, PhysRange Data);

/// <summary>One mapping for the kernel to create with <see cref="AddressSpace.MapRange"/>:
/// [<see cref="Virt"/>, +<see cref="Length"/>) onto [<see cref="Phys"/>, +<see cref="Length"/>).</summary>
public readonly record struct KernelMapping(VirtAddr Virt, PhysAddr Phys, ulong Length, PageFlags Flags);

/// <summary>
/// Works out the kernel's own mappings: the identity map it runs on today, with permissions.
/// RAM is read-write and not executable; the image's text is read-only and executable,
/// its read-only data read-only, its data read-write, both not executable; the local and I/O
/// APIC windows (and any extra MMIO given) are read-write, not executable and uncached.
/// Page 0 and the page under each kernel stack are left out, so a null dereference or a stack
/// overflow faults instead of corrupting memory.
/// </summary>
public static class KernelLayout
{
    /// <summary>Default physical base of the local APIC's registers.</summary>
    public const ulong LocalApicBase = 0xFEE0_0000;

    /// <summary>Default physical base of the first I/O APIC's registers.</summary>
    public const ulong IoApicBase = 0xFEC0_0000;

    /// <summary>Flags of RAM outside the kernel image.</summary>
    public const PageFlags RamFlags = PageFlags.Present | PageFlags.Writable | PageFlags.NoExecute;

    /// <summary>Flags of the image's text: read-only, executable.</summary>
    public const PageFlags TextFlags = PageFlags.Present;

    /// <summary>Flags of the image's read-only data.</summary>
    public const PageFlags ReadOnlyDataFlags = PageFlags.Present | PageFlags.NoExecute;

    /// <summary>Flags of the image's data and bss.</summary>
    public const PageFlags DataFlags = PageFlags.Present | PageFlags.Writable | PageFlags.NoExecute;

    /// <summary>Flags of device registers.</summary>
    public const PageFlags MmioFlags = PageFlags.Present | PageFlags.Writable | PageFlags.NoExecute | PageFlags.CacheDisable;

    private const ulong Page = VirtAddr.PageSize;

    // Precedence when layers overlap: a higher rank wins; equal-rank sections combine.
    private const int RankRam = 0;
    private const int RankMmio = 1;
    private const int RankSection = 2;
    private const int RankHole = 3;

    /// <summary>
    /// Returns the mappings, sorted by address, page aligned, not overlapping, with adjacent
    /// ones of equal flags merged. <paramref name="ram"/> lists every range the kernel reaches
    /// through the identity map (usable RAM, and also ACPI tables, boot modules and the boot
    /// information if it reads them); partial pages at its ends are left out, while sections
    /// and MMIO windows are widened to whole pages. Each range in <paramref name="stacks"/> is
    /// a kernel stack [bottom, top) whose page-aligned bottom has a page below it reserved for
    /// nothing else: that page becomes an unmapped guard page. Stacks with an unaligned bottom
    /// get no guard. Only the lower canonical half can be identity mapped;
    /// anything above it is dropped. Allocates the result and its working lists: boot time only.
    /// </summary>
    public static List<KernelMapping> Build(
        KernelImage image,
        ReadOnlySpan<PhysRange> ram,
        ReadOnlySpan<PhysRange> stacks,
        ReadOnlySpan<PhysRange> extraMmio = default)
    {
        var layers = new List<Layer>();
        foreach (PhysRange range in ram)
        {
            Add(layers, AlignUp(range.Start.Value), range.End.Value & ~(Page - 1), RankRam, RamFlags);
        }

        AddOutward(layers, PhysRange.FromLength(LocalApicBase, Page), RankMmio, MmioFlags);
        AddOutward(layers, PhysRange.FromLength(IoApicBase, Page), RankMmio, MmioFlags);
        foreach (PhysRange range in extraMmio)
        {
            AddOutward(layers, range, RankMmio, MmioFlags);
        }

        AddOutward(layers, image.Text, RankSection, TextFlags);
        AddOutward(layers, image.ReadOnlyData, RankSection, ReadOnlyDataFlags);
        AddOutward(layers, image.Data, RankSection, DataFlags);
        Add(layers, 0, Page, RankHole, PageFlags.None);
        foreach (PhysRange stack in stacks)
        {
            // A stack that does not start on a page shares its lowest page with other data,
            // and the page below likely holds more: no page can be given up safely.
            ulong bottom = stack.Start.Value;
            if (!stack.IsEmpty && (bottom & (Page - 1)) == 0 && bottom >= Page)
            {
                Add(layers, bottom - Page, bottom, RankHole, PageFlags.None);
            }
        }

        var bounds = new List<ulong>(layers.Count * 2);
        foreach (Layer layer in layers)
        {
            bounds.Add(layer.Start);
            bounds.Add(layer.End);
        }

        bounds.Sort();
        var mappings = new List<KernelMapping>();
        for (int i = 0; i + 1 < bounds.Count; i++)
        {
            ulong start = bounds[i];
            ulong end = bounds[i + 1];
            if (start != end && Resolve(layers, start, out PageFlags flags))
            {
                Append(mappings, start, end - start, flags);
            }
        }

        return mappings;
    }

    /// <summary>
    /// Creates <paramref name="mappings"/> in <paramref name="space"/> with MapRange, 2 MiB
    /// pages allowed. Stops at the first failure and returns its status, with
    /// <paramref name="failedIndex"/> naming the mapping (-1 when all succeeded); mappings
    /// before it stay in place. Nothing needs flushing for a space not yet loaded into CR3.
    /// </summary>
    public static PagingStatus Apply(AddressSpace space, List<KernelMapping> mappings, out int failedIndex)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(mappings);
        for (int i = 0; i < mappings.Count; i++)
        {
            KernelMapping m = mappings[i];
            PagingStatus status = space.MapRange(m.Virt, m.Phys, m.Length, m.Flags, allowHuge: true, out _);
            if (status != PagingStatus.Ok)
            {
                failedIndex = i;
                return status;
            }
        }

        failedIndex = -1;
        return PagingStatus.Ok;
    }

    /// <summary>The flags of the elementary interval starting at <paramref name="start"/>
    /// (no layer boundary falls inside it, so its first page decides). False when it stays
    /// unmapped: no layer covers it, or a hole does.</summary>
    private static bool Resolve(List<Layer> layers, ulong start, out PageFlags flags)
    {
        flags = PageFlags.None;
        int rank = -1;
        foreach (Layer layer in layers)
        {
            if (start < layer.Start || start >= layer.End || layer.Rank < rank)
            {
                continue;
            }

            flags = layer.Rank > rank ? layer.Flags : Combine(flags, layer.Flags);
            rank = layer.Rank;
        }

        return rank >= 0 && rank != RankHole;
    }

    /// <summary>The permissions of two sections sharing a page: writable if either is,
    /// executable if either is, so the kernel keeps working; other bits from both.</summary>
    private static PageFlags Combine(PageFlags a, PageFlags b) =>
        ((a | b) & ~PageFlags.NoExecute) | (a & b & PageFlags.NoExecute);

    private static void Append(List<KernelMapping> mappings, ulong start, ulong length, PageFlags flags)
    {
        int last = mappings.Count - 1;
        if (last >= 0 && mappings[last].Flags == flags && mappings[last].Virt.Value + mappings[last].Length == start)
        {
            mappings[last] = mappings[last] with { Length = mappings[last].Length + length };
            return;
        }

        mappings.Add(new KernelMapping(new VirtAddr(start), new PhysAddr(start), length, flags));
    }

    private static void AddOutward(List<Layer> layers, PhysRange range, int rank, PageFlags flags)
    {
        if (!range.IsEmpty)
        {
            Add(layers, range.Start.Value & ~(Page - 1), AlignUp(range.End.Value), rank, flags);
        }
    }

    /// <summary>Adds [start, end) clipped to the lower canonical half; empty layers vanish.</summary>
    private static void Add(List<Layer> layers, ulong start, ulong end, int rank, PageFlags flags)
    {
        end = Math.Min(end, VirtAddr.LowerHalfEnd);
        if (start < end)
        {
            layers.Add(new Layer(start, end, rank, flags));
        }
    }

    /// <summary>Rounds up to a page, saturating at the last page boundary instead of wrapping.</summary>
    private static ulong AlignUp(ulong value) =>
        value > ulong.MaxValue - (Page - 1) ? ulong.MaxValue & ~(Page - 1) : (value + Page - 1) & ~(Page - 1);

    private readonly record struct Layer(ulong Start, ulong End, int Rank, PageFlags Flags);
}

using System.Runtime;
using NexOS.Core.Boot;
using NexOS.Core.Memory;
using NexOS.Runtime;
using NexOS.Kernel.Debugging;

namespace NexOS.Kernel.Boot;

/// <summary>
/// The first C# code to run, called by boot.asm before the class library is initialised.
/// Nothing here may allocate, use interfaces, or touch a static field that has an
/// initialiser: the runtime does not exist yet. Its job is to find memory for the heap.
/// </summary>
internal static unsafe class EarlyInit
{
    private const uint Multiboot2BootMagic = 0x36D76289;
    private const int MaxRanges = 64;
    private const ulong InitialHeapMinimum = 16UL << 20;

    private static RangeBuffer s_remaining;
    private static int s_remainingCount;

    /// <summary>Usable RAM in the firmware's map, overlaps counted once.</summary>
    public static ulong UsableBytes { get; private set; }

    /// <summary>Usable RAM left after the kernel image, boot modules, boot information and
    /// the first MiB were set aside (the heap is carved from this).</summary>
    public static ulong FreeBytesAtBoot { get; private set; }

    [RuntimeExport("NexOSEarlyInit")]
    private static void Run(uint magic, uint bootInfoAddress, ulong entryTsc)
    {
        Arch.X64.Tsc.SetEntry(entryTsc);
        if (magic != Multiboot2BootMagic)
        {
            Panic.Halt("not started by a multiboot2 boot loader");
        }

        ReadOnlySpan<byte> info = BootInformation(bootInfoAddress);
        Span<PhysRange> usable = stackalloc PhysRange[MaxRanges];
        Span<PhysRange> reserved = stackalloc PhysRange[MaxRanges];
        int usableCount = 0;
        int reservedCount = 0;
        reserved[reservedCount++] = new PhysRange(default, new PhysAddr(0x10_0000));
        reserved[reservedCount++] = new PhysRange(new PhysAddr(NexOS.Runtime.ImageLayout.Start), new PhysAddr(NexOS.Runtime.ImageLayout.End));
        reserved[reservedCount++] = PhysRange.FromLength(bootInfoAddress, (ulong)info.Length);

        var reader = new Multiboot2TagReader(info);
        while (reader.Next(out Multiboot2Tag tag))
        {
            if (tag.Type == Multiboot2TagType.MemoryMap)
            {
                var map = new MemoryMapReader(tag.Payload);
                while (map.Next(out MemoryRegion region) && usableCount < MaxRanges)
                {
                    if (region.Type == MemoryRegionType.Usable)
                    {
                        usable[usableCount++] = region.Range;
                    }
                }
            }
            else if (tag.Type == Multiboot2TagType.Module && tag.Payload.Length >= 8 && reservedCount < MaxRanges)
            {
                uint start = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(tag.Payload);
                uint end = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(tag.Payload[4..]);
                reserved[reservedCount++] = new PhysRange(new PhysAddr(start), new PhysAddr(end));
                if (tag.Payload[8..].StartsWith("symbols"u8))
                {
                    KernelSymbols.SetTable(start, end);
                }
                else if (tag.Payload[8..].StartsWith("models"u8))
                {
                    BootModules.SetModels(start, end);
                }
                else if (IsModuleName(tag.Payload[8..], "programs"u8))
                {
                    BootModules.SetPrograms(start, end);
                }
            }
        }

        Span<PhysRange> free = stackalloc PhysRange[MaxRanges];
        int freeCount = MemoryLayout.ComputeFree(usable[..usableCount], reserved[..reservedCount], free, out _);
        Span<PhysRange> scratch = stackalloc PhysRange[MaxRanges];
        UsableBytes = MemoryLayout.UnionLength(usable[..usableCount], scratch);
        FreeBytesAtBoot = MemoryLayout.TotalLength(free[..freeCount]);

        // The boot page tables map the first 4 GiB, so the heap must lie below that.
        const ulong mappedLimit = 4UL << 30;
        for (int i = 0; i < freeCount; i++)
        {
            if (free[i].End.Value > mappedLimit)
            {
                free[i] = new PhysRange(free[i].Start, new PhysAddr(Math.Max(free[i].Start.Value, mappedLimit)));
            }
        }

        int largest = MemoryLayout.Largest(free[..freeCount]);
        if (largest < 0 || free[largest].Length < 4UL << 20)
        {
            Panic.Halt("no free memory range of at least 4 MiB for the kernel heap");
        }

        // The heap starts with a share of the largest range; the page-frame allocator gets
        // everything else once it can be built, and the heap grows from it in chunks.
        PhysRange range = free[largest];
        ulong initial = Math.Min(range.Length, Math.Max(InitialHeapMinimum, range.Length / 8));
        BootHeap.Initialize(new PhysRange(range.Start, range.Start + initial));
        free[largest] = new PhysRange(range.Start + initial, range.End);
        s_remaining = new RangeBuffer();
        s_remainingCount = 0;
        for (int i = 0; i < freeCount; i++)
        {
            if (!free[i].IsEmpty)
            {
                s_remaining[s_remainingCount++] = free[i];
            }
        }
    }

    /// <summary>The free physical ranges the heap did not take, for the page-frame allocator.</summary>
    public static ReadOnlySpan<PhysRange> RemainingFreeRanges => ((ReadOnlySpan<PhysRange>)s_remaining)[..s_remainingCount];

    [System.Runtime.CompilerServices.InlineArray(MaxRanges)]
    private struct RangeBuffer
    {
        private PhysRange _element;
    }

    /// <summary>True when a module tag's string (NUL-terminated, or running to the tag's end)
    /// is exactly <paramref name="name"/>.</summary>
    private static bool IsModuleName(ReadOnlySpan<byte> text, ReadOnlySpan<byte> name)
    {
        int nul = text.IndexOf((byte)0);
        return (nul < 0 ? text : text[..nul]).SequenceEqual(name);
    }

    /// <summary>The boot information block as a span. The caller guarantees the address came
    /// from the boot loader, which places the block in identity-mapped low memory.</summary>
    public static ReadOnlySpan<byte> BootInformation(uint address)
    {
        uint total = *(uint*)address;
        return new ReadOnlySpan<byte>((void*)address, (int)Math.Min(total, 1u << 20));
    }
}

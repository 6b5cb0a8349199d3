namespace NexOS.Drivers.Hardware;

/// <summary>
/// A window of memory-mapped device registers or memory (a PCI BAR mapped uncached into the
/// driver's address space, the ECAM area, a linear framebuffer), read and written at byte
/// offsets. Every access is one access of the stated width in the device's (little-endian)
/// byte order, never split or merged. Implementations bounds-check: an access that does not
/// fit inside <see cref="Length"/> reads all ones (what a missing device returns on the bus)
/// and a write is dropped; register windows (<see cref="MmioWindow"/>) also refuse accesses
/// not aligned to their width. Nothing throws or allocates: drivers call these from their
/// interrupt paths.
/// </summary>
public interface IMmioRegion
{
    /// <summary>Bytes in the region.</summary>
    ulong Length { get; }

    /// <summary>Reads one byte; 0xFF when out of range.</summary>
    byte Read8(ulong offset);

    /// <summary>Reads 16 bits; 0xFFFF when out of range or misaligned.</summary>
    ushort Read16(ulong offset);

    /// <summary>Reads 32 bits; all ones when out of range or misaligned.</summary>
    uint Read32(ulong offset);

    /// <summary>Reads 64 bits; all ones when out of range or misaligned.</summary>
    ulong Read64(ulong offset);

    /// <summary>Writes one byte; dropped when out of range.</summary>
    void Write8(ulong offset, byte value);

    /// <summary>Writes 16 bits; dropped when out of range or misaligned.</summary>
    void Write16(ulong offset, ushort value);

    /// <summary>Writes 32 bits; dropped when out of range or misaligned.</summary>
    void Write32(ulong offset, uint value);

    /// <summary>Writes 64 bits; dropped when out of range or misaligned.</summary>
    void Write64(ulong offset, ulong value);

    /// <summary>
    /// Writes <paramref name="value"/> to <paramref name="count"/> consecutive 32-bit words
    /// from <paramref name="offset"/>: a run of framebuffer pixels. The whole fill is dropped
    /// when it does not fit, the offset is not 4-byte aligned, or the count is not positive.
    /// Regions over plain memory or a mapped framebuffer do it as one block store, which may
    /// merge the words into wider stores: use it for memory-like regions, never for
    /// registers. This default writes one word at a time.
    /// </summary>
    void Fill32(ulong offset, int count, uint value)
    {
        if (!Mmio.FitsRun(offset, count, Length))
        {
            return;
        }

        for (int i = 0; i < count; i++)
        {
            Write32(offset + ((ulong)i * 4), value);
        }
    }
}

/// <summary>Helpers for implementations of <see cref="IMmioRegion"/>.</summary>
public static class Mmio
{
    /// <summary>True when an access of <paramref name="width"/> bytes at
    /// <paramref name="offset"/> lies inside a region of <paramref name="length"/> bytes and
    /// is naturally aligned. Overflow-safe for any offset.</summary>
    public static bool Fits(ulong offset, int width, ulong length) =>
        length >= (ulong)width && offset <= length - (ulong)width && (offset & (ulong)(width - 1)) == 0;

    /// <summary>True when <paramref name="count"/> (at least 1) 32-bit words from
    /// <paramref name="offset"/> lie inside a region of <paramref name="length"/> bytes and the
    /// offset is 4-byte aligned. Overflow-safe for any offset and count.</summary>
    public static bool FitsRun(ulong offset, int count, ulong length)
    {
        ulong bytes = (ulong)count * 4;
        return count > 0 && length >= bytes && offset <= length - bytes && (offset & 3) == 0;
    }
}

/// <summary>
/// A bounds-checked window of another region: offsets are relative to
/// <see cref="Start"/>, and accesses outside the window behave as out of range even when the
/// parent would allow them. The virtio transport gives each capability structure (common,
/// notify, ISR, device configuration) a window of its own, so a wrong offset cannot reach a
/// neighbouring structure.
/// </summary>
public sealed class MmioWindow : IMmioRegion
{
    private readonly IMmioRegion _parent;

    /// <summary>Creates the window [<paramref name="start"/>, <paramref name="start"/> +
    /// <paramref name="length"/>) of <paramref name="parent"/>, clipped to the parent's
    /// length (an empty window when it starts past the end).</summary>
    public MmioWindow(IMmioRegion parent, ulong start, ulong length)
    {
        _parent = parent;
        Start = start > parent.Length ? parent.Length : start;
        Length = Math.Min(length, parent.Length - Start);
    }

    /// <summary>Where the window starts in the parent.</summary>
    public ulong Start { get; }

    /// <inheritdoc/>
    public ulong Length { get; }

    /// <inheritdoc/>
    public byte Read8(ulong offset) => Mmio.Fits(offset, 1, Length) ? _parent.Read8(Start + offset) : byte.MaxValue;

    /// <inheritdoc/>
    public ushort Read16(ulong offset) => Mmio.Fits(offset, 2, Length) ? _parent.Read16(Start + offset) : ushort.MaxValue;

    /// <inheritdoc/>
    public uint Read32(ulong offset) => Mmio.Fits(offset, 4, Length) ? _parent.Read32(Start + offset) : uint.MaxValue;

    /// <inheritdoc/>
    public ulong Read64(ulong offset) => Mmio.Fits(offset, 8, Length) ? _parent.Read64(Start + offset) : ulong.MaxValue;

    /// <inheritdoc/>
    public void Write8(ulong offset, byte value)
    {
        if (Mmio.Fits(offset, 1, Length))
        {
            _parent.Write8(Start + offset, value);
        }
    }

    /// <inheritdoc/>
    public void Write16(ulong offset, ushort value)
    {
        if (Mmio.Fits(offset, 2, Length))
        {
            _parent.Write16(Start + offset, value);
        }
    }

    /// <inheritdoc/>
    public void Write32(ulong offset, uint value)
    {
        if (Mmio.Fits(offset, 4, Length))
        {
            _parent.Write32(Start + offset, value);
        }
    }

    /// <inheritdoc/>
    public void Write64(ulong offset, ulong value)
    {
        if (Mmio.Fits(offset, 8, Length))
        {
            _parent.Write64(Start + offset, value);
        }
    }

    /// <inheritdoc/>
    public void Fill32(ulong offset, int count, uint value)
    {
        if (Mmio.FitsRun(offset, count, Length))
        {
            _parent.Fill32(Start + offset, count, value);
        }
    }
}

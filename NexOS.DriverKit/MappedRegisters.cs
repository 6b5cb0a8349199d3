using System.Threading;
using NexOS.Drivers.Hardware;

namespace NexOS.DriverKit;

/// <summary>
/// A device's registers mapped into the driver by MmioMap, as the portable
/// <see cref="IMmioRegion"/>: every access is one volatile load or store of its width, checked
/// against the window's length and alignment (out of range reads all ones, writes are
/// dropped), so the portable drivers' bounds hold here as on the host's fakes.
/// </summary>
public sealed unsafe class MappedRegisters : IMmioRegion
{
    private readonly byte* _base;

    /// <summary>Wraps the mapping at <paramref name="address"/>. The caller guarantees that
    /// [address, address + length) is mapped uncached for as long as this object is used (the
    /// program never unmaps it).</summary>
    public MappedRegisters(ulong address, ulong length)
    {
        _base = (byte*)address;
        Length = length;
    }

    /// <inheritdoc/>
    public ulong Length { get; }

    /// <inheritdoc/>
    public byte Read8(ulong offset) => Mmio.Fits(offset, 1, Length) ? Volatile.Read(ref *(_base + offset)) : byte.MaxValue;

    /// <inheritdoc/>
    public ushort Read16(ulong offset) => Mmio.Fits(offset, 2, Length) ? Volatile.Read(ref *(ushort*)(_base + offset)) : ushort.MaxValue;

    /// <inheritdoc/>
    public uint Read32(ulong offset) => Mmio.Fits(offset, 4, Length) ? Volatile.Read(ref *(uint*)(_base + offset)) : uint.MaxValue;

    /// <inheritdoc/>
    public ulong Read64(ulong offset) => Mmio.Fits(offset, 8, Length) ? Volatile.Read(ref *(ulong*)(_base + offset)) : ulong.MaxValue;

    /// <inheritdoc/>
    public void Write8(ulong offset, byte value)
    {
        if (Mmio.Fits(offset, 1, Length))
        {
            Volatile.Write(ref *(_base + offset), value);
        }
    }

    /// <inheritdoc/>
    public void Write16(ulong offset, ushort value)
    {
        if (Mmio.Fits(offset, 2, Length))
        {
            Volatile.Write(ref *(ushort*)(_base + offset), value);
        }
    }

    /// <inheritdoc/>
    public void Write32(ulong offset, uint value)
    {
        if (Mmio.Fits(offset, 4, Length))
        {
            Volatile.Write(ref *(uint*)(_base + offset), value);
        }
    }

    /// <inheritdoc/>
    public void Write64(ulong offset, ulong value)
    {
        if (Mmio.Fits(offset, 8, Length))
        {
            Volatile.Write(ref *(ulong*)(_base + offset), value);
        }
    }

    /// <inheritdoc/>
    public void Fill32(ulong offset, int count, uint value)
    {
        if (Mmio.FitsRun(offset, count, Length))
        {
            // One block store instead of a call per word: clearing a 1280x800 framebuffer
            // word by word through the interface took most of the console's start-up.
            new Span<uint>(_base + offset, count).Fill(value);
        }
    }
}

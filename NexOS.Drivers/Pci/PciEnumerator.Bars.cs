using System.Numerics;

namespace NexOS.Drivers.Pci;

/// <summary>BAR decoding and sizing.</summary>
public sealed partial class PciEnumerator
{
    private PciBar[] ReadBars(PciFunction f, int count)
    {
        if (count == 0)
        {
            return Array.Empty<PciBar>();
        }

        var bars = new PciBar[count];
        PciAddress a = f.Address;
        ushort command = _config.Read16(a, PciRegisters.Command);
        if (SizeBars)
        {
            // While a BAR holds all ones the function would answer at a bogus address;
            // turning decoding off first keeps it from shadowing anything meanwhile.
            _config.Write16(a, PciRegisters.Command, (ushort)(command & ~(PciRegisters.CommandIoSpace | PciRegisters.CommandMemorySpace)));
        }

        for (int i = 0; i < count; i++)
        {
            bars[i] = ReadBar(a, i, count);
            if (bars[i].Kind == PciBarKind.Memory64)
            {
                bars[i + 1] = new PciBar(i + 1, PciBarKind.Upper64, 0, 0, false);
                i++;
            }
        }

        if (SizeBars)
        {
            _config.Write16(a, PciRegisters.Command, command);
        }

        foreach (PciBar bar in bars)
        {
            if (bar.Kind == PciBarKind.Invalid)
            {
                f.Issues |= PciIssues.BarInvalid;
            }
        }

        return bars;
    }

    private PciBar ReadBar(PciAddress a, int index, int count)
    {
        int offset = PciRegisters.Bar0 + (4 * index);
        uint original = _config.Read32(a, offset);
        if ((original & 1) != 0)
        {
            uint readBack = Probe(a, offset, original);
            bool wide = (readBack & 0xFFFF_0000) != 0;

            // Many I/O BARs decode only 16 address bits and read the upper half back as 0.
            ulong mask = (readBack & 0xFFFF_FFFC) | (wide ? 0 : 0xFFFF_0000u);
            ulong address = original & (wide ? 0xFFFF_FFFCu : 0xFFFCu);
            return Decode(index, PciBarKind.Io, address, mask, 32, false, readBack, original, 0x3);
        }

        int type = (int)(original >> 1) & 3;
        bool prefetchable = (original & 8) != 0;
        if (type == 1 || type == 3)
        {
            // Type 1 ("below 1 MiB") is obsolete since PCI 3.0 and type 3 is reserved.
            return new PciBar(index, PciBarKind.Invalid, 0, 0, prefetchable);
        }

        if (type == 0)
        {
            uint readBack = Probe(a, offset, original);
            return Decode(index, PciBarKind.Memory32, original & 0xFFFF_FFF0u, readBack & 0xFFFF_FFF0u, 32, prefetchable, readBack, original, 0xF);
        }

        if (index + 1 >= count)
        {
            return new PciBar(index, PciBarKind.Invalid, 0, 0, prefetchable);
        }

        uint upper = _config.Read32(a, offset + 4);
        ulong full = ((ulong)upper << 32) | (original & 0xFFFF_FFF0u);
        if (!SizeBars)
        {
            return new PciBar(index, PciBarKind.Memory64, full, 0, prefetchable);
        }

        _config.Write32(a, offset, uint.MaxValue);
        _config.Write32(a, offset + 4, uint.MaxValue);
        uint low = _config.Read32(a, offset);
        uint high = _config.Read32(a, offset + 4);
        _config.Write32(a, offset, original);
        _config.Write32(a, offset + 4, upper);
        ulong mask64 = ((ulong)high << 32) | (low & 0xFFFF_FFF0u);
        return Decode(index, PciBarKind.Memory64, full, mask64, 64, prefetchable, low, original, 0xF);
    }

    // Writes all ones and restores the BAR; returns what it read back (or the original value
    // when sizing is off, which Decode then treats as "size unknown").
    private uint Probe(PciAddress a, int offset, uint original)
    {
        if (!SizeBars)
        {
            return original;
        }

        _config.Write32(a, offset, uint.MaxValue);
        uint readBack = _config.Read32(a, offset);
        _config.Write32(a, offset, original);
        return readBack;
    }

    private PciBar Decode(int index, PciBarKind kind, ulong address, ulong mask, int width, bool prefetchable, uint readBackLow, uint original, uint flagBits)
    {
        if (!SizeBars)
        {
            return new PciBar(index, kind, address, 0, prefetchable);
        }

        if (mask == 0 || (kind == PciBarKind.Io && (mask & 0xFFFF) == 0))
        {
            return new PciBar(index, PciBarKind.None, 0, 0, false);
        }

        // A real BAR has its writable address bits contiguous from the size bit up to the
        // top of what it decodes, keeps its type bits, and holds an address aligned to its
        // size. Anything else is a device (or emulation) we must not trust.
        int low = BitOperations.TrailingZeroCount(mask);
        ulong run = mask >> low;
        bool contiguous = (run & (run + 1)) == 0;
        ulong size = 1UL << low;
        bool sameType = (readBackLow & flagBits) == (original & flagBits);
        if (!contiguous || !sameType || (address & (size - 1)) != 0 || (width == 32 && low >= 32))
        {
            return new PciBar(index, PciBarKind.Invalid, 0, 0, prefetchable);
        }

        return new PciBar(index, kind, address, size, prefetchable);
    }
}

using NexOS.Core.Acpi;
using NexOS.Drivers.Hardware;

namespace NexOS.Drivers.Pci;

/// <summary>
/// Enhanced configuration access (PCI Express ECAM): each function's 4 KiB of configuration
/// space is memory mapped at base + (bus - start bus) * 1 MiB + device * 32 KiB + function * 4 KiB.
/// Holds one window per MCFG entry; the caller maps each entry's buses (from
/// <see cref="McfgEntry.FirstBusAddress"/>, <see cref="McfgEntry.Length"/> bytes) and passes
/// the mapping in.
/// </summary>
public sealed class PciEcamConfigSpace : IPciConfigSpace
{
    /// <summary>Windows beyond this many are refused (see <see cref="Mcfg.MaxEntries"/>).</summary>
    public const int MaxWindows = Mcfg.MaxEntries;

    private readonly McfgEntry[] _entries = new McfgEntry[MaxWindows];
    private readonly IMmioRegion[] _regions = new IMmioRegion[MaxWindows];
    private int _count;

    /// <inheritdoc/>
    public int FunctionSize => 4096;

    /// <summary>Windows added so far.</summary>
    public int WindowCount => _count;

    /// <summary>Adds the window of <paramref name="entry"/>, mapped by <paramref name="region"/>
    /// starting at its first bus. Returns false (and adds nothing) when the table of windows is
    /// full or the region is shorter than the entry's buses need, so no bus of the entry could
    /// reach past the mapping.</summary>
    public bool AddWindow(McfgEntry entry, IMmioRegion region)
    {
        if (_count == MaxWindows || entry.EndBus < entry.StartBus || region.Length < entry.Length)
        {
            return false;
        }

        _entries[_count] = entry;
        _regions[_count] = region;
        _count++;
        return true;
    }

    /// <inheritdoc/>
    public bool CoversBus(ushort segment, byte bus) => Find(segment, bus) >= 0;

    /// <inheritdoc/>
    public byte Read8(PciAddress address, int offset) =>
        Locate(address, offset, 1, out IMmioRegion? r, out ulong at) ? r.Read8(at) : byte.MaxValue;

    /// <inheritdoc/>
    public ushort Read16(PciAddress address, int offset) =>
        Locate(address, offset, 2, out IMmioRegion? r, out ulong at) ? r.Read16(at) : ushort.MaxValue;

    /// <inheritdoc/>
    public uint Read32(PciAddress address, int offset) =>
        Locate(address, offset, 4, out IMmioRegion? r, out ulong at) ? r.Read32(at) : uint.MaxValue;

    /// <inheritdoc/>
    public void Write8(PciAddress address, int offset, byte value)
    {
        if (Locate(address, offset, 1, out IMmioRegion? r, out ulong at))
        {
            r.Write8(at, value);
        }
    }

    /// <inheritdoc/>
    public void Write16(PciAddress address, int offset, ushort value)
    {
        if (Locate(address, offset, 2, out IMmioRegion? r, out ulong at))
        {
            r.Write16(at, value);
        }
    }

    /// <inheritdoc/>
    public void Write32(PciAddress address, int offset, uint value)
    {
        if (Locate(address, offset, 4, out IMmioRegion? r, out ulong at))
        {
            r.Write32(at, value);
        }
    }

    private int Find(ushort segment, byte bus)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_entries[i].Segment == segment && bus >= _entries[i].StartBus && bus <= _entries[i].EndBus)
            {
                return i;
            }
        }

        return -1;
    }

    private bool Locate(PciAddress a, int offset, int size, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IMmioRegion? region, out ulong at)
    {
        region = null;
        at = 0;
        int i = a.IsValid && offset >= 0 && offset <= 4096 - size && (offset & (size - 1)) == 0 ? Find(a.Segment, a.Bus) : -1;
        if (i < 0)
        {
            return false;
        }

        region = _regions[i];
        at = ((ulong)(a.Bus - _entries[i].StartBus) << 20) | ((ulong)a.Device << 15) | ((ulong)a.Function << 12) | (uint)offset;
        return true;
    }
}

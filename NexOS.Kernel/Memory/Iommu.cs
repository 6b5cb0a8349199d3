using System.Threading;
using NexOS.Core.Iommu;
using NexOS.Core.Memory;
using NexOS.Core.Paging;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Memory;

/// <summary>
/// The IOMMU (Intel VT-d, found through the ACPI DMAR table): when the machine has one, every
/// device's DMA is translated, and a device reaches only the DMA buffers its driver was given
/// (DmaAllocate maps them for the function the MMIO capability names, at their physical
/// addresses) and the firmware's reserved regions for the devices the table lists. A buffer
/// is taken away from the device, and the unit's IOTLB invalidated, before its frames are
/// freed, so a driver that dies mid-transfer cannot write into memory that went to someone
/// else. One unit is used: of segment 0, the one that covers every device (INCLUDE_PCI_ALL),
/// or else the one that lists the most devices (QEMU's lists each); a device it does not
/// cover is not confined, and `iommu` says which are. `nexos.noiommu` leaves it off.
/// Calls run with interrupts off (the unit is not re-entrant).
/// </summary>
internal static unsafe class Iommu
{
    /// <summary>Faults kept for the `iommu` command.</summary>
    public const int KeptFaults = 16;

    private static VtdUnit? s_unit;
    private static DmarUnit? s_covered;
    private static ulong s_registerBase;
    private static readonly VtdFault[] s_faults = new VtdFault[KeptFaults];
    private static int s_faultCount;

    /// <summary>True when device DMA is translated.</summary>
    public static bool IsActive => s_unit != null;

    /// <summary>One line saying what the IOMMU does on this machine.</summary>
    public static string Status { get; private set; } = "no IOMMU (no DMAR table)";

    /// <summary>The unit in use (for the `iommu` command), or null.</summary>
    public static VtdUnit? Unit => s_unit;

    /// <summary>Faults recorded since boot.</summary>
    public static ulong Faults { get; private set; }

    /// <summary>The unit's register page, which the kernel maps for itself and no driver may
    /// be given; empty when there is no usable unit.</summary>
    public static PhysRange[] RegisterPages(Dmar? dmar)
    {
        DmarUnit? unit = Usable(dmar);
        return unit == null ? [] : [PhysRange.FromLength(unit.RegisterBase, 4096)];
    }

    /// <summary>Takes the unit over (after the kernel's page tables, which map its registers,
    /// are active). Reports what it did in <see cref="Status"/>.</summary>
    public static void Initialize(Dmar? dmar, bool disabled)
    {
        DmarUnit? unit = Usable(dmar);
        if (dmar == null || unit == null)
        {
            string units = "";
            foreach (DmarUnit u in dmar?.Units ?? [])
            {
                units += $"{(units.Length > 0 ? ", " : "")}0x{u.RegisterBase:x} segment {u.Segment}{(u.IncludeAll ? " (all)" : $" ({u.Devices.Count} devices)")}";
            }

            Status = dmar == null ? Status : $"no usable IOMMU ({dmar.Error ?? $"DMAR lists {dmar.Units.Count} unit(s){(units.Length > 0 ? ": " + units : "")}, none of segment 0 covering every device"}); device DMA is not confined";
            return;
        }

        s_registerBase = unit.RegisterBase;
        if (disabled)
        {
            Status = $"VT-d at 0x{unit.RegisterBase:x} left off (nexos.noiommu); device DMA is not confined";
            return;
        }

        var registers = new Registers(unit.RegisterBase);
        if (!VtdUnit.Probe(registers, out int levels, out bool coherent))
        {
            Status = $"VT-d at 0x{unit.RegisterBase:x} has no usable table width; device DMA is not confined";
            return;
        }

        IPageTableMemory tables = coherent ? VirtualMemory.TableMemory : new WriteThroughTables(VirtualMemory.TableMemory);
        ulong flags = InterruptState.Disable();
        VtdStatus status = VtdUnit.Enable(registers, tables, VirtualMemory.Frames, out VtdUnit? enabled);
        int reserved = status == VtdStatus.Ok ? MapReservedRegions(dmar, enabled!) : 0;
        InterruptState.Restore(flags);
        if (status != VtdStatus.Ok)
        {
            Status = $"VT-d at 0x{unit.RegisterBase:x} could not be turned on ({status}); device DMA is not confined";
            return;
        }

        s_unit = enabled;
        s_covered = unit;
        string which = unit.IncludeAll ? "each device" : $"each of the {unit.Devices.Count} devices it lists";
        Status = $"VT-d at 0x{unit.RegisterBase:x}, {levels}-level tables{(coherent ? "" : ", written through")}: "
            + $"{which} reaches only the DMA buffers its driver was given{(reserved > 0 ? $" and {reserved} firmware region(s)" : "")}";
    }

    /// <summary>Lets the function <paramref name="sourceId"/> reach [physical, +pages) at the
    /// same addresses. True when it may (always, without an IOMMU or for a function the unit
    /// does not translate); false when the unit ran out of tables or domains.</summary>
    public static bool Map(ushort sourceId, ulong physical, int pages)
    {
        if (s_unit == null || !Covers(sourceId))
        {
            return true;
        }

        ulong flags = InterruptState.Disable();
        IommuStatus status = s_unit.MapIdentity(sourceId, physical, pages);
        InterruptState.Restore(flags);
        return status == IommuStatus.Ok;
    }

    /// <summary>Takes [physical, +pages) away from the function; when this returns, the
    /// device can no longer reach them (its IOTLB entries are gone too).</summary>
    public static void Unmap(ushort sourceId, ulong physical, int pages)
    {
        if (s_unit == null)
        {
            return;
        }

        ulong flags = InterruptState.Disable();
        _ = s_unit.UnmapIdentity(sourceId, physical, pages);
        InterruptState.Restore(flags);
    }

    /// <summary>Moves the unit's new fault records into the kept ones and returns the kept
    /// faults, newest last (for the `iommu` command).</summary>
    public static VtdFault[] CollectFaults()
    {
        if (s_unit == null)
        {
            return [];
        }

        Span<VtdFault> fresh = stackalloc VtdFault[8];
        Span<VtdFault> newest = stackalloc VtdFault[KeptFaults];
        ulong flags = InterruptState.Disable();
        int n = s_unit.TakeFaults(fresh);
        for (int i = 0; i < n; i++)
        {
            s_faults[s_faultCount % KeptFaults] = fresh[i];
            s_faultCount++;
        }

        Faults += (ulong)n;
        int kept = Math.Min(s_faultCount, KeptFaults);
        for (int i = 0; i < kept; i++)
        {
            newest[i] = s_faults[(s_faultCount - kept + i) % KeptFaults];
        }

        InterruptState.Restore(flags);
        return newest[..kept].ToArray();
    }

    // The unit NexOS uses: in segment 0, below 4 GiB (the kernel maps its registers there),
    // the one that covers every device when there is one (INCLUDE_PCI_ALL), else the one that
    // lists the most (QEMU's lists each device it has).
    private static DmarUnit? Usable(Dmar? dmar)
    {
        DmarUnit? best = null;
        foreach (DmarUnit unit in dmar?.Units ?? [])
        {
            if (unit.Segment != 0 || unit.RegisterBase >= 0x1_0000_0000)
            {
                continue;
            }

            if (unit.IncludeAll)
            {
                return unit;
            }

            best = best == null || unit.Devices.Count > best.Devices.Count ? unit : best;
        }

        return best;
    }

    /// <summary>True when the unit in use translates the function's DMA.</summary>
    public static bool Covers(ushort sourceId)
    {
        if (s_covered == null)
        {
            return false;
        }

        if (s_covered.IncludeAll)
        {
            return true;
        }

        foreach (DmarDevice d in s_covered.Devices)
        {
            if (d.SourceId == sourceId)
            {
                return true;
            }
        }

        return false;
    }

    // Firmware regions the table says devices keep using (USB legacy emulation): mapped for
    // them from the start, or their DMA would fault from the moment translation is on.
    private static int MapReservedRegions(Dmar dmar, VtdUnit unit)
    {
        int mapped = 0;
        foreach (DmarReservedRegion region in dmar.ReservedRegions)
        {
            int pages = (int)Math.Min((region.Limit - region.Base + 1) / 4096, 1 << 20);
            foreach (DmarDevice device in region.Devices)
            {
                mapped += unit.MapIdentity(device.SourceId, region.Base, pages) == IommuStatus.Ok ? 1 : 0;
            }
        }

        return mapped;
    }

    /// <summary>The unit's registers through the kernel's uncached map of its page.</summary>
    private sealed class Registers : IIommuRegisters
    {
        private readonly byte* _base;

        public Registers(ulong physical) => _base = (byte*)physical;

        public uint Read32(int offset) => Volatile.Read(ref *(uint*)(_base + offset));

        public ulong Read64(int offset) => Volatile.Read(ref *(ulong*)(_base + offset));

        public void Write32(int offset, uint value) => Volatile.Write(ref *(uint*)(_base + offset), value);

        public void Write64(int offset, ulong value) => Volatile.Write(ref *(ulong*)(_base + offset), value);
    }

    /// <summary>Table memory for a unit whose walks do not snoop the CPU caches (ECAP.C
    /// clear): each entry written is flushed to RAM before the unit may read it.</summary>
    private sealed class WriteThroughTables : IPageTableMemory
    {
        private readonly IPageTableMemory _inner;

        public WriteThroughTables(IPageTableMemory inner) => _inner = inner;

        public ulong ReadEntry(PhysAddr table, int index) => _inner.ReadEntry(table, index);

        public void WriteEntry(PhysAddr table, int index, ulong value)
        {
            _inner.WriteEntry(table, index, value);
            Native.FlushCacheLine(table.Value + ((ulong)index * 8));
        }

        public void ZeroPage(PhysAddr page)
        {
            _inner.ZeroPage(page);
            for (ulong line = 0; line < 4096; line += 64)
            {
                Native.FlushCacheLine(page.Value + line);
            }
        }
    }
}

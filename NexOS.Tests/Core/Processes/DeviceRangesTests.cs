using NexOS.Core.Boot;
using NexOS.Core.Memory;
using NexOS.Core.Processes;

namespace NexOS.Tests.Core.Processes;

/// <summary>The ranges a device capability may name: never RAM, never the kernel's devices.</summary>
[TestFixture]
public sealed class DeviceRangesTests
{
    private static readonly DeviceRanges s_ranges = new(
        new[]
        {
            Region(0, 0x9_F000, MemoryRegionType.Usable),
            Region(0xF_0000, 0x1_0000, MemoryRegionType.Reserved),
            Region(0x10_0000, 0x7FE_0000 - 0x10_0000, MemoryRegionType.Usable),
            Region(0x7FE_0000, 0x2_0000, MemoryRegionType.AcpiReclaimable),
            Region(0xB000_0000, 0x1000_0000, MemoryRegionType.Reserved),
            Region(0x1_0000_0000, 0x4000_0000, MemoryRegionType.Usable),
        },
        new[] { PhysRange.FromLength(0xFEC0_0000, 0x1000), PhysRange.FromLength(0xFEE0_0000, 0x10_0000) });

    [TestCase(0xFEBF_0000UL, 0x1000UL, TestName = "A PCI BAR in the hole below the APICs")]
    [TestCase(0xFD00_0000UL, 0x100_0000UL, TestName = "A 16 MiB framebuffer BAR")]
    [TestCase(0xB000_0000UL, 0x1000_0000UL, TestName = "ECAM, listed as reserved")]
    [TestCase(0xA_0000UL, 0x2_0000UL, TestName = "The legacy VGA window, unlisted")]
    [TestCase(0x8000_0000UL, 0x1000UL, TestName = "Just above the last RAM below 4 GiB")]
    [TestCase(0x10_0000_0000UL, 0x4000_0000UL, TestName = "A 64-bit BAR above RAM, 1 GiB long")]
    public void DeviceMemoryMayBeHandedOut(ulong physical, ulong length) =>
        Assert.That(s_ranges.CheckMmio(physical, length), Is.EqualTo(DeviceRangeStatus.Ok));

    [TestCase(0x10_0000UL, 0x1000UL, TestName = "Usable RAM")]
    [TestCase(0x9_E000UL, 0x2000UL, TestName = "A range that ends one page into RAM")]
    [TestCase(0x7FF_0000UL, 0x1000UL, TestName = "ACPI tables")]
    [TestCase(0xFFF0_0000UL, 0x2_0000_0000UL, TestName = "A range that swallows RAM above 4 GiB")]
    [TestCase(0x0UL, 0x1000UL, TestName = "Page 0")]
    public void RamIsNeverHandedOut(ulong physical, ulong length)
    {
        DeviceRangeStatus status = s_ranges.CheckMmio(physical, length);
        Assert.That(status, Is.EqualTo(length > DeviceRanges.MaxMmioLength ? DeviceRangeStatus.BadArgument : DeviceRangeStatus.Memory));
    }

    [TestCase(0xFEC0_0000UL, 0x1000UL, TestName = "The I/O APIC")]
    [TestCase(0xFEE0_0000UL, 0x1000UL, TestName = "The local APIC")]
    [TestCase(0xFEB0_0000UL, 0x40_0000UL, TestName = "A range that covers both")]
    public void TheKernelsDevicesAreNeverHandedOut(ulong physical, ulong length) =>
        Assert.That(s_ranges.CheckMmio(physical, length), Is.EqualTo(DeviceRangeStatus.Kernel));

    [TestCase(0xFD00_0000UL, 0UL, TestName = "Empty")]
    [TestCase(0xFD00_0800UL, 0x1000UL, TestName = "Unaligned start")]
    [TestCase(0xFD00_0000UL, 0x800UL, TestName = "Unaligned length")]
    [TestCase(0xFD00_0000UL, (1UL << 30) + 0x1000, TestName = "Longer than 1 GiB")]
    [TestCase(0xFFFF_FFFF_FFFF_F000UL, 0x2000UL, TestName = "Wrapping")]
    [TestCase(1UL << 52, 0x1000UL, TestName = "Past 52 bits")]
    [TestCase((1UL << 52) - 0x1000, 0x2000UL, TestName = "Ending past 52 bits")]
    public void MalformedRangesAreRefused(ulong physical, ulong length) =>
        Assert.That(s_ranges.CheckMmio(physical, length), Is.EqualTo(DeviceRangeStatus.BadArgument));

    [TestCase(0xCF8UL, 8UL, DeviceRangeStatus.Ok, TestName = "PCI configuration ports")]
    [TestCase(0x60UL, 5UL, DeviceRangeStatus.Ok, TestName = "The PS/2 controller")]
    [TestCase(0x3F8UL, 8UL, DeviceRangeStatus.Ok, TestName = "COM1")]
    [TestCase(0xFFFFUL, 1UL, DeviceRangeStatus.Ok, TestName = "The last port")]
    [TestCase(0x20UL, 1UL, DeviceRangeStatus.Kernel, TestName = "PIC 1")]
    [TestCase(0x1FUL, 2UL, DeviceRangeStatus.Kernel, TestName = "A range that ends on PIC 1")]
    [TestCase(0x43UL, 1UL, DeviceRangeStatus.Kernel, TestName = "The PIT's command port")]
    [TestCase(0x70UL, 2UL, DeviceRangeStatus.Kernel, TestName = "CMOS and the NMI mask")]
    [TestCase(0xA1UL, 1UL, DeviceRangeStatus.Kernel, TestName = "PIC 2")]
    [TestCase(0x4D1UL, 1UL, DeviceRangeStatus.Kernel, TestName = "The ELCR")]
    [TestCase(0x0UL, 0x10000UL, DeviceRangeStatus.Kernel, TestName = "Every port")]
    [TestCase(0x100UL, 0UL, DeviceRangeStatus.BadArgument, TestName = "No ports")]
    [TestCase(0xFFFFUL, 2UL, DeviceRangeStatus.BadArgument, TestName = "Past the last port")]
    [TestCase(0x10000UL, 1UL, DeviceRangeStatus.BadArgument, TestName = "Not a port")]
    [TestCase(0x100UL, ulong.MaxValue, DeviceRangeStatus.BadArgument, TestName = "A wild count")]
    public void PortsAreCheckedAgainstTheKernels(ulong first, ulong count, DeviceRangeStatus expected) =>
        Assert.That(DeviceRanges.CheckPorts(first, count), Is.EqualTo(expected));

    private static MemoryRegion Region(ulong start, ulong length, MemoryRegionType type) =>
        new(PhysRange.FromLength(start, length), type);
}

using NexOS.Core.Boot;
using NexOS.Core.Memory;

namespace NexOS.Core.Processes;

/// <summary>Why a device range may or may not be handed to a driver.</summary>
public enum DeviceRangeStatus
{
    Ok = 0,

    /// <summary>Empty, unaligned, too long, wrapping, or past what the CPU can address.</summary>
    BadArgument,

    /// <summary>The range overlaps RAM or firmware tables in the memory map: mapping it would
    /// hand a driver memory the kernel or other programs own.</summary>
    Memory,

    /// <summary>The range overlaps a device the kernel drives itself (interrupt controllers,
    /// the timer).</summary>
    Kernel,
}

/// <summary>
/// Which physical ranges and I/O ports may become device capabilities (docs/syscalls.md,
/// DeviceMmioCreate and DevicePortsCreate). The device manager holds the authority to make
/// them, but even it may not name RAM (everything the memory map lists as usable, ACPI or bad
/// memory), nor the registers of devices the kernel itself drives: the local and I/O APICs,
/// the 8259 PICs, the PIT, the CMOS/NMI ports and the ELCR. Ranges the memory map lists as
/// reserved, and holes it does not list (where PCI devices live), may be handed out. Built
/// once at boot; the checks do not allocate.
/// </summary>
public sealed class DeviceRanges
{
    /// <summary>The longest MMIO range one capability names: 1 GiB.</summary>
    public const ulong MaxMmioLength = 1UL << 30;

    /// <summary>Physical addresses stop here (52 bits, the architectural limit).</summary>
    public const ulong PhysicalLimit = 1UL << 52;

    private const ulong Page = 4096;

    /// <summary>Ports of the devices the kernel drives: PIC 1, PIT, CMOS/NMI, PIC 2, ELCR.</summary>
    private static readonly (ushort First, ushort Count)[] s_kernelPorts =
    {
        (0x20, 2), (0x40, 4), (0x70, 2), (0xA0, 2), (0x4D0, 2),
    };

    private readonly PhysRange[] _memory;
    private readonly PhysRange[] _kernelMmio;

    /// <summary>Uses the memory map's entries other than Reserved as memory, and
    /// <paramref name="kernelMmio"/> as the kernel's own device registers.</summary>
    public DeviceRanges(IReadOnlyList<MemoryRegion> memoryMap, IReadOnlyList<PhysRange> kernelMmio)
    {
        var memory = new List<PhysRange>();
        foreach (MemoryRegion region in memoryMap)
        {
            if (region.Type != MemoryRegionType.Reserved && !region.Range.IsEmpty)
            {
                memory.Add(region.Range);
            }
        }

        _memory = memory.ToArray();
        _kernelMmio = new PhysRange[kernelMmio.Count];
        for (int i = 0; i < kernelMmio.Count; i++)
        {
            _kernelMmio[i] = kernelMmio[i];
        }
    }

    /// <summary>Checks [<paramref name="physical"/>, +<paramref name="length"/>): both page
    /// aligned, 1 page to <see cref="MaxMmioLength"/>, below <see cref="PhysicalLimit"/>
    /// (BadArgument); no byte of RAM (Memory); none of the kernel's devices (Kernel).</summary>
    public DeviceRangeStatus CheckMmio(ulong physical, ulong length)
    {
        if (length == 0 || length > MaxMmioLength || (physical | length) % Page != 0 || physical >= PhysicalLimit
            || PhysicalLimit - physical < length)
        {
            return DeviceRangeStatus.BadArgument;
        }

        ulong end = physical + length;
        foreach (PhysRange r in _memory)
        {
            if (physical < r.End.Value && r.Start.Value < end)
            {
                return DeviceRangeStatus.Memory;
            }
        }

        foreach (PhysRange r in _kernelMmio)
        {
            if (physical < r.End.Value && r.Start.Value < end)
            {
                return DeviceRangeStatus.Kernel;
            }
        }

        return DeviceRangeStatus.Ok;
    }

    /// <summary>Checks ports [<paramref name="first"/>, +<paramref name="count"/>): 1 to
    /// 65,536 ports inside the 16-bit port space (BadArgument), none of the kernel's (Kernel).</summary>
    public static DeviceRangeStatus CheckPorts(ulong first, ulong count)
    {
        if (count == 0 || first > ushort.MaxValue || count > 0x10000 - first)
        {
            return DeviceRangeStatus.BadArgument;
        }

        foreach ((ushort start, ushort n) in s_kernelPorts)
        {
            if (first < (ulong)start + n && start < first + count)
            {
                return DeviceRangeStatus.Kernel;
            }
        }

        return DeviceRangeStatus.Ok;
    }
}

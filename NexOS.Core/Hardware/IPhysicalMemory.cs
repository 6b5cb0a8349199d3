namespace NexOS.Core.Hardware;

/// <summary>
/// Read access to physical memory, for parsers of firmware tables (ACPI, SMBIOS) that find
/// their data by physical address. The kernel implements it over its identity map and refuses
/// ranges it has not mapped; tests implement it over byte arrays.
/// </summary>
public interface IPhysicalMemory
{
    /// <summary>
    /// Copies <c>destination.Length</c> bytes starting at physical <paramref name="address"/>
    /// into <paramref name="destination"/>. Returns false, and leaves the contents of
    /// <paramref name="destination"/> unspecified, when any byte of the range is not readable
    /// (including a range that wraps past the end of the address space). Never throws.
    /// </summary>
    bool TryRead(ulong address, Span<byte> destination);
}

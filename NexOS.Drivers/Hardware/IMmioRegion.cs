namespace NexOS.Drivers.Hardware;

/// <summary>
/// A window of memory-mapped device registers or memory (a PCI BAR, the ECAM area, a linear
/// framebuffer), addressed by byte offset from its start. The OS implements it over a mapping
/// it made for the driver; tests implement it over an array. Every access is bounds checked:
/// an access that does not lie wholly inside [0, <see cref="Length"/>) reads as all ones (what
/// a read of nothing returns on PCI) and a write there is dropped. Implementations must not
/// allocate or throw: drivers call them from interrupt handlers.
/// </summary>
public interface IMmioRegion
{
    /// <summary>Size of the window in bytes.</summary>
    ulong Length { get; }

    /// <summary>Reads the byte at <paramref name="offset"/>; 0xFF when out of range.</summary>
    byte Read8(ulong offset);

    /// <summary>Reads a little-endian 16-bit value; all ones when out of range.</summary>
    ushort Read16(ulong offset);

    /// <summary>Reads a little-endian 32-bit value; all ones when out of range.</summary>
    uint Read32(ulong offset);

    /// <summary>Reads a little-endian 64-bit value; all ones when out of range.</summary>
    ulong Read64(ulong offset);

    /// <summary>Writes a byte; dropped when out of range.</summary>
    void Write8(ulong offset, byte value);

    /// <summary>Writes a little-endian 16-bit value; dropped when out of range.</summary>
    void Write16(ulong offset, ushort value);

    /// <summary>Writes a little-endian 32-bit value; dropped when out of range.</summary>
    void Write32(ulong offset, uint value);

    /// <summary>Writes a little-endian 64-bit value; dropped when out of range.</summary>
    void Write64(ulong offset, ulong value);
}

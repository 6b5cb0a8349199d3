namespace NexOS.Drivers.Pci;

/// <summary>
/// Access to PCI configuration space. Each access size is a member of its own rather than a
/// read-modify-write of the containing dword, because the status register (offset 6) has
/// write-one-to-clear bits that a 32-bit write of the command register would clear by accident.
/// Reads of a function, offset or alignment the mechanism cannot reach return all ones (what
/// hardware returns for an absent function); writes there are dropped. Accesses must be
/// naturally aligned (a 16-bit access at an even offset, a 32-bit one at a multiple of 4).
/// Implementations must not allocate or throw.
/// </summary>
public interface IPciConfigSpace
{
    /// <summary>Bytes of configuration space per function: 256 for the legacy port mechanism,
    /// 4096 for ECAM.</summary>
    int FunctionSize { get; }

    /// <summary>True when <paramref name="segment"/>/<paramref name="bus"/> can be reached.</summary>
    bool CoversBus(ushort segment, byte bus);

    /// <summary>Reads a byte; 0xFF when unreachable.</summary>
    byte Read8(PciAddress address, int offset);

    /// <summary>Reads a 16-bit value; 0xFFFF when unreachable or misaligned.</summary>
    ushort Read16(PciAddress address, int offset);

    /// <summary>Reads a 32-bit value; 0xFFFFFFFF when unreachable or misaligned.</summary>
    uint Read32(PciAddress address, int offset);

    /// <summary>Writes a byte; dropped when unreachable.</summary>
    void Write8(PciAddress address, int offset, byte value);

    /// <summary>Writes a 16-bit value; dropped when unreachable or misaligned.</summary>
    void Write16(PciAddress address, int offset, ushort value);

    /// <summary>Writes a 32-bit value; dropped when unreachable or misaligned.</summary>
    void Write32(PciAddress address, int offset, uint value);
}

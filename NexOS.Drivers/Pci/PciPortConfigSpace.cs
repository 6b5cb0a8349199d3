using NexOS.Core.Hardware;

namespace NexOS.Drivers.Pci;

/// <summary>
/// Configuration mechanism #1: the dword address goes to port 0xCF8, the data moves through
/// ports 0xCFC-0xCFF. It reaches segment 0 and the first 256 bytes of each function only. The
/// address/data pair is not atomic: the caller runs one access at a time (one driver process
/// owns the ports).
/// </summary>
public sealed class PciPortConfigSpace : IPciConfigSpace
{
    /// <summary>The address port.</summary>
    public const ushort AddressPort = 0xCF8;

    /// <summary>The data port (and the three after it for narrower accesses).</summary>
    public const ushort DataPort = 0xCFC;

    private const uint EnableBit = 0x8000_0000;

    private readonly IPortIo _io;

    /// <summary>Creates the mechanism over <paramref name="io"/>, which must reach 0xCF8-0xCFF.</summary>
    public PciPortConfigSpace(IPortIo io)
    {
        _io = io;
    }

    /// <inheritdoc/>
    public int FunctionSize => 256;

    /// <inheritdoc/>
    public bool CoversBus(ushort segment, byte bus) => segment == 0;

    /// <inheritdoc/>
    public byte Read8(PciAddress address, int offset) =>
        Select(address, offset, 1) ? _io.ReadByte((ushort)(DataPort + (offset & 3))) : byte.MaxValue;

    /// <inheritdoc/>
    public ushort Read16(PciAddress address, int offset) =>
        Select(address, offset, 2) ? _io.ReadUInt16((ushort)(DataPort + (offset & 2))) : ushort.MaxValue;

    /// <inheritdoc/>
    public uint Read32(PciAddress address, int offset) =>
        Select(address, offset, 4) ? _io.ReadUInt32(DataPort) : uint.MaxValue;

    /// <inheritdoc/>
    public void Write8(PciAddress address, int offset, byte value)
    {
        if (Select(address, offset, 1))
        {
            _io.WriteByte((ushort)(DataPort + (offset & 3)), value);
        }
    }

    /// <inheritdoc/>
    public void Write16(PciAddress address, int offset, ushort value)
    {
        if (Select(address, offset, 2))
        {
            _io.WriteUInt16((ushort)(DataPort + (offset & 2)), value);
        }
    }

    /// <inheritdoc/>
    public void Write32(PciAddress address, int offset, uint value)
    {
        if (Select(address, offset, 4))
        {
            _io.WriteUInt32(DataPort, value);
        }
    }

    // Writes the address register when the access is one the mechanism can make.
    private bool Select(PciAddress a, int offset, int size)
    {
        if (a.Segment != 0 || !a.IsValid || offset < 0 || offset > 256 - size || (offset & (size - 1)) != 0)
        {
            return false;
        }

        uint value = EnableBit | ((uint)a.Bus << 16) | ((uint)a.Device << 11) | ((uint)a.Function << 8) | (uint)(offset & 0xFC);
        _io.WriteUInt32(AddressPort, value);
        return true;
    }
}

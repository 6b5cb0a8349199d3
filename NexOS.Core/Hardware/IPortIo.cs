namespace NexOS.Core.Hardware;

/// <summary>
/// Access to the x86 I/O port space. The kernel implements it with the in/out instructions;
/// tests implement it with emulated devices, so drivers written against it run in both homes.
/// Implementations must not allocate or throw: drivers call them from interrupt handlers.
/// </summary>
public interface IPortIo
{
    /// <summary>Reads one byte from <paramref name="port"/>.</summary>
    byte ReadByte(ushort port);

    /// <summary>Writes one byte to <paramref name="port"/>.</summary>
    void WriteByte(ushort port, byte value);

    /// <summary>Reads a 16-bit word from <paramref name="port"/>.</summary>
    ushort ReadUInt16(ushort port);

    /// <summary>Writes a 16-bit word to <paramref name="port"/>.</summary>
    void WriteUInt16(ushort port, ushort value);

    /// <summary>Reads a 32-bit double word from <paramref name="port"/>.</summary>
    uint ReadUInt32(ushort port);

    /// <summary>Writes a 32-bit double word to <paramref name="port"/>.</summary>
    void WriteUInt32(ushort port, uint value);
}

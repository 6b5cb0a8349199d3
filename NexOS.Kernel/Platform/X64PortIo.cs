using NexOS.Core.Hardware;

namespace NexOS.Kernel.Platform;

/// <summary>x86 port I/O for drivers that take an <see cref="IPortIo"/>.</summary>
internal sealed class X64PortIo : IPortIo
{
    public static readonly X64PortIo Instance = new();

    public byte ReadByte(ushort port) => Native.InB(port);

    public void WriteByte(ushort port, byte value) => Native.OutB(port, value);

    public ushort ReadUInt16(ushort port) => Native.InW(port);

    public void WriteUInt16(ushort port, ushort value) => Native.OutW(port, value);

    public uint ReadUInt32(ushort port) => Native.InD(port);

    public void WriteUInt32(ushort port, uint value) => Native.OutD(port, value);
}

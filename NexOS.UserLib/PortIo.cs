using NexOS.Core.Hardware;

namespace NexOS.UserLib;

/// <summary>
/// <see cref="IPortIo"/> over a port-range capability, so the portable drivers
/// (NexOS.Drivers) run in a ring-3 program unchanged. A port the capability does not grant
/// reads as all ones and ignores writes, as an absent device does.
/// </summary>
public sealed class PortIo : IPortIo
{
    private readonly int _range;

    public PortIo(int range) => _range = range;

    public byte ReadByte(ushort port) => (byte)Read(port, 1, 0xFF);

    public void WriteByte(ushort port, byte value) => Devices.PortWrite(_range, port, value, 1);

    public ushort ReadUInt16(ushort port) => (ushort)Read(port, 2, 0xFFFF);

    public void WriteUInt16(ushort port, ushort value) => Devices.PortWrite(_range, port, value, 2);

    public uint ReadUInt32(ushort port) => (uint)Read(port, 4, 0xFFFF_FFFF);

    public void WriteUInt32(ushort port, uint value) => Devices.PortWrite(_range, port, value, 4);

    private long Read(ushort port, int width, long absent)
    {
        long value = Devices.PortRead(_range, port, width);
        return value < 0 ? absent : value;
    }
}

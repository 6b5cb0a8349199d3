using NexOS.Core.Hardware;

namespace NexOS.Tests.Drivers.Input;

/// <summary>An emulated i8042 with a keyboard on its first port, with switches for faults.</summary>
internal sealed class FakeI8042 : IPortIo
{
    private bool _expectConfig;

    public Queue<byte> Output { get; } = new();

    public byte Config { get; set; } = 0x65;

    public bool Absent { get; set; }

    public bool InputStuckFull { get; set; }

    public bool KeyboardPresent { get; set; } = true;

    public byte SelfTestResult { get; set; } = 0x55;

    public byte PortTestResult { get; set; }

    public byte KeyboardResetResult { get; set; } = 0xAA;

    public int ResendsToSend { get; set; }

    public bool Port1Enabled { get; private set; } = true;

    public List<byte> KeyboardReceived { get; } = new();

    public byte ReadByte(ushort port)
    {
        if (Absent)
        {
            return 0xFF;
        }

        if (port == 0x64)
        {
            return (byte)((Output.Count > 0 ? 1 : 0) | (InputStuckFull ? 2 : 0));
        }

        return Output.Count > 0 ? Output.Dequeue() : (byte)0;
    }

    public void WriteByte(ushort port, byte value)
    {
        if (port == 0x64)
        {
            switch (value)
            {
                case 0x20: Output.Enqueue(Config); break;
                case 0x60: _expectConfig = true; break;
                case 0xAA: Output.Enqueue(SelfTestResult); break;
                case 0xAB: Output.Enqueue(PortTestResult); break;
                case 0xAD: Port1Enabled = false; break;
                case 0xAE: Port1Enabled = true; break;
            }

            return;
        }

        if (_expectConfig)
        {
            Config = value;
            _expectConfig = false;
            return;
        }

        if (!KeyboardPresent)
        {
            return;
        }

        KeyboardReceived.Add(value);
        if (ResendsToSend > 0)
        {
            ResendsToSend--;
            Output.Enqueue(0xFE);
            return;
        }

        Output.Enqueue(0xFA);
        if (value == 0xFF)
        {
            Output.Enqueue(KeyboardResetResult);
        }
    }

    public ushort ReadUInt16(ushort port) => 0xFFFF;

    public void WriteUInt16(ushort port, ushort value)
    {
    }

    public uint ReadUInt32(ushort port) => uint.MaxValue;

    public void WriteUInt32(ushort port, uint value)
    {
    }
}

using NexOS.Abi;
using NexOS.Core.Hardware;
using NexOS.Drivers.Input;
using NexOS.UserLib;

namespace NexOS.Programs.Console;

/// <summary>
/// The PS/2 keyboard: the i8042 controller's data and command ports (two port capabilities)
/// and IRQ 1. The controller translates the keyboard's scancode set 2 into set 1, which
/// <see cref="Scancode1Decoder"/> turns into keys with the US layout and the modifiers;
/// <see cref="TerminalKeyEncoder"/> turns those into the bytes a terminal sends (arrows as
/// escape sequences, Ctrl-C as 0x03), so the shell reads the keyboard exactly as the serial
/// line. Keys repeat as the keyboard's typematic rate sends them again. When a lock key
/// toggles, the LEDs are set to match (a key typed while the keyboard acknowledges is decoded,
/// not lost).
/// </summary>
internal sealed class Keyboard
{
    private readonly int _irq;
    private readonly I8042Controller _controller;
    private readonly Scancode1Decoder _decoder = new();
    private readonly byte[] _sequence = new byte[TerminalKeyEncoder.MaxSequenceLength];

    private Keyboard(int irq, I8042Controller controller)
    {
        _irq = irq;
        _controller = controller;
    }

    /// <summary>Sets the controller up and binds IRQ 1 to <paramref name="bit"/> of
    /// <paramref name="notification"/>; null (after a log line) when there is no usable
    /// keyboard controller, and the console goes on with the serial line alone.</summary>
    public static Keyboard? Start(int data, int control, int irq, int notification, ulong bit)
    {
        var controller = new I8042Controller(new ControllerPorts(new PortIo(data), new PortIo(control)));
        I8042Status status = controller.Initialize();
        if (status != I8042Status.Ok)
        {
            Log.WriteLine($"console: no PS/2 keyboard ({status}); the serial line only");
            return null;
        }

        if (Devices.BindInterrupt(irq, notification, bit) != SyscallStatus.Ok)
        {
            Log.WriteLine("console: the keyboard's interrupt line was refused; the serial line only");
            return null;
        }

        return new Keyboard(irq, controller);
    }

    /// <summary>Turns every byte the controller holds into terminal input for
    /// <paramref name="accept"/>, then re-arms the line.</summary>
    public void Drain(Action<byte> accept)
    {
        for (int guard = 0; guard < 64 && _controller.TryReadData(out byte value); guard++)
        {
            Decode(value, accept);
        }

        // A lock key toggled: light the LEDs to match. Bytes typed meanwhile may toggle a lock
        // again, hence the (bounded) loop.
        for (int guard = 0; guard < 4 && _decoder.TryTakeLedChange(out KeyboardLeds leds); guard++)
        {
            if (!_controller.SetLeds(leds, b => Decode(b, accept)))
            {
                Log.WriteLine("console: the keyboard did not take its LED state");
            }
        }

        _ = Devices.AcknowledgeInterrupt(_irq);
    }

    private void Decode(byte value, Action<byte> accept)
    {
        if (!_decoder.TryDecode(value, out KeyEvent key) || !key.Pressed)
        {
            return;
        }

        int n = TerminalKeyEncoder.Encode(key, _sequence);
        for (int i = 0; i < n; i++)
        {
            accept(_sequence[i]);
        }
    }

    /// <summary>The controller's two ports, each behind a capability of its own (the ports
    /// between them are the system control port and others the console has no business with).</summary>
    private sealed class ControllerPorts : IPortIo
    {
        private readonly PortIo _data;
        private readonly PortIo _control;

        public ControllerPorts(PortIo data, PortIo control)
        {
            _data = data;
            _control = control;
        }

        public byte ReadByte(ushort port) => Pick(port).ReadByte(port);

        public void WriteByte(ushort port, byte value) => Pick(port).WriteByte(port, value);

        public ushort ReadUInt16(ushort port) => Pick(port).ReadUInt16(port);

        public void WriteUInt16(ushort port, ushort value) => Pick(port).WriteUInt16(port, value);

        public uint ReadUInt32(ushort port) => Pick(port).ReadUInt32(port);

        public void WriteUInt32(ushort port, uint value) => Pick(port).WriteUInt32(port, value);

        private PortIo Pick(ushort port) => port == I8042Controller.CommandPort ? _control : _data;
    }
}

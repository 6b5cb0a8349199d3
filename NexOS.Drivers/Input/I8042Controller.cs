using NexOS.Core.Hardware;

namespace NexOS.Drivers.Input;

/// <summary>Outcome of the i8042 and keyboard set-up.</summary>
public enum I8042Status
{
    /// <summary>Controller and keyboard are ready; IRQ1 delivers translated set 1 scancodes.</summary>
    Ok,

    /// <summary>The status port reads 0xFF: no controller is there.</summary>
    NoController,

    /// <summary>The controller never accepted a command or never answered one.</summary>
    Timeout,

    /// <summary>The controller's self test (0xAA) did not answer 0x55.</summary>
    ControllerSelfTestFailed,

    /// <summary>The first port's interface test (0xAB) reported a fault.</summary>
    PortTestFailed,

    /// <summary>The keyboard did not acknowledge a command (none attached, or broken).</summary>
    KeyboardNotResponding,

    /// <summary>The keyboard's reset self test did not pass (no 0xAA after reset).</summary>
    KeyboardSelfTestFailed,
}

/// <summary>
/// Sets up the PC's i8042 keyboard controller and the keyboard on its first port, over the
/// data (0x60) and status/command (0x64) ports: disables both ports, flushes stale output,
/// self-tests the controller and the port, programs the configuration byte (scancode
/// translation on, IRQ1 on, second port off), resets and enables the keyboard and sets its
/// typematic rate. Every wait is a bounded poll, so a missing or broken controller yields a
/// status, never a hang. After set-up, bytes come with IRQ1: read them with <see cref="TryReadData"/>.
/// </summary>
public sealed class I8042Controller
{
    /// <summary>The data port.</summary>
    public const ushort DataPort = 0x60;

    /// <summary>The status (read) and command (write) port.</summary>
    public const ushort CommandPort = 0x64;

    /// <summary>Status polls one wait makes before giving up.</summary>
    public const int SpinLimit = 100_000;

    /// <summary>Typematic byte: 500 ms delay, about 30 characters per second.</summary>
    public const byte DefaultTypematic = 0x20;

    private const byte StatusOutputFull = 0x01;
    private const byte StatusInputFull = 0x02;
    private const byte ConfigPort1Irq = 0x01;
    private const byte ConfigPort2Irq = 0x02;
    private const byte ConfigPort1ClockOff = 0x10;
    private const byte ConfigPort2ClockOff = 0x20;
    private const byte ConfigTranslation = 0x40;
    private const byte Ack = 0xFA;
    private const byte Resend = 0xFE;
    private const int MaxFlush = 64;
    private const int KeyboardRetries = 3;

    private readonly IPortIo _io;

    /// <summary>Creates a driver over <paramref name="io"/>; nothing is touched until <see cref="Initialize"/>.</summary>
    public I8042Controller(IPortIo io)
    {
        _io = io;
    }

    /// <summary>The configuration byte written by the last successful <see cref="Initialize"/>.</summary>
    public byte ConfigByte { get; private set; }

    /// <summary>Runs the whole set-up. Returns <see cref="I8042Status.Ok"/> or the first failure;
    /// on failure the keyboard's interrupt stays off.</summary>
    public I8042Status Initialize(byte typematic = DefaultTypematic)
    {
        if (_io.ReadByte(CommandPort) == 0xFF)
        {
            return I8042Status.NoController;
        }

        if (!Command(0xAD) || !Command(0xA7))
        {
            return I8042Status.Timeout;
        }

        Flush();
        if (!Command(0x20) || !Read(out byte config))
        {
            return I8042Status.Timeout;
        }

        config = (byte)(config & ~(ConfigPort1Irq | ConfigPort2Irq | ConfigTranslation));
        if (!WriteConfig(config))
        {
            return I8042Status.Timeout;
        }

        if (!Command(0xAA) || !Read(out byte selfTest))
        {
            return I8042Status.Timeout;
        }

        if (selfTest != 0x55)
        {
            return I8042Status.ControllerSelfTestFailed;
        }

        // Some controllers reset their configuration during the self test: write it again.
        if (!WriteConfig(config) || !Command(0xAB) || !Read(out byte portTest))
        {
            return I8042Status.Timeout;
        }

        if (portTest != 0x00)
        {
            return I8042Status.PortTestFailed;
        }

        if (!Command(0xAE))
        {
            return I8042Status.Timeout;
        }

        I8042Status keyboard = ResetKeyboard();
        if (keyboard != I8042Status.Ok)
        {
            return keyboard;
        }

        if (!SendToKeyboard(0xF3) || !SendToKeyboard((byte)(typematic & 0x7F)) || !SendToKeyboard(0xF4))
        {
            return I8042Status.KeyboardNotResponding;
        }

        config = (byte)((config | ConfigPort1Irq | ConfigTranslation | ConfigPort2ClockOff) & ~ConfigPort1ClockOff);
        if (!WriteConfig(config))
        {
            return I8042Status.Timeout;
        }

        ConfigByte = config;
        Flush();
        return I8042Status.Ok;
    }

    /// <summary>Sets the keyboard LEDs (command 0xED). Returns false when the keyboard does not
    /// acknowledge. It polls for the acknowledgements itself (the decoder would drop them as
    /// 0xFA bytes); a key the person types meanwhile arrives before the acknowledgement and is
    /// handed to <paramref name="typed"/> (up to <see cref="MaxInterleaved"/> bytes per
    /// command), so nothing typed is lost. Without <paramref name="typed"/> such a byte counts
    /// as no acknowledgement.</summary>
    public bool SetLeds(KeyboardLeds leds, Action<byte>? typed = null) =>
        SendToKeyboard(0xED, typed) && SendToKeyboard((byte)((byte)leds & 7), typed);

    /// <summary>Bytes other than an acknowledgement that one command to the keyboard accepts
    /// before its answer.</summary>
    public const int MaxInterleaved = 16;

    /// <summary>Takes a byte from the controller if one waits (the IRQ handler calls this).</summary>
    public bool TryReadData(out byte value)
    {
        if ((_io.ReadByte(CommandPort) & StatusOutputFull) == 0)
        {
            value = 0;
            return false;
        }

        value = _io.ReadByte(DataPort);
        return true;
    }

    private I8042Status ResetKeyboard()
    {
        if (!SendToKeyboard(0xFF))
        {
            return I8042Status.KeyboardNotResponding;
        }

        // The self test takes hundreds of milliseconds on real keyboards; the bounded polls
        // below (a few of them) cover that on a real controller.
        for (int i = 0; i < 4; i++)
        {
            if (Read(out byte result))
            {
                return result == 0xAA ? I8042Status.Ok : I8042Status.KeyboardSelfTestFailed;
            }
        }

        return I8042Status.KeyboardSelfTestFailed;
    }

    private bool SendToKeyboard(byte value, Action<byte>? typed = null)
    {
        for (int attempt = 0; attempt < KeyboardRetries; attempt++)
        {
            if (!Write(DataPort, value) || !Read(out byte reply))
            {
                return false;
            }

            for (int other = 0; typed != null && reply != Ack && reply != Resend && other < MaxInterleaved; other++)
            {
                typed(reply);
                if (!Read(out reply))
                {
                    return false;
                }
            }

            if (reply == Ack)
            {
                return true;
            }

            if (reply != Resend)
            {
                return false;
            }
        }

        return false;
    }

    private bool WriteConfig(byte config) => Command(0x60) && Write(DataPort, config);

    private bool Command(byte command) => Write(CommandPort, command);

    private bool Write(ushort port, byte value)
    {
        for (int i = 0; i < SpinLimit; i++)
        {
            if ((_io.ReadByte(CommandPort) & StatusInputFull) == 0)
            {
                _io.WriteByte(port, value);
                return true;
            }
        }

        return false;
    }

    private bool Read(out byte value)
    {
        for (int i = 0; i < SpinLimit; i++)
        {
            if ((_io.ReadByte(CommandPort) & StatusOutputFull) != 0)
            {
                value = _io.ReadByte(DataPort);
                return true;
            }
        }

        value = 0;
        return false;
    }

    private void Flush()
    {
        for (int i = 0; i < MaxFlush && (_io.ReadByte(CommandPort) & StatusOutputFull) != 0; i++)
        {
            _io.ReadByte(DataPort);
        }
    }
}

namespace NexOS.Drivers.Input;

/// <summary>
/// Turns scancode set 1 bytes (what an i8042 with translation delivers) into key events, one
/// byte at a time: E0-prefixed keys, the E1 Pause sequence, make/break, auto-repeat (a make
/// code for a key already down), modifiers and lock keys, and the US layout. Lock key toggles
/// change the wanted LED state (<see cref="TryTakeLedChange"/>). Every byte value is accepted:
/// unknown codes and broken prefixes are dropped and decoding carries on with the next byte,
/// so line noise cannot wedge it. It never allocates or throws.
/// </summary>
public sealed class Scancode1Decoder
{
    private const byte PrefixE0 = 0xE0;
    private const byte PrefixE1 = 0xE1;
    private const byte BreakBit = 0x80;

    private readonly bool[] _down = new bool[256];
    private byte _prefix;      // 0, E0, or E1
    private int _e1Index;      // bytes of the E1 sequence seen after the E1
    private bool _e1Break;
    private KeyModifiers _locks;
    private bool _ledsChanged;

    /// <summary>Bytes dropped because they fit no sequence.</summary>
    public ulong DroppedBytes { get; private set; }

    /// <summary>The current modifier and lock state.</summary>
    public KeyModifiers Modifiers
    {
        get
        {
            KeyModifiers m = _locks;
            if (_down[(int)KeyCode.LeftShift] || _down[(int)KeyCode.RightShift])
            {
                m |= KeyModifiers.Shift;
            }

            if (_down[(int)KeyCode.LeftCtrl] || _down[(int)KeyCode.RightCtrl])
            {
                m |= KeyModifiers.Ctrl;
            }

            if (_down[(int)KeyCode.LeftAlt] || _down[(int)KeyCode.RightAlt])
            {
                m |= KeyModifiers.Alt;
            }

            return m;
        }
    }

    /// <summary>The LEDs that match the lock state.</summary>
    public KeyboardLeds Leds =>
        ((_locks & KeyModifiers.CapsLock) != 0 ? KeyboardLeds.CapsLock : 0)
        | ((_locks & KeyModifiers.NumLock) != 0 ? KeyboardLeds.NumLock : 0)
        | ((_locks & KeyModifiers.ScrollLock) != 0 ? KeyboardLeds.ScrollLock : 0);

    /// <summary>True when <paramref name="key"/> is held down.</summary>
    public bool IsDown(KeyCode key) => _down[(int)key];

    /// <summary>Sets the lock state (for instance num lock on at start-up) without asking for
    /// an LED change.</summary>
    public void SetLocks(KeyModifiers locks) =>
        _locks = locks & (KeyModifiers.CapsLock | KeyModifiers.NumLock | KeyModifiers.ScrollLock);

    /// <summary>Returns true once after a lock key toggled, with the LEDs to set.</summary>
    public bool TryTakeLedChange(out KeyboardLeds leds)
    {
        leds = Leds;
        bool changed = _ledsChanged;
        _ledsChanged = false;
        return changed;
    }

    /// <summary>Forgets held keys and any half-read sequence (after a keyboard reset, when
    /// releases may have been lost). Lock state is kept.</summary>
    public void Reset()
    {
        Array.Clear(_down);
        _prefix = 0;
        _e1Index = 0;
    }

    /// <summary>Feeds one byte. Returns true with the event when the byte completes a key
    /// press, repeat or release; false when it was a prefix, part of a sequence, a controller
    /// reply (ACK, resend, errors) or garbage.</summary>
    public bool TryDecode(byte value, out KeyEvent keyEvent)
    {
        keyEvent = default;
        if (_prefix == PrefixE1)
        {
            return DecodePause(value, out keyEvent);
        }

        switch (value)
        {
            case PrefixE0:
            case PrefixE1:
                if (_prefix != 0)
                {
                    DroppedBytes++; // a prefix after a prefix: the first was noise
                }

                _prefix = value;
                _e1Index = 0;
                return false;
            case 0x00: // key detection error or overrun
            case 0xFF:
            case 0xFA: // ACK
            case 0xFE: // resend
            case 0xEE: // echo
            case 0xFC: // self test failed
            case 0xFD:
                _prefix = 0;
                DroppedBytes++;
                return false;
        }

        bool extended = _prefix == PrefixE0;
        _prefix = 0;
        int code = (value & ~BreakBit) | (extended ? BreakBit : 0);
        if (!IsKnown(code))
        {
            // E0 2A / E0 AA and friends are the "fake shifts" keyboards wrap around
            // navigation keys; dropping them (and any unknown code) is what we want.
            DroppedBytes++;
            return false;
        }

        return Emit((KeyCode)code, (value & BreakBit) == 0, out keyEvent);
    }

    private bool DecodePause(byte value, out KeyEvent keyEvent)
    {
        keyEvent = default;

        // Pause sends E1 1D 45 when pressed and E1 9D C5 right after (it has no real release).
        if (_e1Index == 0 && (value == 0x1D || value == 0x9D))
        {
            _e1Break = value == 0x9D;
            _e1Index = 1;
            return false;
        }

        if (_e1Index == 1 && value == (_e1Break ? 0xC5 : 0x45))
        {
            _prefix = 0;
            _e1Index = 0;
            return Emit(KeyCode.Pause, !_e1Break, out keyEvent);
        }

        // Not a Pause sequence: resynchronise by treating the byte as a fresh one.
        DroppedBytes++;
        _prefix = 0;
        _e1Index = 0;
        return TryDecode(value, out keyEvent);
    }

    private bool Emit(KeyCode key, bool pressed, out KeyEvent keyEvent)
    {
        bool repeat = pressed && _down[(int)key];
        _down[(int)key] = pressed;
        if (pressed && !repeat)
        {
            KeyModifiers toggle = key switch
            {
                KeyCode.CapsLock => KeyModifiers.CapsLock,
                KeyCode.NumLock => KeyModifiers.NumLock,
                KeyCode.ScrollLock => KeyModifiers.ScrollLock,
                _ => KeyModifiers.None,
            };
            if (toggle != KeyModifiers.None)
            {
                _locks ^= toggle;
                _ledsChanged = true;
            }
        }

        KeyModifiers modifiers = Modifiers;
        char c = pressed ? UsLayout.Translate(key, modifiers) : '\0';
        keyEvent = new KeyEvent(key, pressed, repeat, modifiers, c);
        return true;
    }

    private static bool IsKnown(int code)
    {
        if (code < 0x80)
        {
            return code != 0 && (code <= (int)KeyCode.KeypadPeriod || (code >= (int)KeyCode.NonUsBackslash && code <= (int)KeyCode.F12));
        }

        switch ((KeyCode)code)
        {
            case KeyCode.KeypadEnter:
            case KeyCode.RightCtrl:
            case KeyCode.KeypadDivide:
            case KeyCode.PrintScreen:
            case KeyCode.RightAlt:
            case KeyCode.Home:
            case KeyCode.Up:
            case KeyCode.PageUp:
            case KeyCode.Left:
            case KeyCode.Right:
            case KeyCode.End:
            case KeyCode.Down:
            case KeyCode.PageDown:
            case KeyCode.Insert:
            case KeyCode.Delete:
            case KeyCode.LeftGui:
            case KeyCode.RightGui:
            case KeyCode.Menu:
                return true;
            default:
                return false;
        }
    }
}

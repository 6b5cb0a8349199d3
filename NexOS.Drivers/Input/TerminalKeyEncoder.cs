namespace NexOS.Drivers.Input;

/// <summary>
/// Turns key events into the bytes a VT100/xterm-style terminal sends, so the shell reads the
/// same input from the PS/2 keyboard as from a serial line. Enter sends '\r' (a terminal's
/// Return). Backspace sends 0x7F (DEL), as the Linux console and xterm do by default, leaving
/// ctrl+H (0x08) distinct. Alt with a character key sends ESC before the character (the
/// "meta sends escape" convention). Releases send nothing.
/// </summary>
public static class TerminalKeyEncoder
{
    /// <summary>The longest sequence <see cref="Encode"/> writes.</summary>
    public const int MaxSequenceLength = 6;

    private const byte Esc = 0x1B;

    /// <summary>Writes the bytes for <paramref name="keyEvent"/> into <paramref name="output"/>
    /// and returns how many; 0 for releases, keys that send nothing, and when
    /// <paramref name="output"/> is shorter than <see cref="MaxSequenceLength"/>.</summary>
    public static int Encode(KeyEvent keyEvent, Span<byte> output)
    {
        if (!keyEvent.Pressed || output.Length < MaxSequenceLength)
        {
            return 0;
        }

        bool alt = (keyEvent.Modifiers & KeyModifiers.Alt) != 0;
        if (keyEvent.Character != '\0')
        {
            int at = 0;
            if (alt)
            {
                output[at++] = Esc;
            }

            output[at++] = (byte)keyEvent.Character;
            return at;
        }

        KeyCode key = Navigation(keyEvent.Key, keyEvent.Modifiers);
        return key switch
        {
            KeyCode.Enter or KeyCode.KeypadEnter => Put(output, "\r"),
            KeyCode.Backspace => Put(output, "\x7F"),
            KeyCode.Tab => Put(output, "\t"),
            KeyCode.Escape => Put(output, "\x1B"),
            KeyCode.Up => Put(output, "\x1B[A"),
            KeyCode.Down => Put(output, "\x1B[B"),
            KeyCode.Right => Put(output, "\x1B[C"),
            KeyCode.Left => Put(output, "\x1B[D"),
            KeyCode.Home => Put(output, "\x1B[H"),
            KeyCode.End => Put(output, "\x1B[F"),
            KeyCode.Insert => Put(output, "\x1B[2~"),
            KeyCode.Delete => Put(output, "\x1B[3~"),
            KeyCode.PageUp => Put(output, "\x1B[5~"),
            KeyCode.PageDown => Put(output, "\x1B[6~"),
            KeyCode.F1 => Put(output, "\x1BOP"),
            KeyCode.F2 => Put(output, "\x1BOQ"),
            KeyCode.F3 => Put(output, "\x1BOR"),
            KeyCode.F4 => Put(output, "\x1BOS"),
            KeyCode.F5 => Put(output, "\x1B[15~"),
            KeyCode.F6 => Put(output, "\x1B[17~"),
            KeyCode.F7 => Put(output, "\x1B[18~"),
            KeyCode.F8 => Put(output, "\x1B[19~"),
            KeyCode.F9 => Put(output, "\x1B[20~"),
            KeyCode.F10 => Put(output, "\x1B[21~"),
            KeyCode.F11 => Put(output, "\x1B[23~"),
            KeyCode.F12 => Put(output, "\x1B[24~"),
            _ => 0,
        };
    }

    // With num lock off the keypad digits are the navigation keys printed under them.
    private static KeyCode Navigation(KeyCode key, KeyModifiers modifiers)
    {
        if ((modifiers & KeyModifiers.NumLock) != 0)
        {
            return key;
        }

        return key switch
        {
            KeyCode.Keypad7 => KeyCode.Home,
            KeyCode.Keypad8 => KeyCode.Up,
            KeyCode.Keypad9 => KeyCode.PageUp,
            KeyCode.Keypad4 => KeyCode.Left,
            KeyCode.Keypad6 => KeyCode.Right,
            KeyCode.Keypad1 => KeyCode.End,
            KeyCode.Keypad2 => KeyCode.Down,
            KeyCode.Keypad3 => KeyCode.PageDown,
            KeyCode.Keypad0 => KeyCode.Insert,
            KeyCode.KeypadPeriod => KeyCode.Delete,
            _ => key,
        };
    }

    private static int Put(Span<byte> output, string ascii)
    {
        for (int i = 0; i < ascii.Length; i++)
        {
            output[i] = (byte)ascii[i];
        }

        return ascii.Length;
    }
}

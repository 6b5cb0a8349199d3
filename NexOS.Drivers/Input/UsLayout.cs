namespace NexOS.Drivers.Input;

/// <summary>The US keyboard layout: which character a key types.</summary>
public static class UsLayout
{
    // Indexed by set 1 make code (0x00..0x39); a space marks "no character" except at 0x39.
    private const string Plain = "\0\0" + "1234567890-=" + "\0\0" + "qwertyuiop[]" + "\0\0" + "asdfghjkl;'`" + "\0\\" + "zxcvbnm,./" + "\0*\0 ";
    private const string Shifted = "\0\0" + "!@#$%^&*()_+" + "\0\0" + "QWERTYUIOP{}" + "\0\0" + "ASDFGHJKL:\"~" + "\0|" + "ZXCVBNM<>?" + "\0*\0 ";

    // Keypad 7..period (0x47..0x53) with num lock on.
    private const string Keypad = "789-456+1230.";

    /// <summary>
    /// The character <paramref name="key"/> types with <paramref name="modifiers"/>: shift picks
    /// the upper symbol; caps lock inverts shift for letters only; ctrl turns letters and
    /// [ \ ] into control characters (0x01-0x1D); keypad digits need num lock. Returns '\0'
    /// for keys that type nothing (Enter, Tab and the like are left to the terminal encoder).
    /// </summary>
    public static char Translate(KeyCode key, KeyModifiers modifiers)
    {
        int code = (int)key;
        if (key == KeyCode.KeypadDivide)
        {
            return '/';
        }

        if (key == KeyCode.NonUsBackslash)
        {
            return (modifiers & KeyModifiers.Shift) != 0 ? '|' : '\\';
        }

        if (code >= (int)KeyCode.Keypad7 && code <= (int)KeyCode.KeypadPeriod)
        {
            char k = Keypad[code - (int)KeyCode.Keypad7];
            bool digit = k != '-' && k != '+';
            return !digit || (modifiers & KeyModifiers.NumLock) != 0 ? k : '\0';
        }

        if (code >= Plain.Length)
        {
            return '\0';
        }

        char plain = Plain[code];
        if (plain == '\0')
        {
            return '\0';
        }

        bool letter = plain >= 'a' && plain <= 'z';
        bool shift = (modifiers & KeyModifiers.Shift) != 0;
        if (letter && (modifiers & KeyModifiers.CapsLock) != 0)
        {
            shift = !shift;
        }

        char c = shift ? Shifted[code] : plain;
        if ((modifiers & KeyModifiers.Ctrl) != 0 && (letter || plain == '[' || plain == '\\' || plain == ']'))
        {
            return (char)(plain & 0x1F);
        }

        return c;
    }
}

namespace NexOS.Drivers.Input;

/// <summary>
/// Physical keys of a PC keyboard. Keys without a prefix have the value of their scancode set 1
/// make code; E0-prefixed keys have 0x80 added to theirs, so decoding is a table-free
/// computation. <see cref="Pause"/> (the E1 sequence) takes 0xC5, a value no E0 key uses.
/// </summary>
public enum KeyCode : byte
{
    // The key names are their own documentation.
    None = 0x00,
    Escape = 0x01,
    D1 = 0x02, D2, D3, D4, D5, D6, D7, D8, D9, D0,
    Minus = 0x0C, Equals, Backspace, Tab,
    Q = 0x10, W, E, R, T, Y, U, I, O, P, LeftBracket, RightBracket, Enter, LeftCtrl,
    A = 0x1E, S, D, F, G, H, J, K, L, Semicolon, Apostrophe, Grave, LeftShift, Backslash,
    Z = 0x2C, X, C, V, B, N, M, Comma, Period, Slash, RightShift, KeypadMultiply, LeftAlt, Space, CapsLock,
    F1 = 0x3B, F2, F3, F4, F5, F6, F7, F8, F9, F10, NumLock, ScrollLock,
    Keypad7 = 0x47, Keypad8, Keypad9, KeypadMinus, Keypad4, Keypad5, Keypad6, KeypadPlus,
    Keypad1 = 0x4F, Keypad2, Keypad3, Keypad0, KeypadPeriod,
    NonUsBackslash = 0x56, F11, F12,
    KeypadEnter = 0x80 | 0x1C,
    RightCtrl = 0x80 | 0x1D,
    KeypadDivide = 0x80 | 0x35,
    PrintScreen = 0x80 | 0x37,
    RightAlt = 0x80 | 0x38,
    Pause = 0x80 | 0x45,
    Home = 0x80 | 0x47, Up, PageUp,
    Left = 0x80 | 0x4B,
    Right = 0x80 | 0x4D,
    End = 0x80 | 0x4F, Down, PageDown, Insert, Delete,
    LeftGui = 0x80 | 0x5B, RightGui, Menu,
}

/// <summary>Modifier and lock state at the time of a key event.</summary>
[Flags]
public enum KeyModifiers : byte
{
    /// <summary>No modifier.</summary>
    None = 0,

    /// <summary>Either shift key is down.</summary>
    Shift = 1 << 0,

    /// <summary>Either ctrl key is down.</summary>
    Ctrl = 1 << 1,

    /// <summary>Either alt key is down.</summary>
    Alt = 1 << 2,

    /// <summary>Caps lock is on.</summary>
    CapsLock = 1 << 3,

    /// <summary>Num lock is on.</summary>
    NumLock = 1 << 4,

    /// <summary>Scroll lock is on.</summary>
    ScrollLock = 1 << 5,
}

/// <summary>The keyboard LEDs as the PS/2 "set LEDs" command (0xED) encodes them.</summary>
[Flags]
public enum KeyboardLeds : byte
{
    /// <summary>All off.</summary>
    None = 0,

    /// <summary>Scroll lock LED.</summary>
    ScrollLock = 1,

    /// <summary>Num lock LED.</summary>
    NumLock = 2,

    /// <summary>Caps lock LED.</summary>
    CapsLock = 4,
}

/// <summary>
/// One key press, repeat or release. <see cref="Character"/> is the character the key types
/// on the US layout with the modifiers in force (a control character for ctrl+letter), or
/// '\0' when it types none (releases, function and navigation keys, modifiers).
/// </summary>
public readonly record struct KeyEvent(KeyCode Key, bool Pressed, bool Repeat, KeyModifiers Modifiers, char Character);

namespace NexOS.Drivers.Display;

/// <summary>Colours of a character cell as ANSI colour indices 0-15 (0-7 normal: black, red,
/// green, yellow, blue, magenta, cyan, white; 8-15 their bright forms).</summary>
public readonly record struct TextStyle(byte Foreground, byte Background)
{
    /// <summary>Light grey on black.</summary>
    public static TextStyle Default => new(7, 0);
}

/// <summary>
/// A grid of character cells that <see cref="AnsiTerminal"/> writes on: the EGA text screen
/// (<see cref="TextConsole"/>) or a framebuffer (<see cref="FramebufferScreen"/>). The terminal
/// only passes coordinates inside the grid and printable ASCII characters.
/// </summary>
public interface ITerminalScreen
{
    /// <summary>Columns of the grid (at least 1).</summary>
    int Columns { get; }

    /// <summary>Rows of the grid (at least 1).</summary>
    int Rows { get; }

    /// <summary>Shows <paramref name="c"/> at the cell.</summary>
    void Put(int column, int row, char c, TextStyle style);

    /// <summary>Blanks <paramref name="count"/> cells of <paramref name="row"/> from
    /// <paramref name="column"/> on, in the style's background.</summary>
    void Erase(int column, int row, int count, TextStyle style);

    /// <summary>Moves every row up by one and blanks the last row in the style's background.</summary>
    void ScrollUp(TextStyle style);

    /// <summary>Tells the screen where the cursor is (always a cell inside the grid); screens
    /// that show a cursor move it there, others ignore it.</summary>
    void SetCursor(int column, int row);
}

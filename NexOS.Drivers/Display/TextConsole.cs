namespace NexOS.Drivers.Display;

/// <summary>
/// A scrolling terminal on an EGA/VGA text-mode screen: an <see cref="AnsiTerminal"/> (so it
/// accepts exactly the sequences the framebuffer console does) drawing into
/// <see cref="ITextCells"/>, with ANSI colours mapped to the text mode's attribute bits.
/// </summary>
public sealed class TextConsole
{
    /// <summary>Light grey on black.</summary>
    public const byte DefaultAttribute = 0x07;

    private readonly AnsiTerminal _terminal;

    /// <summary>Creates the console and clears the screen.</summary>
    public TextConsole(ITextCells cells)
    {
        _terminal = new AnsiTerminal(new TextCellsScreen(cells));
    }

    /// <summary>The cursor's row.</summary>
    public int Row => _terminal.Row;

    /// <summary>The cursor's column.</summary>
    public int Column => _terminal.Column;

    /// <summary>Blanks the screen and homes the cursor.</summary>
    public void Clear() => _terminal.Clear();

    /// <summary>Writes the text; see <see cref="AnsiTerminal"/> for what it understands.</summary>
    public void Write(string text) => _terminal.Write(text);

    /// <summary>Writes one character.</summary>
    public void Write(char c) => _terminal.Write(c);

    /// <summary>The text cells as an <see cref="ITerminalScreen"/>.</summary>
    private sealed class TextCellsScreen : ITerminalScreen
    {
        // ANSI orders colours red-green-yellow-blue; the EGA attribute's bits are blue-green-red.
        private static readonly byte[] s_egaColour = { 0, 4, 2, 6, 1, 5, 3, 7 };

        private readonly ITextCells _cells;

        public TextCellsScreen(ITextCells cells) => _cells = cells;

        public int Columns => Math.Max(1, _cells.Width);

        public int Rows => Math.Max(1, _cells.Height);

        public void Put(int column, int row, char c, TextStyle style) => _cells.Set((row * Columns) + column, Cell(c, style));

        public void Erase(int column, int row, int count, TextStyle style)
        {
            ushort blank = Cell(' ', style);
            for (int i = 0; i < count; i++)
            {
                _cells.Set((row * Columns) + column + i, blank);
            }
        }

        public void ScrollUp(TextStyle style)
        {
            int width = Columns;
            for (int i = 0; i < width * (Rows - 1); i++)
            {
                _cells.Set(i, _cells.Get(i + width));
            }

            Erase(0, Rows - 1, width, style);
        }

        public void SetCursor(int column, int row)
        {
            // The EGA hardware cursor is driven through CRTC ports, which the kernel's text
            // screen does not own; the blinking block stays where the firmware left it.
        }

        private static ushort Cell(char c, TextStyle style)
        {
            int fg = s_egaColour[style.Foreground & 7] | (style.Foreground & 8);
            int bg = s_egaColour[style.Background & 7];
            return (ushort)((((bg << 4) | fg) << 8) | (byte)c);
        }
    }
}

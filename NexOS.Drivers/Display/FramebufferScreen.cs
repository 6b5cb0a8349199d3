namespace NexOS.Drivers.Display;

/// <summary>
/// A text grid on a <see cref="FramebufferSurface"/>: <see cref="Font8x16"/> cells, as many
/// columns and rows as fit (a partial cell at the right or bottom edge stays unused), with a
/// VGA-like 16-colour palette and an underline cursor. It remembers each cell's character and
/// style (allocated once, with the grid) so the cursor can be drawn and removed without
/// reading pixels back. Put it under an <see cref="AnsiTerminal"/> to get a console.
/// </summary>
public sealed class FramebufferScreen : ITerminalScreen
{
    private static readonly Rgb[] s_palette =
    {
        new(0x00, 0x00, 0x00), new(0xAA, 0x00, 0x00), new(0x00, 0xAA, 0x00), new(0xAA, 0x55, 0x00),
        new(0x00, 0x00, 0xAA), new(0xAA, 0x00, 0xAA), new(0x00, 0xAA, 0xAA), new(0xAA, 0xAA, 0xAA),
        new(0x55, 0x55, 0x55), new(0xFF, 0x55, 0x55), new(0x55, 0xFF, 0x55), new(0xFF, 0xFF, 0x55),
        new(0x55, 0x55, 0xFF), new(0xFF, 0x55, 0xFF), new(0x55, 0xFF, 0xFF), new(0xFF, 0xFF, 0xFF),
    };

    // The cursor is an underline on the two rows below the descenders.
    private const int CursorFirstRow = 14;

    private readonly FramebufferSurface _surface;
    private readonly int _columns;
    private readonly int _rows;
    private readonly char[] _chars;
    private readonly TextStyle[] _styles;
    private int _cursor = -1;

    /// <summary>Creates a grid on <paramref name="surface"/>.</summary>
    public FramebufferScreen(FramebufferSurface surface)
    {
        _surface = surface;
        _columns = Math.Max(1, surface.Width / Font8x16.Width);
        _rows = Math.Max(1, surface.Height / Font8x16.Height);
        _chars = new char[_columns * _rows];
        _styles = new TextStyle[_columns * _rows];
        Array.Fill(_chars, ' ');
    }

    /// <inheritdoc/>
    public int Columns => _columns;

    /// <inheritdoc/>
    public int Rows => _rows;

    /// <summary>The palette colour of ANSI colour <paramref name="index"/> (0-15; wraps).</summary>
    public static Rgb Colour(int index) => s_palette[index & 15];

    /// <inheritdoc/>
    public void Put(int column, int row, char c, TextStyle style)
    {
        if (!Inside(column, row, 1))
        {
            return;
        }

        int i = (row * _columns) + column;
        _chars[i] = c;
        _styles[i] = style;
        Draw(i);
    }

    /// <inheritdoc/>
    public void Erase(int column, int row, int count, TextStyle style)
    {
        if (!Inside(column, row, count))
        {
            return;
        }

        int first = (row * _columns) + column;
        Array.Fill(_chars, ' ', first, count);
        Array.Fill(_styles, style, first, count);
        _surface.FillRectangle(column * Font8x16.Width, row * Font8x16.Height, count * Font8x16.Width, Font8x16.Height, Colour(style.Background));
        if (_cursor >= first && _cursor < first + count)
        {
            Draw(_cursor);
        }
    }

    /// <inheritdoc/>
    public void ScrollUp(TextStyle style)
    {
        int cursor = _cursor;
        _cursor = -1;
        if (cursor >= 0)
        {
            Draw(cursor); // the pixels move up: take the underline off before they do
        }

        _surface.ScrollUp(Font8x16.Height, Colour(style.Background), _rows * Font8x16.Height);
        Array.Copy(_chars, _columns, _chars, 0, _chars.Length - _columns);
        Array.Copy(_styles, _columns, _styles, 0, _styles.Length - _columns);
        Array.Fill(_chars, ' ', _chars.Length - _columns, _columns);
        Array.Fill(_styles, style, _styles.Length - _columns, _columns);
        _cursor = cursor;
        if (cursor >= 0)
        {
            Draw(cursor);
        }
    }

    /// <inheritdoc/>
    public void SetCursor(int column, int row)
    {
        int next = Inside(column, row, 1) ? (row * _columns) + column : -1;
        if (next == _cursor)
        {
            return;
        }

        int previous = _cursor;
        _cursor = next;
        if (previous >= 0)
        {
            Draw(previous);
        }

        if (next >= 0)
        {
            Draw(next);
        }
    }

    private bool Inside(int column, int row, int count) =>
        column >= 0 && row >= 0 && row < _rows && count >= 0 && column <= _columns - count;

    private void Draw(int index)
    {
        ReadOnlySpan<byte> glyph = Font8x16.Glyph(_chars[index]);
        Span<byte> rows = stackalloc byte[Font8x16.Height];
        glyph.CopyTo(rows);
        if (index == _cursor)
        {
            rows[CursorFirstRow..].Fill(0xFF);
        }

        TextStyle style = _styles[index];
        int x = index % _columns * Font8x16.Width;
        int y = index / _columns * Font8x16.Height;
        _surface.DrawGlyph(x, y, rows, Colour(style.Foreground), Colour(style.Background));
    }
}

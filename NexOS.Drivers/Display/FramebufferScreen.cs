namespace NexOS.Drivers.Display;

/// <summary>
/// A text grid on a <see cref="FramebufferSurface"/>: <see cref="Font8x16"/> cells, as many
/// columns and rows as fit (a partial cell at the right or bottom edge stays unused), with a
/// VGA-like 16-colour palette. Put it under an <see cref="AnsiTerminal"/> to get a console.
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

    private readonly FramebufferSurface _surface;

    /// <summary>Creates a grid on <paramref name="surface"/>.</summary>
    public FramebufferScreen(FramebufferSurface surface)
    {
        _surface = surface;
    }

    /// <inheritdoc/>
    public int Columns => Math.Max(1, _surface.Width / Font8x16.Width);

    /// <inheritdoc/>
    public int Rows => Math.Max(1, _surface.Height / Font8x16.Height);

    /// <summary>The palette colour of ANSI colour <paramref name="index"/> (0-15; wraps).</summary>
    public static Rgb Colour(int index) => s_palette[index & 15];

    /// <inheritdoc/>
    public void Put(int column, int row, char c, TextStyle style) =>
        _surface.DrawGlyph(column * Font8x16.Width, row * Font8x16.Height, Font8x16.Glyph(c), Colour(style.Foreground), Colour(style.Background));

    /// <inheritdoc/>
    public void Erase(int column, int row, int count, TextStyle style) =>
        _surface.FillRectangle(column * Font8x16.Width, row * Font8x16.Height, count * Font8x16.Width, Font8x16.Height, Colour(style.Background));

    /// <inheritdoc/>
    public void ScrollUp(TextStyle style) =>
        _surface.ScrollUp(Font8x16.Height, Colour(style.Background), Rows * Font8x16.Height);
}

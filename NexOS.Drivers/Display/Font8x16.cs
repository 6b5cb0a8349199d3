namespace NexOS.Drivers.Display;

/// <summary>
/// An 8x16 bitmap font for printable ASCII (0x20-0x7E) in the classic VGA proportions, drawn
/// for NexOS: capitals stand on row 11, lower case has its x-height from row 5, descenders
/// reach row 14, and the rightmost column stays empty as the gap between characters. Each
/// glyph is 16 bytes, one per row from the top, bit 7 the leftmost pixel. Characters outside
/// the range draw as a hollow box.
/// </summary>
public static partial class Font8x16
{
    /// <summary>Glyph width in pixels.</summary>
    public const int Width = 8;

    /// <summary>Glyph height in pixels.</summary>
    public const int Height = 16;

    /// <summary>The first character with a glyph of its own.</summary>
    public const char First = ' ';

    /// <summary>The last character with a glyph of its own.</summary>
    public const char Last = '~';

    private static readonly byte[] s_unknown =
    {
        0x00, 0xFE, 0x82, 0x82, 0x82, 0x82, 0x82, 0x82, 0x82, 0x82, 0x82, 0x82, 0x82, 0xFE, 0x00, 0x00,
    };

    /// <summary>The 16 rows of the glyph of <paramref name="c"/> (the box for characters without one).</summary>
    public static ReadOnlySpan<byte> Glyph(char c) =>
        c >= First && c <= Last ? s_glyphs.AsSpan((c - First) * Height, Height) : s_unknown;

    /// <summary>The glyph drawn for characters outside <see cref="First"/>..<see cref="Last"/>.</summary>
    public static ReadOnlySpan<byte> UnknownGlyph => s_unknown;
}

namespace NexOS.Drivers.Display;

/// <summary>A colour as 8-bit red, green and blue.</summary>
public readonly record struct Rgb(byte R, byte G, byte B);

/// <summary>
/// The layout of a linear framebuffer, as the multiboot2 framebuffer tag (type 1, direct RGB)
/// describes it: size in pixels, bytes per row, bits per pixel, and each channel's bit
/// position and width inside a pixel.
/// </summary>
public readonly record struct FramebufferFormat(
    int Width,
    int Height,
    int Pitch,
    int BitsPerPixel,
    byte RedPosition,
    byte RedSize,
    byte GreenPosition,
    byte GreenSize,
    byte BluePosition,
    byte BlueSize)
{
    /// <summary>The usual 32-bit layout (x8r8g8b8) with the given size and a tight pitch.</summary>
    public static FramebufferFormat Xrgb32(int width, int height) => new(width, height, width * 4, 32, 16, 8, 8, 8, 0, 8);

    /// <summary>Bytes per pixel (3 or 4 for valid formats).</summary>
    public int BytesPerPixel => BitsPerPixel / 8;

    /// <summary>Bytes the framebuffer spans: pitch times height.</summary>
    public long ByteLength => (long)Pitch * Height;

    /// <summary>True when the format can be drawn: 24 or 32 bits per pixel, a positive size,
    /// a pitch that holds a row, and channels of 1-8 bits lying inside the pixel.</summary>
    public bool IsValid =>
        (BitsPerPixel == 24 || BitsPerPixel == 32)
        && Width > 0 && Height > 0
        && Pitch >= (long)Width * BytesPerPixel
        && Channel(RedPosition, RedSize) && Channel(GreenPosition, GreenSize) && Channel(BluePosition, BlueSize);

    /// <summary>The pixel value of <paramref name="c"/>: each channel's top bits at its position.</summary>
    public uint Pack(Rgb c) => Place(c.R, RedPosition, RedSize) | Place(c.G, GreenPosition, GreenSize) | Place(c.B, BluePosition, BlueSize);

    private bool Channel(byte position, byte size) => size >= 1 && size <= 8 && position + size <= BitsPerPixel;

    private static uint Place(byte value, byte position, byte size) =>
        size is < 1 or > 8 || position > 31 ? 0 : (uint)(value >> (8 - size)) << position;
}

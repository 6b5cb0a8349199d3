using NexOS.Drivers.Hardware;

namespace NexOS.Drivers.Display;

/// <summary>
/// Drawing on a linear framebuffer of 24 or 32 bits per pixel, reached through an
/// <see cref="IMmioRegion"/> (the mapped framebuffer, or a <see cref="MemoryMmioRegion"/> used
/// as a back buffer or in tests). Every operation clips to the surface, so no arguments make
/// it write outside the framebuffer; it never allocates or throws.
/// </summary>
public sealed class FramebufferSurface
{
    private readonly IMmioRegion _region;
    private readonly FramebufferFormat _format;
    private readonly int _bytesPerPixel;

    private FramebufferSurface(IMmioRegion region, FramebufferFormat format)
    {
        _region = region;
        _format = format;
        _bytesPerPixel = format.BytesPerPixel;
    }

    /// <summary>The surface's format.</summary>
    public FramebufferFormat Format => _format;

    /// <summary>Width in pixels.</summary>
    public int Width => _format.Width;

    /// <summary>Height in pixels.</summary>
    public int Height => _format.Height;

    /// <summary>Creates a surface, or returns null when <paramref name="format"/> is not valid
    /// (<see cref="FramebufferFormat.IsValid"/>) or the region is shorter than the framebuffer.</summary>
    public static FramebufferSurface? Create(IMmioRegion region, FramebufferFormat format)
    {
        if (!format.IsValid || region.Length < (ulong)format.ByteLength)
        {
            return null;
        }

        return new FramebufferSurface(region, format);
    }

    /// <summary>Sets the pixel at (<paramref name="x"/>, <paramref name="y"/>); ignored outside.</summary>
    public void SetPixel(int x, int y, Rgb color)
    {
        if ((uint)x < (uint)Width && (uint)y < (uint)Height)
        {
            Store(Offset(x, y), _format.Pack(color));
        }
    }

    /// <summary>Reads back the raw pixel value at (<paramref name="x"/>, <paramref name="y"/>); 0 outside.</summary>
    public uint GetPixel(int x, int y)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
        {
            return 0;
        }

        ulong at = Offset(x, y);
        return _bytesPerPixel == 4
            ? _region.Read32(at)
            : (uint)(_region.Read8(at) | (_region.Read8(at + 1) << 8) | (_region.Read8(at + 2) << 16));
    }

    /// <summary>Fills the rectangle, clipped to the surface (negative or huge values included).</summary>
    public void FillRectangle(int x, int y, int width, int height, Rgb color)
    {
        if (!Clip(ref x, ref y, ref width, ref height))
        {
            return;
        }

        uint pixel = _format.Pack(color);
        for (int row = y; row < y + height; row++)
        {
            ulong at = Offset(x, row);
            if (_bytesPerPixel == 4)
            {
                _region.Fill32(at, width, pixel);
                continue;
            }

            for (int i = 0; i < width; i++, at += (ulong)_bytesPerPixel)
            {
                Store(at, pixel);
            }
        }
    }

    /// <summary>Draws a 1-bit glyph (one byte per row, bit 7 leftmost, 8 pixels wide) with its
    /// top-left corner at (<paramref name="x"/>, <paramref name="y"/>): set bits in
    /// <paramref name="foreground"/>, clear bits in <paramref name="background"/>. Clipped.</summary>
    public void DrawGlyph(int x, int y, ReadOnlySpan<byte> rows, Rgb foreground, Rgb background)
    {
        uint fg = _format.Pack(foreground);
        uint bg = _format.Pack(background);
        for (int r = 0; r < rows.Length; r++)
        {
            int py = y + r;
            if ((uint)py >= (uint)Height)
            {
                continue;
            }

            for (int c = 0; c < 8; c++)
            {
                int px = x + c;
                if ((uint)px < (uint)Width)
                {
                    Store(Offset(px, py), (rows[r] & (0x80 >> c)) != 0 ? fg : bg);
                }
            }
        }
    }

    /// <summary>Moves the picture up by <paramref name="pixelRows"/> rows (copying within the
    /// framebuffer) and fills the rows freed at the bottom with <paramref name="fill"/>. Values
    /// of at least the height clear the surface; 0 or less do nothing.</summary>
    public void ScrollUp(int pixelRows, Rgb fill) => ScrollUp(pixelRows, fill, Height);

    /// <summary>Like <see cref="ScrollUp(int, Rgb)"/>, but only within the top
    /// <paramref name="areaHeight"/> rows (clamped to the surface); rows below stay as they are.</summary>
    public void ScrollUp(int pixelRows, Rgb fill, int areaHeight)
    {
        int area = Math.Clamp(areaHeight, 0, Height);
        if (pixelRows <= 0 || area == 0)
        {
            return;
        }

        if (pixelRows >= area)
        {
            FillRectangle(0, 0, Width, area, fill);
            return;
        }

        int rowBytes = Width * _bytesPerPixel;
        if (_region is MemoryMmioRegion memory)
        {
            // A back buffer in ordinary memory: one block move does it.
            int pitch = _format.Pitch;
            int length = ((area - pixelRows - 1) * pitch) + rowBytes;
            memory.Bytes.AsSpan(pixelRows * pitch, length).CopyTo(memory.Bytes.AsSpan(0, length));
        }
        else
        {
            // Device memory: 8-byte moves, row by row (the pitch may hold padding we skip).
            for (int row = 0; row < area - pixelRows; row++)
            {
                CopyRow((ulong)((long)(row + pixelRows) * _format.Pitch), (ulong)((long)row * _format.Pitch), rowBytes);
            }
        }

        FillRectangle(0, area - pixelRows, Width, pixelRows, fill);
    }

    private void CopyRow(ulong from, ulong to, int bytes)
    {
        int i = 0;
        for (; i + 8 <= bytes; i += 8)
        {
            _region.Write64(to + (ulong)i, _region.Read64(from + (ulong)i));
        }

        for (; i < bytes; i++)
        {
            _region.Write8(to + (ulong)i, _region.Read8(from + (ulong)i));
        }
    }

    private bool Clip(ref int x, ref int y, ref int width, ref int height)
    {
        long left = Math.Max(0, (long)x);
        long top = Math.Max(0, (long)y);
        long right = Math.Min(Width, (long)x + width);
        long bottom = Math.Min(Height, (long)y + height);
        if (right <= left || bottom <= top)
        {
            return false;
        }

        x = (int)left;
        y = (int)top;
        width = (int)(right - left);
        height = (int)(bottom - top);
        return true;
    }

    private ulong Offset(int x, int y) => (ulong)(((long)y * _format.Pitch) + ((long)x * _bytesPerPixel));

    private void Store(ulong at, uint pixel)
    {
        if (_bytesPerPixel == 4)
        {
            _region.Write32(at, pixel);
            return;
        }

        _region.Write8(at, (byte)pixel);
        _region.Write8(at + 1, (byte)(pixel >> 8));
        _region.Write8(at + 2, (byte)(pixel >> 16));
    }
}

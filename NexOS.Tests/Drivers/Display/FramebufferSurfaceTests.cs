using NexOS.Drivers.Display;
using NexOS.Drivers.Hardware;

namespace NexOS.Tests.Drivers.Display;

[TestFixture]
public sealed class FramebufferSurfaceTests
{
    private static readonly Rgb s_red = new(0xFF, 0, 0);
    private static readonly Rgb s_green = new(0, 0xFF, 0);

    /// <summary>Forwards to a memory region without being one, to exercise the device path.</summary>
    private sealed class DeviceRegion : IMmioRegion
    {
        private readonly MemoryMmioRegion _inner;

        public DeviceRegion(MemoryMmioRegion inner) => _inner = inner;

        public ulong Length => _inner.Length;

        public byte Read8(ulong offset) => _inner.Read8(offset);

        public ushort Read16(ulong offset) => _inner.Read16(offset);

        public uint Read32(ulong offset) => _inner.Read32(offset);

        public ulong Read64(ulong offset) => _inner.Read64(offset);

        public void Write8(ulong offset, byte value) => _inner.Write8(offset, value);

        public void Write16(ulong offset, ushort value) => _inner.Write16(offset, value);

        public void Write32(ulong offset, uint value) => _inner.Write32(offset, value);

        public void Write64(ulong offset, ulong value) => _inner.Write64(offset, value);
    }

    // 40x20 pixels with 12 bytes of padding per row and 64 guard bytes after the framebuffer,
    // all set to 0xEE so stray writes show.
    private static (FramebufferSurface Surface, MemoryMmioRegion Memory, FramebufferFormat Format) Create(int bpp = 32, bool device = false)
    {
        FramebufferFormat format = bpp == 32
            ? new FramebufferFormat(40, 20, (40 * 4) + 12, 32, 16, 8, 8, 8, 0, 8)
            : new FramebufferFormat(40, 20, (40 * 3) + 12, 24, 16, 8, 8, 8, 0, 8);
        var memory = new MemoryMmioRegion((int)format.ByteLength + 64);
        Array.Fill(memory.Bytes, (byte)0xEE);
        IMmioRegion region = device ? new DeviceRegion(memory) : memory;
        return (FramebufferSurface.Create(region, format)!, memory, format);
    }

    private static void AssertPaddingUntouched(MemoryMmioRegion memory, FramebufferFormat f)
    {
        for (int y = 0; y < f.Height; y++)
        {
            for (int i = f.Width * f.BytesPerPixel; i < f.Pitch; i++)
            {
                Assert.That(memory.Bytes[(y * f.Pitch) + i], Is.EqualTo(0xEE), $"padding of row {y}");
            }
        }

        for (long i = f.ByteLength; i < memory.Bytes.Length; i++)
        {
            Assert.That(memory.Bytes[i], Is.EqualTo(0xEE), "guard bytes after the framebuffer");
        }
    }

    [Test]
    public void PacksChannelsWhereTheFormatSays()
    {
        var bgr = new FramebufferFormat(1, 1, 4, 32, 0, 8, 8, 8, 16, 8);
        Assert.That(bgr.Pack(new Rgb(0x12, 0x34, 0x56)), Is.EqualTo(0x563412u));
        var narrow = new FramebufferFormat(1, 1, 4, 32, 11, 5, 5, 6, 0, 5);
        Assert.That(narrow.Pack(new Rgb(0xFF, 0xFF, 0xFF)), Is.EqualTo(0xFFFFu));
        Assert.That(FramebufferFormat.Xrgb32(2, 2).Pack(s_red), Is.EqualTo(0xFF0000u));
    }

    [Test]
    public void RefusesBadFormatsAndShortRegions()
    {
        var ok = FramebufferFormat.Xrgb32(10, 10);
        Assert.That(FramebufferSurface.Create(new MemoryMmioRegion(399), ok), Is.Null);
        Assert.That(FramebufferSurface.Create(new MemoryMmioRegion(400), ok), Is.Not.Null);
        Assert.That(FramebufferSurface.Create(new MemoryMmioRegion(4000), ok with { BitsPerPixel = 16 }), Is.Null);
        Assert.That(FramebufferSurface.Create(new MemoryMmioRegion(4000), ok with { Pitch = 39 }), Is.Null);
        Assert.That(FramebufferSurface.Create(new MemoryMmioRegion(4000), ok with { RedPosition = 28 }), Is.Null);
        Assert.That(FramebufferSurface.Create(new MemoryMmioRegion(4000), ok with { Width = -1 }), Is.Null);
        Assert.That(FramebufferSurface.Create(new MemoryMmioRegion(4000), ok with { Height = int.MaxValue, Pitch = int.MaxValue }), Is.Null);
    }

    [TestCase(32)]
    [TestCase(24)]
    public void PixelsLandAtPitchTimesRowPlusColumn(int bpp)
    {
        (FramebufferSurface s, MemoryMmioRegion m, FramebufferFormat f) = Create(bpp);
        s.SetPixel(3, 2, new Rgb(0x12, 0x34, 0x56));
        int at = (2 * f.Pitch) + (3 * f.BytesPerPixel);
        Assert.That(m.Bytes[at..(at + 3)], Is.EqualTo(new byte[] { 0x56, 0x34, 0x12 }), "blue, green, red in memory order");
        Assert.That(s.GetPixel(3, 2), Is.EqualTo(0x123456u));
        s.SetPixel(-1, 0, s_red);
        s.SetPixel(40, 0, s_red);
        s.SetPixel(0, 20, s_red);
        AssertPaddingUntouched(m, f);
    }

    [TestCase(32, false)]
    [TestCase(24, false)]
    [TestCase(32, true)]
    [TestCase(24, true)]
    public void FillRectangleClipsAtEveryEdge(int bpp, bool device)
    {
        (FramebufferSurface s, MemoryMmioRegion m, FramebufferFormat f) = Create(bpp, device);
        s.FillRectangle(0, 0, 40, 20, new Rgb(0, 0, 0));
        s.FillRectangle(-5, -5, 10, 10, s_red);
        s.FillRectangle(35, 15, int.MaxValue, int.MaxValue, s_green);
        s.FillRectangle(int.MinValue, 10, int.MaxValue, 1, s_green);
        s.FillRectangle(10, 10, -3, 5, s_red);
        Assert.That(s.GetPixel(4, 4), Is.EqualTo(0xFF0000u));
        Assert.That(s.GetPixel(5, 5), Is.Zero);
        Assert.That(s.GetPixel(39, 19), Is.EqualTo(0x00FF00u));
        Assert.That(s.GetPixel(34, 19), Is.Zero);
        Assert.That(s.GetPixel(0, 10), Is.Zero, "int.MinValue + int.MaxValue ends left of the surface");
        AssertPaddingUntouched(m, f);
    }

    [Test]
    public void DrawGlyphPaintsTheFontBitsAndClips()
    {
        (FramebufferSurface s, MemoryMmioRegion m, FramebufferFormat f) = Create();
        ReadOnlySpan<byte> a = Font8x16.Glyph('A');
        s.DrawGlyph(8, 2, a, s_red, s_green);
        for (int y = 0; y < 16; y++)
        {
            for (int x = 0; x < 8; x++)
            {
                uint expected = (a[y] & (0x80 >> x)) != 0 ? 0xFF0000u : 0x00FF00u;
                Assert.That(s.GetPixel(8 + x, 2 + y), Is.EqualTo(expected), $"({x},{y})");
            }
        }

        s.DrawGlyph(36, 10, Font8x16.Glyph('W'), s_red, s_green);
        s.DrawGlyph(-4, -8, Font8x16.Glyph('W'), s_red, s_green);
        Assert.That(s.GetPixel(0, 0), Is.EqualTo((Font8x16.Glyph('W')[8] & 0x08) != 0 ? 0xFF0000u : 0x00FF00u));
        AssertPaddingUntouched(m, f);
    }

    [TestCase(32, false)]
    [TestCase(32, true)]
    [TestCase(24, false)]
    [TestCase(24, true)]
    public void ScrollUpMovesRowsAndFillsTheBottom(int bpp, bool device)
    {
        (FramebufferSurface s, MemoryMmioRegion m, FramebufferFormat f) = Create(bpp, device);
        for (int y = 0; y < 20; y++)
        {
            s.FillRectangle(0, y, 40, 1, new Rgb((byte)y, (byte)(y * 3), 7));
        }

        s.ScrollUp(6, s_red);
        for (int y = 0; y < 14; y++)
        {
            Assert.That(s.GetPixel(39, y), Is.EqualTo(f.Pack(new Rgb((byte)(y + 6), (byte)((y + 6) * 3), 7))), $"row {y}");
        }

        for (int y = 14; y < 20; y++)
        {
            Assert.That(s.GetPixel(0, y), Is.EqualTo(0xFF0000u));
        }

        AssertPaddingUntouched(m, f);
        s.ScrollUp(3, s_green, 10);
        Assert.That(s.GetPixel(0, 6), Is.EqualTo(f.Pack(new Rgb(15, 45, 7))), "inside the area rows move");
        Assert.That(s.GetPixel(0, 9), Is.EqualTo(0x00FF00u));
        Assert.That(s.GetPixel(0, 10), Is.EqualTo(f.Pack(new Rgb(16, 48, 7))), "below the area nothing moves");
        s.ScrollUp(int.MaxValue, s_green);
        s.ScrollUp(-5, s_red);
        s.ScrollUp(1, s_red, int.MinValue);
        Assert.That(s.GetPixel(20, 19), Is.EqualTo(0x00FF00u));
        AssertPaddingUntouched(m, f);
    }
}

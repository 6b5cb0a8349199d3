using System.Linq;
using NexOS.Drivers.Display;
using NexOS.Drivers.Hardware;

namespace NexOS.Tests.Drivers.Display;

[TestFixture]
public sealed class AnsiTerminalTests
{
    private static (AnsiTerminal Terminal, GridScreen Screen) Create(int columns = 20, int rows = 5)
    {
        var screen = new GridScreen(columns, rows);
        return (new AnsiTerminal(screen), screen);
    }

    [Test]
    public void PrintsWrapsAndScrolls()
    {
        (AnsiTerminal t, GridScreen s) = Create(10, 3);
        t.Write("hello\nworld\r\nabcdefghijKL\nlast");
        Assert.That(new[] { s.Line(0), s.Line(1), s.Line(2) }, Is.EqualTo(new[] { "abcdefghij", "KL", "last" }));
        Assert.That(s.Scrolls, Is.EqualTo(2));
        Assert.That((t.Row, t.Column), Is.EqualTo((2, 4)));
    }

    [Test]
    public void BackspaceTabAndOddCharacters()
    {
        (AnsiTerminal t, GridScreen s) = Create();
        t.Write("ab\b\bX\tY\a\u00E9\x7F");
        Assert.That(s.Line(0), Is.EqualTo("X       Y??"), "the tab writes spaces over the b");
        t.Write("\r\b\b");
        Assert.That(t.Column, Is.Zero);
        t.Write("\r" + new string('z', 20) + "\b \b");
        Assert.That(s.Line(0), Is.EqualTo(new string('z', 19)), "the shell's erase works at the right edge");
        Assert.That((t.Row, t.Column), Is.EqualTo((0, 19)));
    }

    [Test]
    public void ShellLineEditingSequences()
    {
        (AnsiTerminal t, GridScreen s) = Create();
        t.Write("$ ls -la");
        t.Write("\x1B[3D\x1B[K");
        Assert.That(s.Line(0), Is.EqualTo("$ ls"));
        t.Write("\x1B[2C!");
        Assert.That(s.Line(0), Is.EqualTo("$ ls   !"));
        t.Write("\x1B[99D\x1B[1K");
        Assert.That(s.Line(0), Is.EqualTo("  ls   !"));
        t.Write("\x1B[3;5Hq\x1B[H\x1B[2K");
        Assert.That(s.Line(0), Is.Empty);
        Assert.That(s.Line(2), Is.EqualTo("    q"));
        t.Write("\x1B[2J");
        Assert.That(s.Chars.All(c => c == ' '), Is.True);
        Assert.That((t.Row, t.Column), Is.EqualTo((0, 0)));
    }

    [Test]
    public void EraseDisplayFromAndToTheCursor()
    {
        (AnsiTerminal t, GridScreen s) = Create(5, 3);
        t.Write("aaaaabbbbbccccc");
        t.Write("\x1B[2;3H\x1B[J");
        Assert.That(new[] { s.Line(0), s.Line(1), s.Line(2) }, Is.EqualTo(new[] { "aaaaa", "bb", string.Empty }));
        t.Write("\x1B[1;2H\x1B[1J");
        Assert.That(new[] { s.Line(0), s.Line(1) }, Is.EqualTo(new[] { "  aaa", "bb" }));
    }

    [Test]
    public void SgrColours()
    {
        (AnsiTerminal t, GridScreen s) = Create();
        t.Write("a\x1B[31mb\x1B[1mc\x1B[44md\x1B[7me\x1B[0mf\x1B[92;41mg\x1B[39mh\x1B[49mi\x1B[1;37;22mj\x1B[mk");
        TextStyle[] expected =
        {
            new(7, 0), new(1, 0), new(9, 0), new(9, 4), new(4, 9), new(7, 0), new(10, 1), new(7, 1), new(7, 0), new(7, 0), new(7, 0),
        };
        Assert.That(s.Styles[..11], Is.EqualTo(expected));
    }

    [Test]
    public void EraseUsesTheCurrentBackground()
    {
        (AnsiTerminal t, GridScreen s) = Create();
        t.Write("\x1B[42m\x1B[K");
        Assert.That(s.Styles[19], Is.EqualTo(new TextStyle(7, 2)));
    }

    [Test]
    public void OtherEscapesAreSkipped()
    {
        (AnsiTerminal t, GridScreen s) = Create();
        t.Write("a\x1B[?25lb\x1B]0;title\ac\x1B]2;x\x1B\\d\u001B" + "ce\x1B(Bf\x1B[0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;31mg\x1B[12\nh");
        Assert.That(s.Line(0), Is.EqualTo("abcdefg"));
        Assert.That(s.Line(1), Is.EqualTo("h"), "a control character aborts the sequence and is obeyed");
        Assert.That(s.Styles[6], Is.EqualTo(new TextStyle(7, 0)), "the 18th parameter (31) was dropped");
    }

    [Test]
    public void AnUnterminatedStringEndsAfterItsLimit()
    {
        (AnsiTerminal t, GridScreen s) = Create();
        t.Write("\x1B]" + new string('x', AnsiParser.MaxStringLength + 1) + "ok");
        Assert.That(s.Line(0), Is.EqualTo("ok"));
    }

    [Test]
    public void HugeArgumentsAreClamped()
    {
        (AnsiTerminal t, GridScreen s) = Create();
        t.Write("\x1B[99999999999999999999;99999999999999999999Hz\x1B[99999999999A\x1B[99999999999Dy");
        Assert.That(s.Chars[(4 * 20) + 19], Is.EqualTo('z'));
        Assert.That(s.Chars[0], Is.EqualTo('y'));
    }

    [Test]
    public void RandomStreamsStayInsideTheGridAndBothConsolesAgree()
    {
        var random = new Random(3);
        const string alphabet = "\x1B[;0123456789?mKJHDCABGf\r\n\b\ta]\a\\P~";
        for (int round = 0; round < 1500; round++)
        {
            (AnsiTerminal t, GridScreen _) = Create(7, 4);
            var cells = new ArrayCells(7, 4);
            var console = new TextConsole(cells);
            var text = new char[random.Next(1, 200)];
            for (int i = 0; i < text.Length; i++)
            {
                text[i] = random.Next(4) == 0 ? (char)random.Next(0x10000) : alphabet[random.Next(alphabet.Length)];
            }

            var s = new string(text);
            t.Write(s);
            console.Write(s);
            Assert.That((console.Row, console.Column), Is.EqualTo((t.Row, t.Column)));
            Assert.That(t.Row, Is.InRange(0, 3));
            Assert.That(t.Column, Is.InRange(0, 7));
        }
    }

    [Test]
    public void FramebufferConsoleRendersGlyphsInPaletteColours()
    {
        var format = FramebufferFormat.Xrgb32(8 * 4, 16 * 2);
        var memory = new MemoryMmioRegion((int)format.ByteLength);
        FramebufferSurface surface = FramebufferSurface.Create(memory, format)!;
        var terminal = new AnsiTerminal(new FramebufferScreen(surface));
        terminal.Write("\x1B[31;47mA\x1B[0m\n");
        uint red = format.Pack(FramebufferScreen.Colour(1));
        uint white = format.Pack(FramebufferScreen.Colour(7));
        ReadOnlySpan<byte> a = Font8x16.Glyph('A');
        for (int y = 0; y < 16; y++)
        {
            for (int x = 0; x < 8; x++)
            {
                Assert.That(surface.GetPixel(x, y), Is.EqualTo((a[y] & (0x80 >> x)) != 0 ? red : white));
            }
        }

        terminal.Write("\nB");
        Assert.That(terminal.Row, Is.EqualTo(1));
        uint grey = format.Pack(FramebufferScreen.Colour(7));
        for (int y = 0; y < 16; y++)
        {
            Assert.That(surface.GetPixel(1, y), Is.EqualTo(0u), "the A scrolled away and its row was blanked");
            Assert.That(surface.GetPixel(1, 16 + y), Is.EqualTo((Font8x16.Glyph('B')[y] & 0x40) != 0 ? grey : 0u));
        }
    }

    [Test]
    public void FramebufferConsoleWithAPartialBottomBandAndHostileInputStaysInside()
    {
        var format = new FramebufferFormat(8 * 5 + 3, 16 * 3 + 7, 200, 32, 16, 8, 8, 8, 0, 8);
        var memory = new MemoryMmioRegion((int)format.ByteLength + 32);
        Array.Fill(memory.Bytes, (byte)0xEE);
        FramebufferSurface surface = FramebufferSurface.Create(memory, format)!;
        var screen = new FramebufferScreen(surface);
        Assert.That((screen.Columns, screen.Rows), Is.EqualTo((5, 3)));
        var terminal = new AnsiTerminal(screen);
        var random = new Random(5);
        for (int i = 0; i < 3000; i++)
        {
            terminal.Write(random.Next(3) == 0 ? "\x1B[" + random.Next(-5, 100000) + ";" + random.Next(200) + "HX\n" : ((char)random.Next(0x100)).ToString());
        }

        for (long i = format.ByteLength; i < memory.Bytes.Length; i++)
        {
            Assert.That(memory.Bytes[i], Is.EqualTo(0xEE));
        }

        for (int y = 0; y < format.Height; y++)
        {
            for (int x = format.Width * 4; x < format.Pitch; x++)
            {
                Assert.That(memory.Bytes[(y * format.Pitch) + x], Is.EqualTo(0xEE));
            }
        }

        Assert.That(surface.GetPixel(10, 50) & 0xFFFFFF, Is.EqualTo(0xEEEEEEu), "the partial band below the last row is never drawn");
    }

    [Test]
    public void TheCursorIsAnUnderlineThatFollowsTheText()
    {
        var format = FramebufferFormat.Xrgb32(8 * 3, 16 * 2);
        FramebufferSurface surface = FramebufferSurface.Create(new MemoryMmioRegion((int)format.ByteLength), format)!;
        var terminal = new AnsiTerminal(new FramebufferScreen(surface));
        uint grey = format.Pack(FramebufferScreen.Colour(7));
        Assert.That(surface.GetPixel(0, 15), Is.EqualTo(grey), "drawn at home after the clear");
        terminal.Write("ab");
        Assert.That(surface.GetPixel(0, 15), Is.Zero, "gone from where it was");
        Assert.That(surface.GetPixel(16, 14), Is.EqualTo(grey));
        terminal.Write("c");
        Assert.That(surface.GetPixel(16, 15), Is.EqualTo(grey), "past the last column it stays on the last cell");
        terminal.Write("\n\nx");
        Assert.That(surface.GetPixel(16, 15), Is.Zero, "no underline scrolled up with the text");
        Assert.That(surface.GetPixel(8, 16 + 15), Is.EqualTo(grey));
        Assert.That(surface.GetPixel(0, 16 + 15), Is.Zero);
        terminal.Write("\x1B[K");
        Assert.That(surface.GetPixel(8, 16 + 15), Is.EqualTo(grey), "erasing the cursor's cell keeps the cursor");
    }

    private sealed class ArrayCells : ITextCells
    {
        private readonly ushort[] _cells;

        public ArrayCells(int width, int height)
        {
            Width = width;
            Height = height;
            _cells = new ushort[width * height];
        }

        public int Width { get; }

        public int Height { get; }

        public ushort Get(int index) => _cells[index];

        public void Set(int index, ushort cell) => _cells[index] = cell;
    }
}

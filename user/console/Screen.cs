using System.Text;
using NexOS.DriverKit;
using NexOS.Drivers.Display;
using NexOS.Drivers.Hardware;
using NexOS.UserLib;

namespace NexOS.Programs.Console;

/// <summary>
/// The screen the kernel handed over (an MMIO capability and the argument `fb=...`,
/// <see cref="FramebufferDescription"/>): EGA text cells, or a linear framebuffer of 24 or 32
/// bits drawn with the 8x16 font in the colour layout the multiboot2 tag gave. Everything the
/// console writes to the serial line is written here too, through one ANSI terminal, so the
/// shell's line editing looks the same on both.
/// </summary>
internal sealed class Screen
{
    private readonly AnsiTerminal? _terminal;
    private readonly TextConsole? _text;
    private readonly Decoder _utf8 = Encoding.UTF8.GetDecoder();
    private readonly byte[] _one = new byte[1];
    private readonly char[] _chars = new char[2];

    private Screen(AnsiTerminal? terminal, TextConsole? text)
    {
        _terminal = terminal;
        _text = text;
    }

    /// <summary>Maps the screen in <paramref name="slot"/> as <paramref name="description"/>
    /// says; null (after a log line) when either is unusable.</summary>
    public static Screen? Start(int slot, string description)
    {
        if (!FramebufferDescription.TryParse(description, out FramebufferDescription screen))
        {
            Log.WriteLine($"console: the screen's description '{description}' is not one it understands; the serial line only");
            return null;
        }

        long mapped = Devices.MapMmio(slot);
        if (mapped < 0)
        {
            Log.WriteLine($"console: the screen could not be mapped (status {-mapped})");
            return null;
        }

        FramebufferFormat format = screen.Format;
        var region = new MappedRegisters((ulong)mapped + screen.Offset, (ulong)format.Pitch * (ulong)format.Height);
        if (screen.IsText)
        {
            var text = new TextConsole(new TextCells(region, format.Width, format.Height));
            text.Clear();
            return new Screen(null, text);
        }

        FramebufferSurface? surface = FramebufferSurface.Create(region, format);
        if (surface == null)
        {
            Log.WriteLine($"console: the framebuffer {format.Width}x{format.Height} at {format.BitsPerPixel} bits is not one it can draw on");
            return null;
        }

        var terminal = new AnsiTerminal(new FramebufferScreen(surface));
        terminal.Clear();
        return new Screen(terminal, null);
    }

    /// <summary>Writes one byte of UTF-8 text.</summary>
    public void Put(byte b)
    {
        _one[0] = b;
        int n = _utf8.GetChars(_one, 0, 1, _chars, 0);
        for (int i = 0; i < n; i++)
        {
            if (_text != null)
            {
                _text.Write(_chars[i]);
            }
            else
            {
                _terminal!.Write(_chars[i]);
            }
        }
    }

    /// <summary>EGA text cells in the mapped text buffer.</summary>
    private sealed class TextCells : ITextCells
    {
        private readonly IMmioRegion _region;

        public TextCells(IMmioRegion region, int width, int height)
        {
            _region = region;
            Width = width;
            Height = height;
        }

        public int Width { get; }

        public int Height { get; }

        public ushort Get(int index) => _region.Read16((ulong)index * 2);

        public void Set(int index, ushort cell) => _region.Write16((ulong)index * 2, cell);
    }
}

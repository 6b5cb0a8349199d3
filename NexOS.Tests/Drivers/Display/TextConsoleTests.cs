using System.Linq;
using NexOS.Drivers.Display;

namespace NexOS.Tests.Drivers.Display;

[TestFixture]
public sealed class TextConsoleTests
{
    private sealed class Cells : ITextCells
    {
        public ushort[] Data { get; } = new ushort[10 * 3];

        public int Width => 10;

        public int Height => 3;

        public ushort Get(int index) => Data[index];

        public void Set(int index, ushort cell) => Data[index] = cell;
    }

    [Test]
    public void WritesCharactersWithEgaAttributes()
    {
        var cells = new Cells();
        var console = new TextConsole(cells);
        Assert.That(cells.Data.All(c => c == 0x0720), Is.True, "cleared to grey-on-black blanks");
        console.Write("a\x1B[31;44mb\x1B[1;33mc\x1B[0m\x1B[Kd");
        Assert.That(cells.Data[0], Is.EqualTo(0x0761));
        Assert.That(cells.Data[1], Is.EqualTo(0x1462), "ANSI red is EGA 4, ANSI blue background is EGA 1");
        Assert.That(cells.Data[2], Is.EqualTo(0x1E63), "bold yellow is EGA 14");
        Assert.That(cells.Data[3], Is.EqualTo(0x0764));
    }

    [Test]
    public void ScrollsLikeBefore()
    {
        var cells = new Cells();
        var console = new TextConsole(cells);
        console.Write("1\n2\n3\n4");
        Assert.That((char)(cells.Data[0] & 0xFF), Is.EqualTo('2'));
        Assert.That((char)(cells.Data[20] & 0xFF), Is.EqualTo('4'));
        Assert.That((console.Row, console.Column), Is.EqualTo((2, 1)));
    }
}

using System.Linq;
using NexOS.Core.Boot;
using NexOS.Pack;

namespace NexOS.Tests.Tools;

/// <summary>The newc writer under the packer: file sizes around the four-byte padding read back
/// exactly, and names or calls it cannot write are refused by exception.</summary>
[TestFixture]
public sealed class NewcWriterTests
{
    [Test]
    public void EveryPaddingCaseReadsBack()
    {
        var writer = new NewcWriter();
        for (int size = 0; size < 9; size++)
        {
            writer.AddFile(new string('f', size + 1), Enumerable.Repeat((byte)(size + 1), size).ToArray(), 0x1A4);
        }

        byte[] archive = writer.Finish();
        Assert.That(archive.Length % 4, Is.Zero);
        Assert.That(CpioArchive.TryRead(archive, out CpioArchive? read, out string message), Is.EqualTo(CpioError.None), message);
        Assert.That(read!.Files, Has.Count.EqualTo(9));
        for (int size = 0; size < 9; size++)
        {
            CpioFile file = read.Files[size];
            Assert.That(file.Name, Is.EqualTo(new string('f', size + 1)));
            Assert.That(file.Mode, Is.EqualTo(0x1A4u));
            Assert.That(archive.AsSpan(file.Offset, file.Length).ToArray(), Is.EqualTo(Enumerable.Repeat((byte)(size + 1), size).ToArray()));
        }
    }

    [TestCase("")]
    [TestCase("TRAILER!!!")]
    [TestCase("tab\there")]
    [TestCase("nul\0")]
    [TestCase("\u00e9")]
    public void NamesItCannotWriteThrow(string name) =>
        Assert.That(() => new NewcWriter().AddFile(name, default, 0x1ED), Throws.ArgumentException);

    [Test]
    public void LimitsAndOrderAreEnforced()
    {
        var writer = new NewcWriter();
        Assert.That(() => writer.AddFile(new string('n', NewcWriter.MaxName), default, 0x1ED), Throws.ArgumentException, "NUL would pass the reader's limit");
        Assert.That(() => writer.AddFile("x", default, 0x1000), Throws.ArgumentException, "permissions only");
        writer.AddFile(new string('n', NewcWriter.MaxName - 1), default, 0x1ED);
        writer.Finish();
        Assert.That(() => writer.AddFile("late", default, 0x1ED), Throws.InvalidOperationException);
        Assert.That(() => writer.Finish(), Throws.InvalidOperationException);
    }
}

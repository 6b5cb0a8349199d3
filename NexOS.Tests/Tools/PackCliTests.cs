using System.IO;

namespace NexOS.Tests.Tools;

/// <summary>`nexos-pack OUTPUT [NAME=ELF]...` as the build runs it: the archive is written only
/// when every program is packed, and each failure has its own exit status.</summary>
[TestFixture]
public sealed class PackCliTests
{
    private string _directory = "";

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "nexos-pack-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void WritesTheArchiveAndReplacesItOnlyOnSuccess()
    {
        string elf = Write("spin.elf", TinyElf.Build());
        string output = Path.Combine(_directory, "nexos.programs");
        Assert.That(NexOS.Pack.Program.Main(new[] { output, "spin=" + elf }), Is.Zero);
        byte[] written = File.ReadAllBytes(output);
        Assert.That(NexOS.Pack.Program.Main(new[] { output, "spin=" + elf }), Is.Zero);
        Assert.That(File.ReadAllBytes(output), Is.EqualTo(written), "byte-reproducible");

        string notElf = Write("notes.txt", new byte[100]);
        Assert.That(NexOS.Pack.Program.Main(new[] { output, "notes=" + notElf }), Is.EqualTo(4), "refused");
        Assert.That(NexOS.Pack.Program.Main(new[] { output, "gone=" + Path.Combine(_directory, "missing.elf") }), Is.EqualTo(3), "unreadable");
        Assert.That(File.ReadAllBytes(output), Is.EqualTo(written), "a failed run leaves the archive as it was");
        Assert.That(Directory.GetFiles(_directory, "*.tmp"), Is.Empty);
    }

    [Test]
    public void APathMayHoldEqualsSignsButAPairNeedsOne()
    {
        string elf = Write("a=b.elf", TinyElf.Build());
        string output = Path.Combine(_directory, "out");
        Assert.That(NexOS.Pack.Program.Main(new[] { output, "ab=" + elf }), Is.Zero, "the name ends at the first '='");
        Assert.That(NexOS.Pack.Program.Main(new[] { output, elf.Replace("=", "-", StringComparison.Ordinal) }), Is.EqualTo(2));
        Assert.That(NexOS.Pack.Program.Main(Array.Empty<string>()), Is.EqualTo(2));
        Assert.That(NexOS.Pack.Program.Main(new[] { output }), Is.Zero, "no programs: just the trailer");
        Assert.That(new FileInfo(output).Length, Is.EqualTo(124));
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}

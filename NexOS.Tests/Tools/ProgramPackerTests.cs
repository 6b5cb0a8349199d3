using System.Linq;
using System.Text;
using NexOS.Core.Boot;
using NexOS.Pack;

namespace NexOS.Tests.Tools;

/// <summary>The boot archive packer: what it writes reads back through the kernel's own reader,
/// the same programs always give the same bytes, and every input the kernel could not use is
/// refused with a reason instead of packed.</summary>
[TestFixture]
public sealed class ProgramPackerTests
{
    [Test]
    public void ProgramsReadBackUnderBinInNameOrderWithTheirBytes()
    {
        byte[] spin = TinyElf.Build(marker: 1), other = TinyElf.Build(marker: 2);
        byte[] archive = Pack(new ProgramFile("spin", spin), new ProgramFile("a-b_c.1", other));

        Assert.That(CpioArchive.TryRead(archive, out CpioArchive? read, out string message), Is.EqualTo(CpioError.None), message);
        Assert.That(Names(read!), Is.EqualTo(new[] { "bin/a-b_c.1", "bin/spin" }));
        Assert.That(read!.TryFind("bin/spin", out CpioFile file), Is.True);
        Assert.That(archive.AsSpan(file.Offset, file.Length).ToArray(), Is.EqualTo(spin));
        Assert.That(file.Mode, Is.EqualTo(0x1EDu), "rwxr-xr-x");
        Assert.That(ProgramArchive.FromModule((ulong)archive.Length, archive).Summary, Is.EqualTo("programs: 2 in the boot archive (1 KiB)"));
    }

    [Test]
    public void TheSameProgramsGiveTheSameBytesWhateverTheirOrder()
    {
        ProgramFile a = new("alpha", TinyElf.Build(marker: 1)), b = new("beta", TinyElf.Build(marker: 2)), c = new("Gamma", TinyElf.Build(marker: 3));
        byte[] first = Pack(a, b, c);
        Assert.That(Pack(a, b, c), Is.EqualTo(first), "twice");
        Assert.That(Pack(c, b, a), Is.EqualTo(first), "reversed");

        // Ordinal order ("Gamma" before "alpha"); inode numbers from 1; owner, time and devices zero.
        Assert.That(CpioArchive.TryRead(first, out CpioArchive? read, out _), Is.EqualTo(CpioError.None));
        Assert.That(Names(read!), Is.EqualTo(new[] { "bin/Gamma", "bin/alpha", "bin/beta" }));
        string header = Encoding.ASCII.GetString(first, 0, 110);
        Assert.That(header, Is.EqualTo("070701" + "00000001" + "000081ED" + "00000000" + "00000000" + "00000001" + "00000000"
            + $"{TinyElf.Build().Length:X8}" + "00000000" + "00000000" + "00000000" + "00000000" + "0000000A" + "00000000"));
    }

    [Test]
    public void AnEmptyListGivesAnArchiveOfJustTheTrailer()
    {
        byte[] archive = Pack();
        Assert.That(archive, Has.Length.EqualTo(124), "110-byte header, 11-byte name, padding");
        Assert.That(Encoding.ASCII.GetString(archive, 110, 10), Is.EqualTo("TRAILER!!!"));
        Assert.That(CpioArchive.TryRead(archive, out CpioArchive? read, out string message), Is.EqualTo(CpioError.None), message);
        Assert.That(read!.Files, Is.Empty);
        Assert.That(ProgramArchive.FromModule((ulong)archive.Length, archive).Listing(), Is.EqualTo("programs: 0 in the boot archive (1 KiB)\n"));
    }

    [Test]
    public void TheLongestNameFitsTheKernelsReaderAndOneMoreIsRefused()
    {
        string longest = new('n', ProgramPacker.MaxNameLength);
        byte[] archive = Pack(new ProgramFile(longest, TinyElf.Build()));
        Assert.That(CpioArchive.TryRead(archive, out CpioArchive? read, out string message), Is.EqualTo(CpioError.None), message);
        Assert.That(Names(read!), Is.EqualTo(new[] { "bin/" + longest }));
        Assert.That(("bin/" + longest).Length, Is.EqualTo(CpioArchive.MaxName - 1));

        Assert.That(ProgramPacker.TryPack(new[] { new ProgramFile(longest + "n", TinyElf.Build()) }, out string error), Is.Null);
        Assert.That(error, Does.StartWith("program name 'nnn"));
    }

    [TestCase("")]
    [TestCase(".")]
    [TestCase("..")]
    [TestCase(".hidden")]
    [TestCase("a/b")]
    [TestCase("../x")]
    [TestCase("a b")]
    [TestCase("a=b")]
    [TestCase("caf\u00e9")]
    [TestCase("a\0b")]
    [TestCase("TRAILER!!!")]
    public void NamesOutsideTheAlphabetAreRefused(string name)
    {
        Assert.That(ProgramPacker.TryPack(new[] { new ProgramFile(name, TinyElf.Build()) }, out string error), Is.Null);
        Assert.That(error, Does.StartWith("program name '"));
    }

    [Test]
    public void ANameGivenTwiceIsRefused()
    {
        Assert.That(ProgramPacker.TryPack(new[] { new ProgramFile("spin", TinyElf.Build(marker: 1)), new ProgramFile("spin", TinyElf.Build(marker: 2)) }, out string error), Is.Null);
        Assert.That(error, Is.EqualTo("program 'spin' is given twice"));
    }

    [Test]
    public void FilesTheKernelsElfCheckRefusesAreRefused()
    {
        var cases = new (byte[]? File, string Reason)[]
        {
            (Array.Empty<byte>(), "the header alone is 64"),
            (Encoding.ASCII.GetBytes("#!/bin/sh\necho not an executable\n" + new string(' ', 64)), "no ELF magic"),
            (TinyElf.Build(loadAddress: 0x40_0000), "outside the user range"),
            (TinyElf.Build(loadAddress: 0x7FFF_FFFF_F000), "outside the user range"), // the last page below the hole
            (null, "no file"),
        };
        foreach ((byte[]? file, string reason) in cases)
        {
            Assert.That(ProgramPacker.TryPack(new[] { new ProgramFile("p", file!) }, out string error), Is.Null, reason);
            Assert.That(error, Does.StartWith("program 'p': ").And.Contain(reason));
        }
    }

    [Test]
    public void AnArchiveLargerThanTheKernelReadsIsRefused()
    {
        // "bin/x" takes a 116-byte header and name, the trailer 124 bytes: this program fills
        // the archive to exactly the limit, and four bytes more (one byte, padded) pass it.
        int exact = ProgramArchive.MaxBytes - 116 - 124 - TinyElf.Build().Length;
        byte[] archive = Pack(new ProgramFile("x", TinyElf.Build(padding: exact)));
        Assert.That(archive, Has.Length.EqualTo(ProgramArchive.MaxBytes));
        Assert.That(ProgramArchive.FromModule((ulong)archive.Length, archive).Archive!.Files, Has.Count.EqualTo(1));

        Assert.That(ProgramPacker.TryPack(new[] { new ProgramFile("x", TinyElf.Build(padding: exact + 1)) }, out string error), Is.Null);
        Assert.That(error, Does.Contain("larger than the 64 MiB the kernel reads"));
        byte[] half = TinyElf.Build(padding: ProgramArchive.MaxBytes / 2);
        Assert.That(ProgramPacker.TryPack(new[] { new ProgramFile("a", half), new ProgramFile("b", half) }, out error), Is.Null);
        Assert.That(error, Does.Contain("(at 'b')"));
    }

    [Test]
    public void FilesGoAfterTheProgramsWithTheirPathsAndBytes()
    {
        byte[] manifest = Encoding.UTF8.GetBytes("endpoint console\n");
        byte[]? archive = ProgramPacker.TryPack(new[] { new ProgramFile("spin", TinyElf.Build()) }, new[] { new DataFile("etc/services", manifest) }, out string error);
        Assert.That(archive, Is.Not.Null, error);
        Assert.That(CpioArchive.TryRead(archive, out CpioArchive? read, out string message), Is.EqualTo(CpioError.None), message);
        Assert.That(Names(read!), Is.EqualTo(new[] { "bin/spin", "etc/services" }));
        Assert.That(read!.TryFind("etc/services", out CpioFile file), Is.True);
        Assert.That(archive!.AsSpan(file.Offset, file.Length).ToArray(), Is.EqualTo(manifest));
        Assert.That(file.Mode, Is.EqualTo(0x1A4u), "rw-r--r--");
        Assert.That(ProgramArchive.FromModule((ulong)archive.Length, archive).Summary, Does.EndWith(", and 1 other file"));
    }

    [TestCase("bin/spin")]
    [TestCase("etc/../x")]
    [TestCase("/etc/services")]
    [TestCase("etc//services")]
    [TestCase("")]
    public void FilePathsOutsideTheRulesAreRefused(string path)
    {
        Assert.That(ProgramPacker.TryPack(Array.Empty<ProgramFile>(), new[] { new DataFile(path, new byte[1]) }, out string error), Is.Null);
        Assert.That(error, Does.StartWith($"file '{path}'"));
    }

    [Test]
    public void AFileGivenTwiceIsRefused()
    {
        var twice = new[] { new DataFile("etc/a", new byte[1]), new DataFile("etc/a", new byte[2]) };
        Assert.That(ProgramPacker.TryPack(Array.Empty<ProgramFile>(), twice, out string error), Is.Null);
        Assert.That(error, Does.Contain("given twice"));
    }

    private static byte[] Pack(params ProgramFile[] programs) =>
        ProgramPacker.TryPack(programs, out string error) ?? throw new AssertionException(error);

    private static List<string> Names(CpioArchive archive) => archive.Files.Select(f => f.Name).ToList();
}

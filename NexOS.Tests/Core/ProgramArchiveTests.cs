using System.Text;
using NexOS.Core.Boot;
using NexOS.Pack;
using NexOS.Tests.Tools;

namespace NexOS.Tests.Core;

/// <summary>The boot archive of programs as the kernel reads it at boot: each of its four states
/// gives one clear summary line, and the `programs` listing shows names and sizes.</summary>
[TestFixture]
public sealed class ProgramArchiveTests
{
    [Test]
    public void NoModuleSaysSo()
    {
        ProgramArchive archive = ProgramArchive.FromModule(null, default);
        Assert.That(archive.Archive, Is.Null);
        Assert.That(archive.Error, Is.Null);
        Assert.That(archive.Summary, Is.EqualTo("programs: no boot archive (GRUB loaded no module named \"programs\")"));
        Assert.That(archive.Listing(), Is.EqualTo(archive.Summary + "\n"));
    }

    [Test]
    public void AModuleOverTheLimitIsRefusedWithoutBeingRead()
    {
        ProgramArchive archive = ProgramArchive.FromModule(ProgramArchive.MaxBytes + 1UL, default);
        Assert.That(archive.Archive, Is.Null);
        Assert.That(archive.ModuleLength, Is.EqualTo(ProgramArchive.MaxBytes + 1UL));
        Assert.That(archive.Summary, Is.EqualTo("programs: the boot archive is unusable: the module is 65 MiB, more than the 64 MiB allowed; not read"));
        Assert.That(ProgramArchive.FromModule(ulong.MaxValue, default).Summary, Does.Contain("more than the 64 MiB allowed"));
    }

    [Test]
    public void MalformedOrShortModulesAreNamedAndNotFatal()
    {
        byte[] garbage = Encoding.ASCII.GetBytes("this is not a cpio archive, though it is long enough to hold a header or two of one: 0123456789abcdef0123456789abcdef");
        Assert.That(ProgramArchive.FromModule((ulong)garbage.Length, garbage).Summary,
            Is.EqualTo("programs: the boot archive is unusable: cpio archive at byte 0: not a newc header (magic 070701 or 070702)"));
        Assert.That(ProgramArchive.FromModule(0, default).Summary, Does.Contain("ends without TRAILER!!!"), "an empty module");

        byte[] packed = ProgramPacker.TryPack(new[] { new ProgramFile("spin", TinyElf.Build()) }, out _)!;
        Assert.That(ProgramArchive.FromModule((ulong)packed.Length + 1, packed).Summary, Does.Contain($"{packed.Length} of the module's {packed.Length + 1} bytes"));
        Assert.That(ProgramArchive.FromModule((ulong)packed.Length - 4, packed.AsSpan(0, packed.Length - 4)).Summary, Does.Contain("unusable: cpio archive at byte"));
    }

    [Test]
    public void TheListingShowsEveryProgramWithItsSize()
    {
        string longName = new('l', 40);
        byte[] packed = ProgramPacker.TryPack(new[]
        {
            new ProgramFile("spin", TinyElf.Build()),
            new ProgramFile(longName, TinyElf.Build(padding: 10_000)),
        }, out string error) ?? throw new AssertionException(error);
        ProgramArchive archive = ProgramArchive.FromModule((ulong)packed.Length, packed);
        Assert.That(archive.Summary, Is.EqualTo($"programs: 2 in the boot archive ({(packed.Length + 1023) / 1024} KiB)"));
        string[] lines = archive.Listing().Split('\n');
        Assert.That(lines, Has.Length.EqualTo(4), "heading, two programs, and the final line break");
        Assert.That(lines[0], Does.Match(@"^NAME\s+BYTES$"));
        Assert.That(lines[1], Does.Match($@"^bin/{longName}\s+{TinyElf.Build().Length + 10_000}$"));
        Assert.That(lines[2], Does.Match($@"^bin/spin\s+{TinyElf.Build().Length}$"));
        Assert.That(lines[1], Has.Length.EqualTo(lines[0].Length), "right-aligned sizes");
        Assert.That(lines[2], Has.Length.EqualTo(lines[0].Length));
        Assert.That(lines[3], Is.Empty);
    }
}

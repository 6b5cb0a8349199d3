using NexOS.Core.Boot;
using NexOS.Core.Memory;

namespace NexOS.Tests.Core;

[TestFixture]
public sealed class BootInfoTests
{
    [Test]
    public void DecodesAWellFormedBlock()
    {
        byte[] rsdp = new byte[20];
        byte[] info = new BootInfoBuilder()
            .CommandLine("nexos.selftest quiet")
            .LoaderName("GRUB 2.06")
            .Module(0x200000, 0x201000, "symbols")
            .MemoryMap((0, 0x9FC00, 1), (0x100000, 0x7F00000, 1), (0xFFFC0000, 0x40000, 2))
            .Tag(Multiboot2TagType.AcpiOldRsdp, rsdp)
            .End()
            .Build();

        BootInfo boot = BootInfo.Parse(info);
        Assert.Multiple(() =>
        {
            Assert.That(boot.CommandLine, Is.EqualTo("nexos.selftest quiet"));
            Assert.That(boot.BootLoaderName, Is.EqualTo("GRUB 2.06"));
            Assert.That(boot.Modules, Has.Count.EqualTo(1));
            Assert.That(boot.Modules[0].CommandLine, Is.EqualTo("symbols"));
            Assert.That(boot.Modules[0].Range.Length, Is.EqualTo(0x1000UL));
            Assert.That(boot.MemoryMap, Has.Count.EqualTo(3));
            Assert.That(boot.UsableRanges(), Has.Count.EqualTo(2));
            Assert.That(boot.Rsdp, Has.Length.EqualTo(20));
            Assert.That(boot.Warnings, Is.Empty);
        });
    }

    [Test]
    public void HasOptionMatchesWholeWordsOnly()
    {
        BootInfo boot = BootInfo.Parse(new BootInfoBuilder().CommandLine("  nexos.selftest   debug=1 ").End().Build());
        Assert.That(boot.HasOption("nexos.selftest"), Is.True);
        Assert.That(boot.HasOption("debug=1"), Is.True);
        Assert.That(boot.HasOption("nexos"), Is.False);
        Assert.That(boot.HasOption("debug"), Is.False);
    }

    [Test]
    public void OptionValueReadsTheFirstKeyEqualsValueWord()
    {
        BootInfo boot = BootInfo.Parse(new BootInfoBuilder().CommandLine("nexos.cpusx=9 nexos.cpus=4 nexos.cpus=2 nexos.cpus= nexos.cpus").End().Build());
        Assert.That(boot.OptionValue("nexos.cpus"), Is.EqualTo("4"), "the first word with the key and '=' wins; a longer key is another key");
        Assert.That(boot.OptionValue("nexos.mem"), Is.Null);
        Assert.That(BootInfo.Parse(new BootInfoBuilder().CommandLine("nexos.cpus=").End().Build()).OptionValue("nexos.cpus"), Is.Null, "an empty value is no value");
    }

    [Test]
    public void CommandLineWithoutTerminatorUsesTheWholePayload()
    {
        BootInfo boot = BootInfo.Parse(new BootInfoBuilder().Tag(Multiboot2TagType.CommandLine, "abc"u8).End().Build());
        Assert.That(boot.CommandLine, Is.EqualTo("abc"));
    }

    [Test]
    public void ModuleEndingBeforeItStartsIsWarnedAboutAndSkipped()
    {
        BootInfo boot = BootInfo.Parse(new BootInfoBuilder().Module(0x5000, 0x4000, "bad").End().Build());
        Assert.That(boot.Modules, Is.Empty);
        Assert.That(boot.Warnings, Has.Some.Contains("module ends before it starts"));
    }

    [Test]
    public void TooShortModuleAndFramebufferTagsAreIgnored()
    {
        BootInfo boot = BootInfo.Parse(new BootInfoBuilder()
            .Tag(Multiboot2TagType.Module, new byte[7])
            .Tag(Multiboot2TagType.Framebuffer, new byte[21])
            .End().Build());
        Assert.That(boot.Modules, Is.Empty);
        Assert.That(boot.Framebuffer, Is.Null);
    }

    [Test]
    public void FramebufferIsDecoded()
    {
        byte[] payload = new byte[24];
        BitConverter.TryWriteBytes(payload.AsSpan(0), 0xB8000UL);
        BitConverter.TryWriteBytes(payload.AsSpan(8), 160u);
        BitConverter.TryWriteBytes(payload.AsSpan(12), 80u);
        BitConverter.TryWriteBytes(payload.AsSpan(16), 25u);
        payload[20] = 16;
        payload[21] = 2;
        FramebufferInfo? fb = BootInfo.Parse(new BootInfoBuilder().Tag(Multiboot2TagType.Framebuffer, payload).End().Build()).Framebuffer;
        Assert.That(fb, Is.EqualTo(new FramebufferInfo(0xB8000, 160, 80, 25, 16, 2)));
        Assert.That(fb!.IsEgaText, Is.True);
    }

    [Test]
    public void ADirectRgbFramebufferCarriesItsColourLayout()
    {
        byte[] payload = new byte[32];
        BitConverter.TryWriteBytes(payload.AsSpan(0), 0xFD00_0000UL);
        BitConverter.TryWriteBytes(payload.AsSpan(8), 5120u);
        BitConverter.TryWriteBytes(payload.AsSpan(12), 1280u);
        BitConverter.TryWriteBytes(payload.AsSpan(16), 800u);
        payload[20] = 32;
        payload[21] = 1;
        new byte[] { 0, 8, 8, 8, 16, 8 }.CopyTo(payload, 24); // x8b8g8r8: red lowest
        FramebufferInfo? fb = BootInfo.Parse(new BootInfoBuilder().Tag(Multiboot2TagType.Framebuffer, payload).End().Build()).Framebuffer;
        Assert.That(fb!.Colors, Is.EqualTo(new FramebufferColors(0, 8, 8, 8, 16, 8)));

        FramebufferInfo? cut = BootInfo.Parse(new BootInfoBuilder().Tag(Multiboot2TagType.Framebuffer, payload.AsSpan(0, 26).ToArray()).End().Build()).Framebuffer;
        Assert.That(cut, Is.Not.Null);
        Assert.That(cut!.Colors, Is.Null, "a tag too short for the colour fields gives none");
    }

    [Test]
    public void NewRsdpWinsOverOldWhateverTheOrder()
    {
        byte[] old = new byte[20];
        byte[] fresh = new byte[36];
        BootInfo a = BootInfo.Parse(new BootInfoBuilder().Tag(Multiboot2TagType.AcpiOldRsdp, old).Tag(Multiboot2TagType.AcpiNewRsdp, fresh).End().Build());
        BootInfo b = BootInfo.Parse(new BootInfoBuilder().Tag(Multiboot2TagType.AcpiNewRsdp, fresh).Tag(Multiboot2TagType.AcpiOldRsdp, old).End().Build());
        Assert.That(a.Rsdp, Has.Length.EqualTo(36));
        Assert.That(b.Rsdp, Has.Length.EqualTo(36));
    }

    [Test]
    public void MalformedBlockKeepsWhatCameBeforeAndWarns()
    {
        byte[] info = new BootInfoBuilder().CommandLine("ok").Tag(6, new byte[8], sizeOverride: 9999).End().Build();
        BootInfo boot = BootInfo.Parse(info);
        Assert.That(boot.CommandLine, Is.EqualTo("ok"));
        Assert.That(boot.Warnings, Has.Some.StartsWith("tag of type 6 has bad size"));
    }

    [Test]
    public void UnsortedOverlappingMapIsKeptAsGivenAndEmptyRegionsAreNotUsable()
    {
        byte[] info = new BootInfoBuilder()
            .MemoryMap((0x200000, 0x100000, 1), (0x100000, 0x180000, 1), (0x50000, 0, 1), (0, 0x1000, 2))
            .End().Build();
        BootInfo boot = BootInfo.Parse(info);
        Assert.That(boot.MemoryMap, Has.Count.EqualTo(4));
        List<PhysRange> usable = boot.UsableRanges();
        Assert.That(usable, Has.Count.EqualTo(2));

        // The union counts the overlap once: 0x100000..0x300000.
        Assert.That(MemoryLayout.UnionLength(usable.ToArray(), new PhysRange[4]), Is.EqualTo(0x200000UL));
    }

    [Test]
    public void EmptyInputGivesEmptyInfoAndAWarning()
    {
        BootInfo boot = BootInfo.Parse(ReadOnlySpan<byte>.Empty);
        Assert.That(boot.CommandLine, Is.Empty);
        Assert.That(boot.MemoryMap, Is.Empty);
        Assert.That(boot.Warnings, Has.Count.EqualTo(1));
    }

    [Test]
    public void InvalidUtf8InStringsDoesNotThrow()
    {
        BootInfo boot = BootInfo.Parse(new BootInfoBuilder().Tag(Multiboot2TagType.CommandLine, new byte[] { 0xFF, 0xC0, 0x41, 0 }).End().Build());
        Assert.That(boot.CommandLine, Does.EndWith("A"));
    }
}

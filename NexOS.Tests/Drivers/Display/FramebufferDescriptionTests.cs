using NexOS.Drivers.Display;

namespace NexOS.Tests.Drivers.Display;

/// <summary>The console's screen argument: what the kernel writes parses back, the colour
/// layout from the multiboot2 tag is used when given, and anything malformed is refused.</summary>
[TestFixture]
public sealed class FramebufferDescriptionTests
{
    [Test]
    public void AFramebufferWithoutColoursIsTakenAsXrgb()
    {
        Assert.That(FramebufferDescription.TryParse("fb=rgb:1280x800:5120:32:0", out FramebufferDescription d), Is.True);
        Assert.That(d.IsText, Is.False);
        Assert.That(d.Format, Is.EqualTo(FramebufferFormat.Xrgb32(1280, 800)));
        Assert.That(d.Format.Pack(new Rgb(0xFF, 0, 0)), Is.EqualTo(0x00FF_0000u));
    }

    [Test]
    public void TheTagsColourLayoutDecidesWhereRedGoes()
    {
        Assert.That(FramebufferDescription.TryParse("fb=rgb:1024x768:4096:32:80:0.8.8.8.16.8", out FramebufferDescription d), Is.True);
        Assert.That(d.Offset, Is.EqualTo(0x80UL));
        Assert.That(d.Format.Pack(new Rgb(0xFF, 0, 0)), Is.EqualTo(0x0000_00FFu), "red in the lowest byte");
        Assert.That(d.Format.IsValid, Is.True);
    }

    [Test]
    public void EgaTextParses()
    {
        Assert.That(FramebufferDescription.TryParse("fb=ega:80x25:160:16:0", out FramebufferDescription d), Is.True);
        Assert.That(d.IsText, Is.True);
        Assert.That((d.Format.Width, d.Format.Height, d.Format.Pitch), Is.EqualTo((80, 25, 160)));
    }

    [TestCase("")]
    [TestCase("fb=")]
    [TestCase("rgb:1280x800:5120:32:0")]
    [TestCase("fb=vga:1280x800:5120:32:0")]
    [TestCase("fb=rgb:1280:5120:32:0")]
    [TestCase("fb=rgb:0x800:5120:32:0")]
    [TestCase("fb=rgb:99999x800:5120:32:0")]
    [TestCase("fb=rgb:1280x800:-1:32:0")]
    [TestCase("fb=rgb:1280x800:5120:64:0")]
    [TestCase("fb=rgb:1280x800:5120:32:zz")]
    [TestCase("fb=rgb:1280x800:5120:32:1000")]
    [TestCase("fb=rgb:1280x800:5120:32:0:1.2.3")]
    [TestCase("fb=rgb:1280x800:5120:32:0:0.8.8.8.16.99")]
    [TestCase("fb=rgb:1280x800:5120:32:0:a.8.8.8.16.8")]
    [TestCase("fb=rgb:1280x800:5120:32:0:0.8.8.8.16.8:extra")]
    public void AMalformedDescriptionIsRefused(string text) =>
        Assert.That(FramebufferDescription.TryParse(text, out _), Is.False);

    [Test]
    public void ChannelsOutsideThePixelParseButCannotBeDrawn()
    {
        Assert.That(FramebufferDescription.TryParse("fb=rgb:640x480:2560:32:0:28.8.8.8.0.8", out FramebufferDescription d), Is.True);
        Assert.That(d.Format.IsValid, Is.False, "the surface refuses it, so the console says so instead of drawing garbage");
    }
}

using System.Text;
using NexOS.Drivers.Input;

namespace NexOS.Tests.Drivers.Input;

[TestFixture]
public sealed class TerminalKeyEncoderTests
{
    private static string Type(params byte[] scancodes) => Type(new Scancode1Decoder(), scancodes);

    private static string Type(Scancode1Decoder d, params byte[] scancodes)
    {
        var sb = new StringBuilder();
        Span<byte> buffer = stackalloc byte[TerminalKeyEncoder.MaxSequenceLength];
        foreach (byte b in scancodes)
        {
            if (d.TryDecode(b, out KeyEvent e))
            {
                int n = TerminalKeyEncoder.Encode(e, buffer);
                sb.Append(Encoding.ASCII.GetString(buffer[..n]));
            }
        }

        return sb.ToString();
    }

    [Test]
    public void TypesAShellLine()
    {
        // "ls -l" Enter, with the releases.
        Assert.That(Type(0x26, 0xA6, 0x1F, 0x9F, 0x39, 0xB9, 0x0C, 0x8C, 0x26, 0xA6, 0x1C, 0x9C), Is.EqualTo("ls -l\r"));
    }

    [TestCase(new byte[] { 0x0E }, "\x7F")]
    [TestCase(new byte[] { 0x0F }, "\t")]
    [TestCase(new byte[] { 0x01 }, "\x1B")]
    [TestCase(new byte[] { 0xE0, 0x48 }, "\x1B[A")]
    [TestCase(new byte[] { 0xE0, 0x50 }, "\x1B[B")]
    [TestCase(new byte[] { 0xE0, 0x4D }, "\x1B[C")]
    [TestCase(new byte[] { 0xE0, 0x4B }, "\x1B[D")]
    [TestCase(new byte[] { 0xE0, 0x47 }, "\x1B[H")]
    [TestCase(new byte[] { 0xE0, 0x4F }, "\x1B[F")]
    [TestCase(new byte[] { 0xE0, 0x53 }, "\x1B[3~")]
    [TestCase(new byte[] { 0xE0, 0x52 }, "\x1B[2~")]
    [TestCase(new byte[] { 0xE0, 0x49 }, "\x1B[5~")]
    [TestCase(new byte[] { 0xE0, 0x51 }, "\x1B[6~")]
    [TestCase(new byte[] { 0xE0, 0x1C }, "\r")]
    [TestCase(new byte[] { 0x3B }, "\x1BOP")]
    [TestCase(new byte[] { 0x58 }, "\x1B[24~")]
    [TestCase(new byte[] { 0x48 }, "\x1B[A")]
    [TestCase(new byte[] { 0x53 }, "\x1B[3~")]
    [TestCase(new byte[] { 0x38, 0x2D }, "\x1Bx")]
    [TestCase(new byte[] { 0x1D, 0x20 }, "\x04")]
    [TestCase(new byte[] { 0x2A, 0x3B, 0xBB }, "\x1BOP")]
    [TestCase(new byte[] { 0x1D, 0x38, 0x2A }, "")]
    public void SpecialKeysSendTerminalSequences(byte[] scancodes, string expected) => Assert.That(Type(scancodes), Is.EqualTo(expected));

    [Test]
    public void RepeatsSendAgainAndReleasesSendNothing()
    {
        Assert.That(Type(0xE0, 0x4B, 0xE0, 0x4B, 0xE0, 0xCB), Is.EqualTo("\x1B[D\x1B[D"));
    }

    [Test]
    public void TooShortABufferGetsNothing()
    {
        var e = new KeyEvent(KeyCode.Up, true, false, KeyModifiers.None, '\0');
        Assert.That(TerminalKeyEncoder.Encode(e, stackalloc byte[TerminalKeyEncoder.MaxSequenceLength - 1]), Is.Zero);
    }
}

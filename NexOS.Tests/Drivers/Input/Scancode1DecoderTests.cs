using System.Linq;
using NexOS.Drivers.Input;

namespace NexOS.Tests.Drivers.Input;

[TestFixture]
public sealed class Scancode1DecoderTests
{
    // Every character key of the US layout: set 1 make code, unshifted and shifted character.
    private static readonly (byte Code, char Plain, char Shifted)[] s_usKeys = BuildUsKeys();

    private static (byte, char, char)[] BuildUsKeys()
    {
        var keys = new List<(byte, char, char)>();
        void Row(byte first, string plain, string shifted)
        {
            for (int i = 0; i < plain.Length; i++)
            {
                keys.Add(((byte)(first + i), plain[i], shifted[i]));
            }
        }

        Row(0x02, "1234567890-=", "!@#$%^&*()_+");
        Row(0x10, "qwertyuiop[]", "QWERTYUIOP{}");
        Row(0x1E, "asdfghjkl;'`", "ASDFGHJKL:\"~");
        Row(0x2B, "\\zxcvbnm,./", "|ZXCVBNM<>?");
        Row(0x39, " ", " ");
        return keys.ToArray();
    }

    private static List<KeyEvent> Feed(Scancode1Decoder decoder, params byte[] bytes)
    {
        var events = new List<KeyEvent>();
        foreach (byte b in bytes)
        {
            if (decoder.TryDecode(b, out KeyEvent e))
            {
                events.Add(e);
            }
        }

        return events;
    }

    [Test]
    public void EveryUsKeyTypesItsCharacterPlainAndShifted()
    {
        Assert.That(s_usKeys, Has.Length.EqualTo(48));
        foreach ((byte code, char plain, char shifted) in s_usKeys)
        {
            var d = new Scancode1Decoder();
            List<KeyEvent> e = Feed(d, code, (byte)(code | 0x80), 0x2A, code, (byte)(code | 0x80), 0xAA, 0x36, code);
            Assert.That(e.Select(x => x.Character), Is.EqualTo(new[] { plain, '\0', '\0', shifted, '\0', '\0', '\0', shifted }), $"code {code:x2}");
            Assert.That((int)e[0].Key, Is.EqualTo(code));
            Assert.That(e[0].Pressed && !e[1].Pressed, Is.True);
        }
    }

    [Test]
    public void CapsLockAffectsLettersOnlyAndShiftInvertsIt()
    {
        var d = new Scancode1Decoder();
        Feed(d, 0x3A, 0xBA);
        Assert.That(d.Modifiers, Is.EqualTo(KeyModifiers.CapsLock));
        Assert.That(Feed(d, 0x1E, 0x9E, 0x02, 0x82)[0].Character, Is.EqualTo('A'));
        Assert.That(Feed(d, 0x02)[0].Character, Is.EqualTo('1'));
        Assert.That(Feed(d, 0x2A, 0x1E)[1].Character, Is.EqualTo('a'), "shift with caps lock gives lower case");
        Assert.That(Feed(d, 0x02)[0].Character, Is.EqualTo('!'));
    }

    [Test]
    public void CtrlLettersGiveControlCharactersWithEitherCtrl()
    {
        var d = new Scancode1Decoder();
        Assert.That(Feed(d, 0x1D, 0x2E)[1].Character, Is.EqualTo('\x03'), "ctrl+C");
        Assert.That(Feed(d, 0x9D, 0xAE, 0xE0, 0x1D, 0x16)[^1].Character, Is.EqualTo('\x15'), "right ctrl+U");
        Assert.That(Feed(d, 0x1A)[0].Character, Is.EqualTo('\x1B'), "ctrl+[");
        Assert.That(Feed(d, 0x02)[0].Character, Is.EqualTo('1'), "ctrl does not change digits");
        Assert.That(d.Modifiers, Is.EqualTo(KeyModifiers.Ctrl));
        Feed(d, 0xE0, 0x9D);
        Assert.That(d.Modifiers, Is.EqualTo(KeyModifiers.None));
    }

    [Test]
    public void HeldKeysRepeatAndModifiersCombine()
    {
        var d = new Scancode1Decoder();
        List<KeyEvent> e = Feed(d, 0x38, 0xE0, 0x38, 0x2A, 0x1E, 0x1E, 0x1E, 0x9E);
        Assert.That(e.Select(x => x.Repeat), Is.EqualTo(new[] { false, false, false, false, true, true, false }));
        Assert.That(e[3].Modifiers, Is.EqualTo(KeyModifiers.Alt | KeyModifiers.Shift));
        Feed(d, 0xB8);
        Assert.That(d.Modifiers & KeyModifiers.Alt, Is.EqualTo(KeyModifiers.Alt), "right alt still down");
        Feed(d, 0xE0, 0xB8);
        Assert.That(d.Modifiers, Is.EqualTo(KeyModifiers.Shift));
    }

    [TestCase(0x48, KeyCode.Up)]
    [TestCase(0x50, KeyCode.Down)]
    [TestCase(0x4B, KeyCode.Left)]
    [TestCase(0x4D, KeyCode.Right)]
    [TestCase(0x47, KeyCode.Home)]
    [TestCase(0x4F, KeyCode.End)]
    [TestCase(0x49, KeyCode.PageUp)]
    [TestCase(0x51, KeyCode.PageDown)]
    [TestCase(0x52, KeyCode.Insert)]
    [TestCase(0x53, KeyCode.Delete)]
    [TestCase(0x1D, KeyCode.RightCtrl)]
    [TestCase(0x38, KeyCode.RightAlt)]
    [TestCase(0x1C, KeyCode.KeypadEnter)]
    [TestCase(0x35, KeyCode.KeypadDivide)]
    public void ExtendedKeysDecodeWithTheirFakeShifts(int code, KeyCode key)
    {
        var d = new Scancode1Decoder();
        List<KeyEvent> e = Feed(d, 0xE0, 0x2A, 0xE0, (byte)code, 0xE0, (byte)(code | 0x80), 0xE0, 0xAA);
        Assert.That(e.Select(x => (x.Key, x.Pressed)), Is.EqualTo(new[] { (key, true), (key, false) }));
        Assert.That(d.Modifiers, Is.EqualTo(KeyModifiers.None), "the fake shift is ignored");
        Assert.That(e[0].Character, Is.EqualTo(key == KeyCode.KeypadDivide ? '/' : '\0'));
    }

    [Test]
    public void PauseSequenceGivesPressAndRelease()
    {
        var d = new Scancode1Decoder();
        List<KeyEvent> e = Feed(d, 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5);
        Assert.That(e.Select(x => (x.Key, x.Pressed)), Is.EqualTo(new[] { (KeyCode.Pause, true), (KeyCode.Pause, false) }));
        Assert.That(d.Modifiers, Is.EqualTo(KeyModifiers.None), "the 1D inside is not a ctrl press");
        Assert.That(d.IsDown(KeyCode.LeftCtrl), Is.False);
    }

    [Test]
    public void BrokenPauseSequenceResynchronises()
    {
        var d = new Scancode1Decoder();
        List<KeyEvent> e = Feed(d, 0xE1, 0x1E, 0xE1, 0x1D, 0x30);
        Assert.That(e.Select(x => x.Key), Is.EqualTo(new[] { KeyCode.A, KeyCode.B }));
        Assert.That(d.DroppedBytes, Is.EqualTo(2UL), "one per broken sequence");
    }

    [Test]
    public void LockKeysToggleAndAskForLeds()
    {
        var d = new Scancode1Decoder();
        Assert.That(d.TryTakeLedChange(out _), Is.False);
        Feed(d, 0x45, 0x45, 0x45);
        Assert.That(d.TryTakeLedChange(out KeyboardLeds leds), Is.True);
        Assert.That(leds, Is.EqualTo(KeyboardLeds.NumLock), "repeats do not toggle again");
        Assert.That(d.TryTakeLedChange(out _), Is.False);
        Feed(d, 0xC5, 0x3A, 0xBA, 0x46, 0xC6);
        Assert.That(d.TryTakeLedChange(out leds) && leds == (KeyboardLeds.NumLock | KeyboardLeds.CapsLock | KeyboardLeds.ScrollLock), Is.True);
        Feed(d, 0x45, 0xC5);
        Assert.That(d.TryTakeLedChange(out leds) && leds == (KeyboardLeds.CapsLock | KeyboardLeds.ScrollLock), Is.True);
    }

    [Test]
    public void KeypadFollowsNumLock()
    {
        var d = new Scancode1Decoder();
        Assert.That(Feed(d, 0x48, 0xC8)[0].Character, Is.EqualTo('\0'));
        Assert.That(Feed(d, 0x37)[0].Character, Is.EqualTo('*'));
        Assert.That(Feed(d, 0x4E)[0].Character, Is.EqualTo('+'));
        d.SetLocks(KeyModifiers.NumLock);
        Assert.That(d.TryTakeLedChange(out _), Is.False);
        Assert.That(Feed(d, 0x48, 0x53, 0x52).Select(x => x.Character), Is.EqualTo(new[] { '8', '.', '0' }));
    }

    [Test]
    public void ControllerRepliesAndUnknownCodesAreDropped()
    {
        var d = new Scancode1Decoder();
        Assert.That(Feed(d, 0xFA, 0xFE, 0x00, 0xFF, 0xEE, 0x54, 0x7F, 0xE0, 0x10), Is.Empty);
        Assert.That(d.DroppedBytes, Is.EqualTo(8UL), "the E0 prefix is not counted, the unknown E0 10 is");
    }

    [Test]
    public void RandomStreamsNeverThrowAndTheDecoderResyncs()
    {
        var random = new Random(42);
        var d = new Scancode1Decoder();
        var junk = new byte[200];
        for (int round = 0; round < 2000; round++)
        {
            random.NextBytes(junk);
            foreach (byte b in junk)
            {
                d.TryDecode(b, out KeyEvent e);
                Assert.That(e.Key == KeyCode.None || Enum.IsDefined(e.Key), Is.True);
            }

            // Two releases: the first may complete a pending prefix, the second surely lands.
            Feed(d, 0x9E, 0x9E);
            List<KeyEvent> after = Feed(d, 0x1E);
            Assert.That(after, Has.Count.EqualTo(1));
            Assert.That(after[0].Key == KeyCode.A && after[0].Pressed && !after[0].Repeat, Is.True);
            Feed(d, 0x9E);
        }
    }
}

using System.Reflection;
using System.Text;
using NexOS.Services.Shell;

namespace NexOS.Tests.Services;

/// <summary>
/// The line editor's masked mode, for secrets: the same keys edit the line, but the echo holds
/// nothing of it, only the "\n" or "^C\n" that ends it; the line comes back as
/// <see cref="LineEditorResultKind.Secret"/>, readable in the editor until it is wiped.
/// </summary>
[TestFixture]
public sealed class MaskedLineEditorTests
{
    private StringBuilder _echo = null!;
    private LineEditor _editor = null!;

    [SetUp]
    public void SetUp()
    {
        _echo = new StringBuilder();
        _editor = new LineEditor(text => _echo.Append(text));
    }

    [Test]
    public void MaskedLineEchoesOnlyItsNewlineAndComesBackAsASecret()
    {
        _editor.MaskNextLine();
        Assert.That(_editor.IsMasked, Is.True);
        List<LineEditorResult> results = Feed("s3cret\r");
        Assert.That(results, Has.Count.EqualTo(1));
        Assert.That(results[0].Kind, Is.EqualTo(LineEditorResultKind.Secret));
        Assert.That(results[0].Text, Is.Empty, "the secret is never a string in the result");
        Assert.That(results[0].ToString(), Is.EqualTo("Secret"));
        Assert.That(SecretText(), Is.EqualTo("s3cret"));
        Assert.That(_echo.ToString(), Is.EqualTo("\n"));
        Assert.That(_editor.IsMasked, Is.False);
    }

    [Test]
    public void OnlyOneLineIsMasked()
    {
        _editor.MaskNextLine();
        Feed("secret\r");
        Assert.That(Texts(Feed("plain\r")), Is.EqualTo(new[] { "Line: plain" }));
        Assert.That(_echo.ToString(), Is.EqualTo("\nplain\n"));
    }

    [Test]
    public void TheNextByteWipesTheSecretAndItsBuffer()
    {
        _editor.MaskNextLine();
        Feed("secret\r");
        Assert.That(SecretText(), Is.EqualTo("secret"));

        // A backspace on the empty line that follows stores nothing itself.
        _editor.Feed(0x7F);
        Assert.That(_editor.Secret.IsEmpty, Is.True);
        Assert.That(Buffer("_line"), Is.All.Zero, "nothing of it is left in the line buffer");
        Assert.That(Buffer("_pending"), Is.All.Zero);
    }

    [Test]
    public void ResetWipesEvenWhatBackspaceLeftBehind()
    {
        _editor.MaskNextLine();
        Feed("secret\u007f\u007f\u007fé\r");
        Assert.That(SecretText(), Is.EqualTo("secé"));
        _editor.Reset();
        Assert.That(_editor.Secret.IsEmpty, Is.True);
        Assert.That(Buffer("_line"), Is.All.Zero);
        Assert.That(Buffer("_pending"), Is.All.Zero);
    }

    [Test]
    public void AnOrdinaryLineIsNotASecret()
    {
        Feed("plain\r");
        Assert.That(_editor.Secret.IsEmpty, Is.True);
    }

    [TestCase((byte)0x08)]
    [TestCase((byte)0x7F)]
    public void BackspaceEditsTheSecretAndEchoesNothing(byte backspace)
    {
        _editor.MaskNextLine();
        Feed("aé😀x");
        _editor.Feed(backspace);
        _editor.Feed(backspace);
        _editor.Feed(backspace);
        Assert.That(_echo.ToString(), Is.Empty);
        Feed("b\r");
        Assert.That(SecretText(), Is.EqualTo("ab"));
        Assert.That(_echo.ToString(), Is.EqualTo("\n"));
    }

    [Test]
    public void BackspaceOnAnEmptySecretDoesNotEraseThePrompt()
    {
        _editor.MaskNextLine();
        Feed("\u007f\u0008\u007f");
        Assert.That(_echo.ToString(), Is.Empty);
        Feed("k\r");
        Assert.That(SecretText(), Is.EqualTo("k"));
    }

    [Test]
    public void CtrlUStartsTheSecretAgainAndEchoesNothing()
    {
        _editor.MaskNextLine();
        Feed("wrong\u0001é\u0015");
        Assert.That(_echo.ToString(), Is.Empty);
        Assert.That(_editor.IsMasked, Is.True, "the line is still a secret");
        Feed("right\r");
        Assert.That(SecretText(), Is.EqualTo("right"));
        Assert.That(_echo.ToString(), Is.EqualTo("\n"));
    }

    [Test]
    public void CtrlCCancelsTheSecretWipesItAndEndsTheMasking()
    {
        _editor.MaskNextLine();
        List<LineEditorResult> results = Feed("half a secret\u0003");
        Assert.That(Texts(results), Is.EqualTo(new[] { "Cancelled" }));
        Assert.That(_echo.ToString(), Is.EqualTo("^C\n"));
        Assert.That(_editor.IsMasked, Is.False);
        Assert.That(_editor.Secret.IsEmpty, Is.True);
        Assert.That(Buffer("_line"), Is.All.Zero);
        Assert.That(Texts(Feed("ok\r")), Is.EqualTo(new[] { "Line: ok" }));
        Assert.That(_echo.ToString(), Is.EqualTo("^C\nok\n"));
    }

    [TestCase("\u001b[A")]
    [TestCase("\u001b[1;5C")]
    [TestCase("\u001b[3~")]
    [TestCase("\u001bOP")]
    [TestCase("\u001bx")]
    public void EscapeSequencesInASecretAreSwallowedUnechoed(string sequence)
    {
        _editor.MaskNextLine();
        Feed("ab" + sequence + "c\r");
        Assert.That(SecretText(), Is.EqualTo("abc"));
        Assert.That(_echo.ToString(), Is.EqualTo("\n"));
    }

    [TestCase(new byte[] { 0x01 })]
    [TestCase(new byte[] { 0x09 })]
    [TestCase(new byte[] { 0xFF })]
    [TestCase(new byte[] { 0xC0, 0x80 })]
    [TestCase(new byte[] { 0xED, 0xA0, 0x80 })]
    [TestCase(new byte[] { 0xE2, 0x82, 0x41 })]
    public void ControlBytesAndInvalidUtf8RejectTheSecretUnechoed(byte[] bad)
    {
        _editor.MaskNextLine();
        var bytes = new List<byte>("ab"u8.ToArray());
        bytes.AddRange(bad);
        bytes.AddRange("cd\r"u8.ToArray());
        List<LineEditorResult> results = Feed(bytes.ToArray());
        Assert.That(Texts(results), Is.EqualTo(new[] { "Rejected: " + LineEditorResult.GarbageReason }));
        Assert.That(_echo.ToString(), Is.EqualTo("\n"));
        Assert.That(_editor.IsMasked, Is.False);
        Assert.That(Buffer("_line"), Is.All.Zero);
        Assert.That(Texts(Feed("ok\r")), Is.EqualTo(new[] { "Line: ok" }), "the next line is an ordinary one");
    }

    [Test]
    public void ValidUtf8IsKeptInTheSecretUnechoed()
    {
        _editor.MaskNextLine();
        Feed("pässwört €😀\r");
        Assert.That(SecretText(), Is.EqualTo("pässwört €😀"));
        Assert.That(_echo.ToString(), Is.EqualTo("\n"));
    }

    [Test]
    public void SecretOfExactlyTheMaximumIsAccepted()
    {
        _editor.MaskNextLine();
        List<LineEditorResult> results = Feed(new string('s', LineEditor.MaxLineBytes) + "\r");
        Assert.That(Texts(results), Is.EqualTo(new[] { "Secret" }));
        Assert.That(_editor.Secret.Length, Is.EqualTo(LineEditor.MaxLineBytes));
        Assert.That(_echo.ToString(), Is.EqualTo("\n"));
    }

    [TestCase(4097)]
    [TestCase(100000)]
    public void OverlongSecretIsRejectedUnechoedAndWiped(int length)
    {
        _editor.MaskNextLine();
        List<LineEditorResult> results = Feed(new string('s', length) + "\r");
        Assert.That(Texts(results), Is.EqualTo(new[] { "Rejected: " + LineEditorResult.TooLongReason }));
        Assert.That(_echo.ToString(), Is.EqualTo("\n"));
        Assert.That(Buffer("_line"), Is.All.Zero);
        Assert.That(Texts(Feed("ok\r")), Is.EqualTo(new[] { "Line: ok" }));
    }

    [Test]
    public void LineFeedOfTheCommandsCrLfDoesNotEndTheSecret()
    {
        // The command line ends with CR; masking starts before its LF arrives.
        Assert.That(Texts(Feed("ask\r")), Is.EqualTo(new[] { "Line: ask" }));
        _editor.MaskNextLine();
        Assert.That(Texts(Feed("\nkey\r")), Is.EqualTo(new[] { "Secret" }));
        Assert.That(SecretText(), Is.EqualTo("key"));

        // The secret's own LF ends nothing, and as the next byte it wipes the secret.
        Assert.That(Feed("\n"), Is.Empty);
        Assert.That(_editor.Secret.IsEmpty, Is.True);
        Assert.That(_echo.ToString(), Is.EqualTo("ask\n\n"));
    }

    [Test]
    public void MaskingForgetsAPartlyTypedLineQuietly()
    {
        Feed("ab");
        _editor.MaskNextLine();
        Feed("c\r");
        Assert.That(SecretText(), Is.EqualTo("c"));
        Assert.That(_echo.ToString(), Is.EqualTo("ab\n"));
    }

    [Test]
    public void RandomBytesInMaskedModeEchoOnlyLineEnds()
    {
        var random = new Random(4242);
        int lines = 0;
        _editor.MaskNextLine();
        for (int i = 0; i < 200_000; i++)
        {
            // Every byte but Ctrl-C, CR and LF; those end lines and are fed below, now and then.
            byte b = (byte)random.Next(256);
            if (b is 0x03 or 0x0A or 0x0D)
            {
                b = random.Next(8) == 0 ? b : (byte)'s';
            }

            if (_editor.Feed(b).Kind != LineEditorResultKind.None)
            {
                lines++;
                _editor.MaskNextLine();
            }
        }

        Assert.That(lines, Is.GreaterThan(100));
        string echoed = _echo.ToString();
        Assert.That(echoed.Replace("^C\n", "\n").Trim('\n'), Is.Empty, "nothing but \"\\n\" and \"^C\\n\"");
        Assert.That(echoed.Length, Is.LessThanOrEqualTo(3 * lines));
    }

    private string SecretText() => Encoding.UTF8.GetString(_editor.Secret);

    private byte[] Buffer(string field)
        => (byte[])typeof(LineEditor).GetField(field, BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(_editor)!;

    private List<LineEditorResult> Feed(string text) => Feed(Encoding.UTF8.GetBytes(text));

    private List<LineEditorResult> Feed(byte[] bytes)
    {
        var results = new List<LineEditorResult>();
        foreach (byte b in bytes)
        {
            LineEditorResult r = _editor.Feed(b);
            if (r.Kind != LineEditorResultKind.None)
            {
                results.Add(r);
            }
        }

        return results;
    }

    private static List<string> Texts(List<LineEditorResult> results) => results.ConvertAll(r => r.ToString());
}
